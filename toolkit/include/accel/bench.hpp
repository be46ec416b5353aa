#pragma once
// Google Benchmark helpers shared by every stage's bench.cpp and the grader's benches.

#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "accel/profiler.hpp"
#include "accel/tensor.hpp"
#include "accel/todo.hpp"

namespace accel {

// Reports an operation's cost as counters: FLOPS (FLOP per second) and bytes_per_second
// (compulsory traffic), both per iteration of the benchmark loop.
inline void report_cost(benchmark::State& state, const OpCost& cost) {
  state.counters["FLOPS"] = benchmark::Counter(cost.flops, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(std::int64_t(double(state.iterations()) * cost.bytes));
}

// Runs fn once, outside any timed loop (a warm-up, and the place a TODO shows up): a
// function still to be written skips the case with its message ("stage 02: dot_simd is
// not implemented yet") instead of aborting the whole program.
template <typename Fn>
bool first_call_works(benchmark::State& state, Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const NotImplemented& todo) {
    state.SkipWithError(todo.what());
    return false;
  }
}

// Every matmul kernel of the course: C = A·B, row-major, A M×K, B K×N, C overwritten.
using MatmulKernel = void (*)(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// A benchmark body for Kernel on N×N matrices, N = state.range(0), seeded inputs.
template <MatmulKernel Kernel>
void square_matmul(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
  Tensor c({n, n});
  if (!first_call_works(state, [&] { Kernel(a.data(), b.data(), c.data(), n, n, n); })) return;
  for (auto _ : state) {
    Kernel(a.data(), b.data(), c.data(), n, n, n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  report_cost(state, matmul_cost(n, n, n));
}

}  // namespace accel
