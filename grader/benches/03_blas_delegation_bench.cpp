// The grader's speed cases for stage 03: its own naive kernels against the student's BLAS
// calls. Case names are what rubric.json refers to.
//
// BLAS is pinned to one thread here, by the grader, before any case runs: the student's
// set_blas_threads is not trusted with it, and a ratio against a single-threaded baseline
// must not depend on how many cores the grading machine has.

#include <cstdlib>

#include <benchmark/benchmark.h>

#include "accel/bench.hpp"
#include "baselines.hpp"
#include "blas_delegation.hpp"

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

namespace {

using accel::Tensor;

// Runs during static initialization, after the BLAS library was loaded and before main().
const bool blas_pinned_to_one_thread = [] {
#if defined(ACCEL_BLAS_ACCELERATE)
#if defined(__clang__) && defined(__MAC_15_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_15_0
  if (__builtin_available(macOS 15.0, *)) return BLASSetThreading(BLAS_THREADING_SINGLE_THREADED) == 0;
#endif
  return setenv("VECLIB_MAXIMUM_THREADS", "1", 1) == 0;  // effective before Accelerate's first call
#else
  openblas_set_num_threads(1);
  return openblas_get_num_threads() == 1;
#endif
}();

void student_matmul_blas(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
  for (auto _ : state) {
    Tensor c = accel::stage03::matmul_blas(a, b);
    benchmark::DoNotOptimize(c.data());
  }
  accel::report_cost(state, accel::matmul_cost(n, n, n));
  state.counters["blas_one_thread"] = blas_pinned_to_one_thread;
}

// A 512 → 512 layer on a batch of range(0) rows.
constexpr std::size_t kLinearIn = 512, kLinearOut = 512;

void baseline_linear_naive(benchmark::State& state) {
  const auto batch = std::size_t(state.range(0));
  const Tensor x = Tensor::random({batch, kLinearIn}, 1), w = Tensor::random({kLinearOut, kLinearIn}, 2);
  const Tensor bias = Tensor::random({kLinearOut}, 3);
  Tensor y({batch, kLinearOut});
  for (auto _ : state) {
    accel::baselines::linear_naive(x.data(), w.data(), bias.data(), y.data(), batch, kLinearIn, kLinearOut);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::matmul_cost(batch, kLinearOut, kLinearIn));
}

void student_linear(benchmark::State& state) {
  const auto batch = std::size_t(state.range(0));
  const Tensor x = Tensor::random({batch, kLinearIn}, 1), w = Tensor::random({kLinearOut, kLinearIn}, 2);
  const Tensor bias = Tensor::random({kLinearOut}, 3);
  for (auto _ : state) {
    Tensor y = accel::stage03::linear(x, w, bias);
    benchmark::DoNotOptimize(y.data());
  }
  accel::report_cost(state, accel::matmul_cost(batch, kLinearOut, kLinearIn));
  state.counters["blas_one_thread"] = blas_pinned_to_one_thread;
}

BENCHMARK(accel::square_matmul<accel::baselines::matmul_ijk>)->Name("baseline/matmul_ijk")->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(student_matmul_blas)->Name("student/matmul_blas")->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(baseline_linear_naive)->Name("baseline/linear_naive")->Arg(64)->Unit(benchmark::kMillisecond);
BENCHMARK(student_linear)->Name("student/linear")->Arg(64)->Unit(benchmark::kMillisecond);

}  // namespace
