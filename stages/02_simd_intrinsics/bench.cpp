// Stage 02 benchmarks: add_simd and dot_simd from L1 to DRAM, matmul_simd from 64 to 1024,
// with FLOP/s and byte counters.
//   build/<preset>/bin/stage02_bench --benchmark_filter=dot
// The grader's own cases (against its scalar and i-k-j baselines) are in stage02_grade_bench.

#include <benchmark/benchmark.h>

#include "accel/bench.hpp"
#include "accel/tensor.hpp"
#include "simd_intrinsics.hpp"

namespace {

using accel::Tensor;

// Lengths whose working sets sit in L1 (4 Ki floats), L2 (32 Ki), L3 (1 Mi) and DRAM (16 Mi).
void element_sizes(benchmark::internal::Benchmark* bench) {
  for (long n : {1L << 12, 1L << 15, 1L << 20, 1L << 24}) bench->Arg(n);
}

void BM_add_simd(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor a = Tensor::random({n}, 1), b = Tensor::random({n}, 2);
  Tensor out({n});
  if (!accel::first_call_works(state, [&] { accel::stage02::add_simd(a.span(), b.span(), out.span()); })) return;
  for (auto _ : state) {
    accel::stage02::add_simd(a.span(), b.span(), out.span());
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::elementwise_cost(n, 1, 2, 1));
}
BENCHMARK(BM_add_simd)->Apply(element_sizes);

void BM_dot_simd(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor a = Tensor::random({n}, 1), b = Tensor::random({n}, 2);
  if (!accel::first_call_works(state, [&] { benchmark::DoNotOptimize(accel::stage02::dot_simd(a.span(), b.span())); })) {
    return;
  }
  for (auto _ : state) {
    float result = accel::stage02::dot_simd(a.span(), b.span());
    benchmark::DoNotOptimize(result);
  }
  accel::report_cost(state, accel::elementwise_cost(n, 2, 2, 0));
}
BENCHMARK(BM_dot_simd)->Apply(element_sizes);

BENCHMARK(accel::square_matmul<accel::stage02::matmul_simd>)->Name("BM_matmul_simd")->RangeMultiplier(2)->Range(64, 1024)->Unit(benchmark::kMillisecond);

}  // namespace
