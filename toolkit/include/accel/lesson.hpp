#pragma once
// What the stages' demos and lesson benches share, so that "% of peak" or "× i-k-j" means
// the same thing in every stage: the FMA peak of one core in each vector width this build
// has, the baseline matrix loops, and a per-call timer. A library of its own
// (accel::lesson), linked into demos and benches only, never into a stage library (whose
// code the student writes and the grader audits).

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "accel/profiler.hpp"

namespace accel::lesson {

// One core's FMA peak in one vector width: independent accumulators enough to cover FMA
// latency × pipes on every course machine, no memory; the best of 15 short runs.
struct Peak {
  std::string width;  // "512-bit", "256-bit", "128-bit", "scalar"
  double gflops = 0;
};
// Every width this build has, widest first (an AVX-512 build: 512-bit and 256-bit), with
// `threads` copies of the loop running at once (the machine's peak on that many cores).
std::vector<Peak> fma_peaks(unsigned threads = 1);
// "512-bit FMAs 231.4 GFLOP/s, 256-bit FMAs 113.0 GFLOP/s" (and the widest, in *widest).
std::string fma_peaks_text(double* widest = nullptr);

// The textbook i-j-k loop and the interchanged i-k-j loop on n×n row-major matrices (stage
// 01's, re-implemented: stages never link each other), C overwritten.
void matmul_ijk(const float* A, const float* B, float* C, std::size_t n);
void matmul_ikj(const float* A, const float* B, float* C, std::size_t n);

// Median milliseconds per call of fn, after an untimed first call: 5 samples, each of enough
// calls to last about 50 ms, so a fast kernel is not timed one cold call at a time. A call
// of over a second is timed once (the first): at that length cold caches do not matter, and
// a demo stays within a minute or two.
template <typename Fn>
double median_ms(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  const double first = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (first > 1000) return first;
  const int calls = first >= 50 ? 1 : first <= 5e-3 ? 10000 : int(50.0 / first);
  const double ms = Profiler().measure_latency([&] {
    for (int c = 0; c < calls; ++c) fn();
  }, 0, 5);
  return ms / calls;
}

}  // namespace accel::lesson
