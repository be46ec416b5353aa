#pragma once
// Google Benchmark helpers shared by every stage's bench.cpp and the grader's benches.

#include <cstdint>

#include <benchmark/benchmark.h>

#include "accel/profiler.hpp"

namespace accel {

// Reports an operation's cost as counters: FLOPS (FLOP per second) and bytes_per_second
// (compulsory traffic), both per iteration of the benchmark loop.
inline void report_cost(benchmark::State& state, const OpCost& cost) {
  state.counters["FLOPS"] = benchmark::Counter(cost.flops, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(std::int64_t(double(state.iterations()) * cost.bytes));
}

}  // namespace accel
