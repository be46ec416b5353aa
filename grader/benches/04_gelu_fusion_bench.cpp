// stage04_grade_bench: the student's stage 04 kernels as the grader times them (case names
// are the catalog's, in grader/cases/workloads.cpp; the rubric pairs each with a baseline).

#include <array>

#include "gelu_fusion.hpp"
#include "harness.hpp"

namespace {

using namespace accel::grade;

template <void (*Gelu)(std::span<const float>, std::span<float>)>
void gelu(Workload& workload) {
  GeluWorkload& w = as<GeluWorkload>(workload);
  Gelu(w.x.span(), w.out.span());
}

constexpr std::array kRunners = {
    RunnerEntry{"student/gelu_fused_simd/16777216", Kind::gelu, gelu<accel::stage04::gelu_fused_simd>},
    RunnerEntry{"student/gelu_fused_simd/32768", Kind::gelu, gelu<accel::stage04::gelu_fused_simd>},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners); }
