#pragma once
// Live measurement for demos, in the shape of the seed course's Profiler:
// median latency over repeated calls, and the FLOP and byte counts that turn a time
// into GFLOP/s, GB/s and arithmetic intensity. Benchmarks use Google Benchmark instead;
// this is for the tables a teacher shows in class.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace accel {

// What one call of an operation costs in arithmetic and in compulsory memory traffic.
struct OpCost {
  double flops = 0;
  double bytes = 0;
  double intensity() const { return bytes > 0 ? flops / bytes : 0; }  // FLOP per byte
};

// C[M×N] = A[M×K]·B[K×N] in float32: 2·M·N·K FLOPs; each matrix read or written once.
inline OpCost matmul_cost(std::size_t m, std::size_t n, std::size_t k) {
  const double M = double(m), N = double(n), K = double(k);
  return {2 * M * N * K, 4 * (M * K + K * N + M * N)};
}

// An element-wise operation over n floats reading `inputs` arrays and writing `outputs`.
inline OpCost elementwise_cost(std::size_t n, double flops_per_element, int inputs, int outputs) {
  return {flops_per_element * double(n), 4.0 * double(n) * (inputs + outputs)};
}

inline double gflops_per_second(double flops, double milliseconds) { return flops / (milliseconds * 1e6); }
inline double gigabytes_per_second(double bytes, double milliseconds) { return bytes / (milliseconds * 1e6); }

class Profiler {
 public:
  // Runs fn `warmup` times untimed, then `iterations` times timed; returns the median in ms.
  template <typename Fn>
  double measure_latency(Fn&& fn, int warmup = 3, int iterations = 10) const {
    if (iterations < 1) throw std::invalid_argument("measure_latency needs at least one iteration");
    for (int i = 0; i < warmup; ++i) fn();
    std::vector<double> samples;
    samples.reserve(std::size_t(iterations));
    for (int i = 0; i < iterations; ++i) {
      const auto start = std::chrono::steady_clock::now();
      fn();
      const auto stop = std::chrono::steady_clock::now();
      samples.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
    const auto middle = samples.begin() + samples.size() / 2;
    std::nth_element(samples.begin(), middle, samples.end());
    if (samples.size() % 2 == 1) return *middle;
    return (*middle + *std::max_element(samples.begin(), middle)) / 2;
  }
};

}  // namespace accel
