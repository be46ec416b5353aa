// grade_baselines: the grader's own kernels (and OpenBLAS), timed by the harness in a
// process that runs no student code, so a student's code cannot slow down what it is
// compared against.
// Also the probes of the machine's limits (machine_probes.cpp).

#include <array>
#include <span>
#include <vector>

#include "accel/cpu_info.hpp"
#include "baselines.hpp"
#include "harness.hpp"

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif
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

void transpose_naive(Workload& workload) {
  TransposeWorkload& w = as<TransposeWorkload>(workload);
  baselines::transpose_naive(w.in.data(), w.out.data(), w.rows(), w.cols());
}

// OpenBLAS (or Accelerate) on one thread: the grader runs this program with
// OPENBLAS_NUM_THREADS=1. What a packed GEMM is measured against, unscored.
void openblas_sgemm(Workload& workload) {
  MatmulWorkload& w = as<MatmulWorkload>(workload);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(w.m()), int(w.n()), int(w.k()), 1.0f, w.a.data(),
              int(w.k()), w.b.data(), int(w.n()), 0.0f, w.c.data(), int(w.n()));
}

void mlp_naive(Workload& workload) {
  MlpWorkload& w = as<MlpWorkload>(workload);
  baselines::mlp_naive(w.x.data(), w.w1.data(), w.b1.data(), w.w2.data(), w.b2.data(), w.y.data(), w.batch(),
                       w.d_model(), w.d_ff());
}

// The floor of an MLP block: its two products as bare sgemm calls on one thread, into a
// hidden array of the workload's own, with no bias and no GELU. Its output is not the
// block's (only a candidate's output is checked): what stage 07's mlp_fast adds to this
// time is its overhead.
void mlp_two_sgemm(Workload& workload) {
  MlpWorkload& w = as<MlpWorkload>(workload);
  static std::vector<float> hidden;
  hidden.resize(w.batch() * w.d_ff());  // allocates in the untimed first call only
  const int B = int(w.batch()), D = int(w.d_model()), F = int(w.d_ff());
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, F, D, 1.0f, w.x.data(), D, w.w1.data(), D, 0.0f,
              hidden.data(), F);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, D, F, 1.0f, hidden.data(), F, w.w2.data(), F, 0.0f,
              w.y.data(), D);
}

// Stage 08's baselines run on every core this process may use (the grader's children
// inherit its affinity), as the student's kernels do.
const unsigned kCores = accel::usable_cores();

void triad_all_cores(Workload& workload) {
  AddWorkload& w = as<AddWorkload>(workload);
  baselines::triad_parallel(w.a.data(), w.b.data(), w.c.data(), w.n(), kCores);
}

void scale_all_cores(Workload& workload) {
  GeluWorkload& w = as<GeluWorkload>(workload);
  baselines::scale_parallel(w.x.data(), w.out.data(), w.n(), kCores);
}

void sum_false_sharing(Workload& workload) {
  SumWorkload& w = as<SumWorkload>(workload);
  w.result.data()[0] = baselines::sum_false_sharing(w.x.data(), w.n(), kCores);
}

template <void (*Gelu)(const float*, float*, std::size_t)>
void gelu(Workload& workload) {
  GeluWorkload& w = as<GeluWorkload>(workload);
  Gelu(w.x.data(), w.out.data(), w.n());
}

constexpr std::array kRunners = {
    RunnerEntry{"baseline/matmul_ijk/512", Kind::matmul, run_matmul<baselines::matmul_ijk>},
    RunnerEntry{"baseline/matmul_ikj/512", Kind::matmul, run_matmul<baselines::matmul_ikj>},
    RunnerEntry{"baseline/matmul_ikj/256", Kind::matmul, run_matmul<baselines::matmul_ikj>},
    RunnerEntry{"baseline/dot_strict/2048", Kind::dot, dot_strict},
    RunnerEntry{"baseline/linear_naive/64", Kind::linear, linear_naive},
    RunnerEntry{"baseline/gelu_unfused_vectorized/16777216", Kind::gelu, gelu<baselines::gelu_unfused_vectorized>},
    RunnerEntry{"baseline/gelu_fused_scalar/32768", Kind::gelu, gelu<baselines::gelu_fused_scalar>},
    RunnerEntry{"baseline/transpose_naive/2000x8000", Kind::transpose, transpose_naive},
    RunnerEntry{"baseline/matmul_ikj/64x4096x8192", Kind::matmul, run_matmul<baselines::matmul_ikj>},
    RunnerEntry{"baseline/matmul_ikj/1024", Kind::matmul, run_matmul<baselines::matmul_ikj>},
    RunnerEntry{"baseline/openblas_sgemm/1024", Kind::matmul, openblas_sgemm},
    RunnerEntry{"baseline/mlp_naive/64", Kind::mlp, mlp_naive},
    RunnerEntry{"baseline/mlp_two_sgemm/64", Kind::mlp, mlp_two_sgemm},
    RunnerEntry{"baseline/triad_all_cores/16777216", Kind::add, triad_all_cores},
    RunnerEntry{"baseline/scale_all_cores/16777216", Kind::gelu, scale_all_cores},
    RunnerEntry{"baseline/sum_false_sharing/16777216", Kind::sum, sum_false_sharing},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners, machine_probes(), machine_values()); }
