// stage02_grade_bench: the student's stage 02 kernels as the grader times them (case names
// are the catalog's, in grader/cases/workloads.cpp; the rubric pairs each with a baseline).

#include <array>
#include <span>

#include "harness.hpp"
#include "simd_intrinsics.hpp"

namespace {

using namespace accel::grade;

void dot_simd(Workload& workload) {
  DotWorkload& w = as<DotWorkload>(workload);
  w.result.data()[0] = accel::stage02::dot_simd(w.a.span(), w.b.span());
}

constexpr std::array kRunners = {
    RunnerEntry{"student/dot_simd/2048", Kind::dot, dot_simd},
    RunnerEntry{"student/matmul_simd/256", Kind::matmul, run_matmul<accel::stage02::matmul_simd>},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners); }
