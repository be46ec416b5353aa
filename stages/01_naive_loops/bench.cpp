// Stage 01 benchmarks: ijk vs ikj matmul, add and relu, with FLOP/s and byte counters.
//   build/<preset>/bin/stage01_bench --benchmark_filter=matmul

#include <benchmark/benchmark.h>

#include "accel/bench.hpp"
#include "naive_loops.hpp"

namespace {

using accel::Tensor;

BENCHMARK(accel::square_matmul<accel::stage01::matmul_ijk>)->Name("BM_matmul_ijk")->RangeMultiplier(2)->Range(64, 512)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(accel::square_matmul<accel::stage01::matmul_ikj>)->Name("BM_matmul_ikj")->RangeMultiplier(2)->Range(64, 1024)
    ->Unit(benchmark::kMillisecond);

void BM_add(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor a = Tensor::random({n}, 1), b = Tensor::random({n}, 2);
  Tensor out({n});
  if (!accel::first_call_works(state, [&] { accel::stage01::add(a.span(), b.span(), out.span()); })) return;
  for (auto _ : state) {
    accel::stage01::add(a.span(), b.span(), out.span());
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::elementwise_cost(n, 1, 2, 1));
}
BENCHMARK(BM_add)->RangeMultiplier(16)->Range(1 << 12, 1 << 24);

void BM_relu(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor x = Tensor::random({n}, 1);
  Tensor out({n});
  if (!accel::first_call_works(state, [&] { accel::stage01::relu(x.span(), out.span()); })) return;
  for (auto _ : state) {
    accel::stage01::relu(x.span(), out.span());
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::elementwise_cost(n, 1, 1, 1));
}
BENCHMARK(BM_relu)->RangeMultiplier(16)->Range(1 << 12, 1 << 24);

}  // namespace
