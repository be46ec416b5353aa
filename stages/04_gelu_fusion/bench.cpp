// Stage 04 benchmarks: the GELU variants over sizes from L1 to DRAM, with FLOP/s, bytes/s
// (the traffic the lesson predicts) and elements/s counters, plus the two yardsticks the
// lesson compares them with: std::tanh alone and a plain copy.
//   build/<preset>/bin/stage04_bench --benchmark_filter=gelu_fused
//   build/<preset>/bin/stage04_bench --benchmark_filter='/16777216'

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include <benchmark/benchmark.h>

#include "accel/bench.hpp"
#include "gelu_fusion.hpp"

namespace {

using accel::Tensor;
namespace s04 = accel::stage04;

constexpr double kGeluFlops = 9;  // x³ (2), ·0.044715, +x, ·√(2/π), tanh (as 1), +1, ·x, ·0.5

void report(benchmark::State& state, std::size_t n, double flops_per_element, double bytes) {
  accel::report_cost(state, {flops_per_element * double(n), bytes});
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(n));
}

void BM_gelu_unfused(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor x = Tensor::random({n}, 1, -4.0f, 4.0f);
  double traffic = 0;
  if (!accel::first_call_works(state, [&] {
        traffic = double(s04::traffic_bytes_unfused(n));
        benchmark::DoNotOptimize(s04::gelu_unfused(x).data());
      })) {
    return;
  }
  for (auto _ : state) {
    Tensor y = s04::gelu_unfused(x);
    benchmark::DoNotOptimize(y.data());
  }
  report(state, n, kGeluFlops, traffic);
}

// Not a task: the same seven passes into scratch arrays allocated once, outside the
// timing. The difference to BM_gelu_unfused is what allocating (and zero-filling) fresh
// tensors costs; the difference to BM_gelu_fused is the traffic of the passes alone.
void BM_gelu_seven_passes_preallocated(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor x = Tensor::random({n}, 1, -4.0f, 4.0f);
  double traffic = 0;
  if (!accel::first_call_works(state, [&] { traffic = double(s04::traffic_bytes_unfused(n)); })) return;
  std::vector<Tensor> scratch;
  for (int i = 0; i < 7; ++i) scratch.emplace_back(accel::Shape{n});
  constexpr float kSqrt2OverPi = 0.7978845608028654f, kCubic = 0.044715f;
  for (auto _ : state) {
    const float* in = x.data();
    float *cube = scratch[0].data(), *scaled = scratch[1].data(), *inner = scratch[2].data();
    float *arg = scratch[3].data(), *t = scratch[4].data(), *one_plus = scratch[5].data(), *out = scratch[6].data();
    for (std::size_t i = 0; i < n; ++i) cube[i] = in[i] * in[i] * in[i];
    for (std::size_t i = 0; i < n; ++i) scaled[i] = kCubic * cube[i];
    for (std::size_t i = 0; i < n; ++i) inner[i] = in[i] + scaled[i];
    for (std::size_t i = 0; i < n; ++i) arg[i] = kSqrt2OverPi * inner[i];
    for (std::size_t i = 0; i < n; ++i) t[i] = std::tanh(arg[i]);
    for (std::size_t i = 0; i < n; ++i) one_plus[i] = 1.0f + t[i];
    for (std::size_t i = 0; i < n; ++i) out[i] = one_plus[i] == 0.0f ? 0.0f : 0.5f * in[i] * one_plus[i];
    benchmark::ClobberMemory();
  }
  report(state, n, kGeluFlops, traffic);
}

template <auto Kernel>
void BM_span_kernel(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor x = Tensor::random({n}, 1, -4.0f, 4.0f);
  Tensor out({n});
  double traffic = 0;
  if (!accel::first_call_works(state, [&] {
        traffic = double(s04::traffic_bytes_fused(n));
        Kernel(x.span(), out.span());
      })) {
    return;
  }
  for (auto _ : state) {
    Kernel(x.span(), out.span());
    benchmark::ClobberMemory();
  }
  report(state, n, kGeluFlops, traffic);
}

// The epilogue of a transformer MLP layer: rows tokens × 3072 hidden units (GPT-2 small).
void BM_bias_gelu(benchmark::State& state) {
  const auto rows = std::size_t(state.range(0));
  constexpr std::size_t cols = 3072;
  const Tensor x = Tensor::random({rows, cols}, 1, -4.0f, 4.0f);
  const Tensor bias = Tensor::random({cols}, 2, -1.0f, 1.0f);
  Tensor out({rows, cols});
  if (!accel::first_call_works(state, [&] { s04::bias_gelu(x.span(), bias.span(), out.span()); })) return;
  for (auto _ : state) {
    s04::bias_gelu(x.span(), bias.span(), out.span());
    benchmark::ClobberMemory();
  }
  report(state, rows * cols, kGeluFlops + 1, 8.0 * double(rows * cols) + 4.0 * cols);
}

// Yardstick 1: what std::tanh costs by itself (1 read, 1 write per element).
void BM_tanh_alone(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor x = Tensor::random({n}, 1, -4.0f, 4.0f);
  Tensor out({n});
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out.data()[i] = std::tanh(x.data()[i]);
    benchmark::ClobberMemory();
  }
  report(state, n, 1, 8.0 * double(n));
}

// Yardstick 2: the memory roof, a copy that reads n floats and writes n floats.
void BM_copy(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor x = Tensor::random({n}, 1);
  Tensor out({n});
  for (auto _ : state) {
    std::copy(x.data(), x.data() + n, out.data());
    benchmark::ClobberMemory();
  }
  report(state, n, 0, 8.0 * double(n));
}

// 8 Ki floats (32 KiB per array, in L1) to 16 Mi floats (64 MiB per array, DRAM): 8 Ki, 32 Ki,
// 256 Ki, 2 Mi, 16 Mi.
void sizes(benchmark::internal::Benchmark* b) { b->RangeMultiplier(8)->Range(1 << 13, 1 << 24); }

BENCHMARK(BM_gelu_unfused)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_gelu_seven_passes_preallocated)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_span_kernel<s04::gelu_fused>)->Name("BM_gelu_fused")->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_span_kernel<s04::gelu_fused_simd>)->Name("BM_gelu_fused_simd")->Apply(sizes)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_bias_gelu)->Arg(8)->Arg(512)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_tanh_alone)->Arg(1 << 13)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_copy)->Apply(sizes)->Unit(benchmark::kMillisecond);

}  // namespace
