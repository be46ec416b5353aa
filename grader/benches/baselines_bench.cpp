// grade_baselines: the grader's own kernels, timed by the harness in a process that runs
// no student code, so a student's code cannot slow down what it is compared against.
// Also the probes of the machine's limits (machine_probes.cpp).

#include <array>
#include <span>

#include "baselines.hpp"
#include "harness.hpp"
#include "machine_probes.hpp"

namespace {

using namespace accel::grade;
namespace baselines = accel::baselines;

void dot_strict(Workload& workload) {
  DotWorkload& w = as<DotWorkload>(workload);
  w.result.data()[0] = baselines::dot_strict(w.a.data(), w.b.data(), w.n());
}

void linear_naive(Workload& workload) {
  LinearWorkload& w = as<LinearWorkload>(workload);
  baselines::linear_naive(w.x.data(), w.w.data(), w.bias.data(), w.y.data(), w.batch(), w.in(), w.out());
}

template <void (*Gelu)(const float*, float*, std::size_t)>
void gelu(Workload& workload) {
  GeluWorkload& w = as<GeluWorkload>(workload);
  Gelu(w.x.data(), w.out.data(), w.n());
}

constexpr std::array kRunners = {
    RunnerEntry{"baseline/matmul_ijk/512", Kind::matmul, run_matmul<baselines::matmul_ijk>},
    RunnerEntry{"baseline/matmul_ikj/512", Kind::matmul, run_matmul<baselines::matmul_ikj>},
    RunnerEntry{"baseline/dot_strict/2048", Kind::dot, dot_strict},
    RunnerEntry{"baseline/linear_naive/64", Kind::linear, linear_naive},
    RunnerEntry{"baseline/gelu_unfused_vectorized/16777216", Kind::gelu, gelu<baselines::gelu_unfused_vectorized>},
    RunnerEntry{"baseline/gelu_fused_scalar/32768", Kind::gelu, gelu<baselines::gelu_fused_scalar>},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners, machine_probes(), machine_values()); }
