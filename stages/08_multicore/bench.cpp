// Stage 08 benchmarks, the thread count as the last argument (1 to accel::usable_cores()):
//   add_parallel and gelu_parallel on arrays that fit one core's L2 and on 2^24 floats per
//   array (64 MiB each: DRAM), in GB/s of compulsory traffic;
//   matmul_parallel at n = 1024 against OpenBLAS on as many threads, in GFLOP/s;
//   sum_adjacent_counters against sum_parallel (false sharing), in GB/s.
//   build/<preset>/bin/stage08_bench --benchmark_filter='add|gelu'
//   build/<preset>/bin/stage08_bench --benchmark_filter='sum_'
// Times are wall-clock (UseRealTime): the calling thread's CPU time leaves out the others.
// OpenBLAS is a local yardstick, linked into this bench and the demo, never into the stage
// library.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#include "accel/bench.hpp"
#include "accel/blas_info.hpp"
#include "accel/cpu_info.hpp"
#include "accel/tensor.hpp"
#include "multicore.hpp"

namespace {

using accel::Tensor;
namespace s08 = accel::stage08;

constexpr double kGeluFlops = 9;  // stage 04's count: x³ (2), ·0.044715, +x, ·√(2/π), tanh (1), +1, ·x, ·0.5
constexpr std::int64_t kDramFloats = std::int64_t{1} << 24;

// 1, 2, ..., usable_cores(); past 8 cores 8, 16, 32, ... and usable_cores() itself.
std::vector<std::int64_t> thread_counts() {
  const unsigned cores = accel::usable_cores();
  std::vector<std::int64_t> counts;
  for (unsigned t = 1; t <= cores; t = t < 8 ? t + 1 : 2 * t) counts.push_back(t);
  if (counts.back() != cores) counts.push_back(cores);
  return counts;
}

// The largest power of two whose three arrays (add: a, b, c) take at most half of one
// core's L2: every share stays in its core's L2 from call to call.
std::int64_t l2_floats() {
  const std::size_t l2 = accel::cpu_info().l2_bytes != 0 ? accel::cpu_info().l2_bytes : std::size_t{512} << 10;
  return std::int64_t(std::bit_floor(std::max<std::size_t>(l2 / 24, 1024)));
}

void sizes_by_threads(benchmark::internal::Benchmark* b, const std::vector<std::int64_t>& sizes) {
  for (const std::int64_t n : sizes) {
    for (const std::int64_t threads : thread_counts()) b->Args({n, threads});
  }
  b->ArgNames({"n", "threads"})->UseRealTime()->Unit(benchmark::kMicrosecond);
}
void elementwise_sizes(benchmark::internal::Benchmark* b) { sizes_by_threads(b, {l2_floats(), kDramFloats}); }

// ---- the memory-bound pair ----

void BM_add_parallel(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const auto threads = unsigned(state.range(1));
  const Tensor a = Tensor::random({n}, 1), b = Tensor::random({n}, 2);
  Tensor c({n});
  auto call = [&] { s08::add_parallel(a.data(), b.data(), c.data(), n, threads); };
  if (!accel::first_call_works(state, call)) return;
  for (auto _ : state) {
    call();
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::elementwise_cost(n, 1, 2, 1));
}

void BM_gelu_parallel(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const auto threads = unsigned(state.range(1));
  const Tensor x = Tensor::random({n}, 1, -4.0f, 4.0f);
  Tensor out({n});
  auto call = [&] { s08::gelu_parallel(x.data(), out.data(), n, threads); };
  if (!accel::first_call_works(state, call)) return;
  for (auto _ : state) {
    call();
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::elementwise_cost(n, kGeluFlops, 1, 1));
}

BENCHMARK(BM_add_parallel)->Apply(elementwise_sizes);
BENCHMARK(BM_gelu_parallel)->Apply(elementwise_sizes);

// ---- matmul: matmul_parallel against OpenBLAS on the same number of threads ----

template <typename Kernel>
void square_on_threads(benchmark::State& state, Kernel kernel) {
  const auto n = std::size_t(state.range(0));
  const auto threads = unsigned(state.range(1));
  const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
  Tensor c({n, n});
  auto call = [&] { kernel(a.data(), b.data(), c.data(), n, threads); };
  if (!accel::first_call_works(state, call)) return;
  for (auto _ : state) {
    call();
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::matmul_cost(n, n, n));
}

void BM_matmul_parallel(benchmark::State& state) {
  square_on_threads(state, [](const float* a, const float* b, float* c, std::size_t n, unsigned threads) {
    s08::matmul_parallel(a, b, c, n, n, n, threads);
  });
}

void BM_matmul_openblas(benchmark::State& state) {
#if defined(ACCEL_BLAS_OPENBLAS)
  openblas_set_num_threads(int(state.range(1)));
  state.SetLabel(accel::blas_vendor());
#else
  state.SetLabel(accel::blas_vendor() + " (chooses its own threads)");
#endif
  square_on_threads(state, [](const float* a, const float* b, float* c, std::size_t n, unsigned) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(n), int(n), 1.0f, a, int(n), b, int(n), 0.0f, c,
                int(n));
  });
#if defined(ACCEL_BLAS_OPENBLAS)
  openblas_set_num_threads(1);
#endif
}

void matmul_sizes(benchmark::internal::Benchmark* b) {
  sizes_by_threads(b, {1024});
  b->Unit(benchmark::kMillisecond);
}
BENCHMARK(BM_matmul_parallel)->Apply(matmul_sizes);
BENCHMARK(BM_matmul_openblas)->Apply(matmul_sizes);

// ---- false sharing: a store per add to a shared line, or one store per thread ----

template <float (*Sum)(const float*, std::size_t, unsigned)>
void BM_sum(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const auto threads = unsigned(state.range(1));
  const Tensor x = Tensor::random({n}, 1);
  float sum = 0;
  auto call = [&] { sum = Sum(x.data(), n, threads); };
  if (!accel::first_call_works(state, call)) return;
  for (auto _ : state) {
    call();
    benchmark::DoNotOptimize(sum);
  }
  accel::report_cost(state, accel::elementwise_cost(n, 1, 1, 0));
}

// 4 Mi floats (16 MiB): long enough that the counters' line moves between cores millions
// of times per call.
void sum_sizes(benchmark::internal::Benchmark* b) {
  sizes_by_threads(b, {std::int64_t{1} << 22});
  b->Unit(benchmark::kMillisecond);
}
BENCHMARK(BM_sum<s08::sum_adjacent_counters>)->Name("BM_sum_adjacent_counters")->Apply(sum_sizes);
BENCHMARK(BM_sum<s08::sum_parallel>)->Name("BM_sum_parallel")->Apply(sum_sizes);

}  // namespace
