// Stage 06 benchmarks: the two roofs as counters, and the element-wise kernels under them.
//   build/<preset>/bin/stage06_bench --benchmark_filter=roof        the probes (your code)
//   build/<preset>/bin/stage06_bench --benchmark_filter='/33554432'  the kernels in DRAM
// The kernels (add, dot, triad) are this file's own loops; their FLOPS and bytes_per_second
// counters use your cost functions, so compare bytes_per_second with the triad roof at the
// same footprint, and FLOPS with the peak.

#include <benchmark/benchmark.h>

#include "accel/bench.hpp"
#include "accel/tensor.hpp"
#include "roofline.hpp"

namespace {

using accel::Tensor;
namespace s06 = accel::stage06;

// One probe per iteration; the counter is its last result (Google Benchmark's own timing
// of the probe is not the point here).
void BM_roof_fma_chains(benchmark::State& state) {
  double gflops = 0;
  for (auto _ : state) {
    if (!accel::first_call_works(state, [&] { gflops = s06::fma_gflops(std::size_t(state.range(0))); })) return;
  }
  state.counters["GFLOP/s"] = gflops;
}
BENCHMARK(BM_roof_fma_chains)->DenseRange(1, 4, 1)->Arg(8)->Arg(12)->Arg(16)->Iterations(3)->Unit(benchmark::kMillisecond);

void BM_roof_peak(benchmark::State& state) {
  double gflops = 0;
  for (auto _ : state) {
    if (!accel::first_call_works(state, [&] { gflops = s06::peak_gflops(); })) return;
  }
  state.counters["GFLOP/s"] = gflops;
}
BENCHMARK(BM_roof_peak)->Iterations(3)->Unit(benchmark::kMillisecond);

// Footprints of the three arrays: 24 KiB (L1), 1 MiB (L2), 8 MiB (L3), 512 MiB (DRAM).
void BM_roof_triad(benchmark::State& state) {
  double gbps = 0;
  for (auto _ : state) {
    if (!accel::first_call_works(state, [&] { gbps = s06::stream_triad_gbps(std::size_t(state.range(0))); })) return;
  }
  state.counters["GB/s"] = gbps;
}
BENCHMARK(BM_roof_triad)->Arg(24 << 10)->Arg(1 << 20)->Arg(8 << 20)->Arg(512 << 20)->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Lengths whose arrays sit in L1 (2 Ki floats), L2 (64 Ki), L3 (1 Mi) and DRAM (32 Mi).
void element_sizes(benchmark::internal::Benchmark* bench) {
  for (long n : {1L << 11, 1L << 16, 1L << 20, 1L << 25}) bench->Arg(n);
}

void BM_add(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  accel::OpCost cost;
  if (!accel::first_call_works(state, [&] { cost = s06::add_cost(n); })) return;
  const Tensor a = Tensor::random({n}, 1), b = Tensor::random({n}, 2);
  Tensor out({n});
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out.data()[i] = a.data()[i] + b.data()[i];
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, cost);
}
BENCHMARK(BM_add)->Apply(element_sizes);

void BM_triad(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  accel::OpCost cost;
  if (!accel::first_call_works(state, [&] { cost = s06::triad_cost(n); })) return;
  const Tensor b = Tensor::random({n}, 1), c = Tensor::random({n}, 2);
  Tensor a({n});
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) a.data()[i] = b.data()[i] + 3.0f * c.data()[i];
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, cost);
}
BENCHMARK(BM_triad)->Apply(element_sizes);

// Four partial sums, so the additions do not wait on each other and the loop vectorizes.
void BM_dot(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  accel::OpCost cost;
  if (!accel::first_call_works(state, [&] { cost = s06::dot_cost(n); })) return;
  const Tensor a = Tensor::random({n}, 1), b = Tensor::random({n}, 2);
  for (auto _ : state) {
    float sums[4] = {};
    for (std::size_t i = 0; i + 4 <= n; i += 4) {
      for (std::size_t lane = 0; lane < 4; ++lane) sums[lane] += a.data()[i + lane] * b.data()[i + lane];
    }
    benchmark::DoNotOptimize(sums);
  }
  accel::report_cost(state, cost);
}
BENCHMARK(BM_dot)->Apply(element_sizes);

}  // namespace
