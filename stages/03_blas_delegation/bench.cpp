// Stage 03 benchmarks, with FLOP/s and byte counters. BLAS runs on one thread except in
// BM_matmul_blas_threads, so figures compare single cores.
//   build/<preset>/bin/stage03_bench --benchmark_filter=matmul_blas/
//   build/<preset>/bin/stage03_bench --benchmark_filter=threads
// BM_matmul_ikj_baseline is a local baseline (stage 01's loop order, rewritten here).

#include <algorithm>

#include <benchmark/benchmark.h>

#include "accel/bench.hpp"
#include "accel/blas_info.hpp"
#include "accel/todo.hpp"
#include "blas_delegation.hpp"

namespace {

using accel::Tensor;
namespace s03 = accel::stage03;

// The BLAS in the output's context, beside the CPU and flags the shared main() records.
[[maybe_unused]] const bool blas_in_context = [] {
  benchmark::AddCustomContext("blas", accel::blas_vendor());
  return true;
}();

void BM_matmul_ikj_baseline(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
  Tensor c({n, n});
  for (auto _ : state) {
    float* C = c.data();
    std::fill(C, C + n * n, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < n; ++k) {
        const float a_ik = a.data()[i * n + k];
        for (std::size_t j = 0; j < n; ++j) C[i * n + j] += a_ik * b.data()[k * n + j];
      }
    }
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::matmul_cost(n, n, n));
}
BENCHMARK(BM_matmul_ikj_baseline)->RangeMultiplier(2)->Range(64, 1024)->Unit(benchmark::kMillisecond);

// matmul_blas on n×n matrices with a given thread count (range(1), default 1).
void BM_matmul_blas(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const auto threads = std::size_t(state.range(1));
  const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
  Tensor c({n, n});
  if (!accel::first_call_works(state, [&] {
        s03::set_blas_threads(threads);
        c = s03::matmul_blas(a, b);
      })) return;
  for (auto _ : state) {
    c = s03::matmul_blas(a, b);
    benchmark::DoNotOptimize(c.data());
  }
  accel::report_cost(state, accel::matmul_cost(n, n, n));
  s03::set_blas_threads(1);
}
BENCHMARK(BM_matmul_blas)->ArgsProduct({benchmark::CreateRange(64, 2048, 2), {1}})->ArgNames({"n", "threads"})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_matmul_blas)->Name("BM_matmul_blas_threads")->ArgsProduct({{128, 512, 1024, 2048}, {1, 2, 4}})
    ->ArgNames({"n", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();

// The same FLOPs as `batch` products of 64×64 matrices: (batch, 64, 64) @ (batch, 64, 64)
// takes one GEMM call per entry; (batch, 64, 64) @ (64, 64) folds into one tall GEMM.
template <bool kFolded>
void BM_matmul_blas_batch(benchmark::State& state) {
  const auto batch = std::size_t(state.range(0));
  constexpr std::size_t n = 64;
  const Tensor a = Tensor::random({batch, n, n}, 1);
  const Tensor b = kFolded ? Tensor::random({n, n}, 2) : Tensor::random({batch, n, n}, 2);
  Tensor c({batch, n, n});
  if (!accel::first_call_works(state, [&] {
        s03::set_blas_threads(1);
        c = s03::matmul_blas(a, b);
      })) return;
  for (auto _ : state) {
    c = s03::matmul_blas(a, b);
    benchmark::DoNotOptimize(c.data());
  }
  accel::OpCost cost = accel::matmul_cost(n, n, n);
  cost.flops *= double(batch);
  cost.bytes = 4.0 * double(a.size() + b.size() + c.size());
  accel::report_cost(state, cost);
}
BENCHMARK(BM_matmul_blas_batch<false>)->Name("BM_matmul_blas_batched_64x64")->Arg(64)->UseRealTime();
BENCHMARK(BM_matmul_blas_batch<true>)->Name("BM_matmul_blas_folded_64x64")->Arg(64)->UseRealTime();

// A 512 → 512 linear layer across batch sizes: batch 1 reads all of W (1 MiB) for 0.5 MFLOP
// (memory-bound, a matrix-vector product); batch 512 reuses each W element 512 times.
void BM_linear(benchmark::State& state) {
  const auto batch = std::size_t(state.range(0));
  constexpr std::size_t in = 512, out = 512;
  const Tensor x = Tensor::random({batch, in}, 1), w = Tensor::random({out, in}, 2), bias = Tensor::random({out}, 3);
  Tensor y({batch, out});
  if (!accel::first_call_works(state, [&] {
        s03::set_blas_threads(1);
        y = s03::linear(x, w, bias);
      })) return;
  for (auto _ : state) {
    y = s03::linear(x, w, bias);
    benchmark::DoNotOptimize(y.data());
  }
  accel::OpCost cost = accel::matmul_cost(batch, out, in);
  cost.bytes += 4.0 * out;  // the bias
  accel::report_cost(state, cost);
}
BENCHMARK(BM_linear)->RangeMultiplier(8)->Range(1, 512)->UseRealTime();

}  // namespace
