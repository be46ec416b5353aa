#pragma once
// Live measurement for demos, in the shape of the seed course's Profiler:
// median latency over repeated calls, named regions that break one operation into its
// parts, and the FLOP and byte counts that turn a time into GFLOP/s, GB/s and arithmetic
// intensity. Benchmarks use Google Benchmark instead; this is for the tables a teacher
// shows in class.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

// The median of samples (the mean of the two middle ones for an even count); 0 for none.
inline double median(std::span<const double> samples) {
  if (samples.empty()) return 0;
  std::vector<double> sorted(samples.begin(), samples.end());
  const auto middle = sorted.begin() + std::ptrdiff_t(sorted.size() / 2);
  std::nth_element(sorted.begin(), middle, sorted.end());
  if (sorted.size() % 2 == 1) return *middle;
  return (*middle + *std::max_element(sorted.begin(), middle)) / 2;
}

// One named region of a profile: the median of its samples, in ms.
struct RegionTime {
  std::string name;
  double median_ms = 0;
  std::size_t samples = 0;
};

class Profiler {
 public:
  // Runs fn `warmup` times untimed, then `iterations` times timed; returns the median in ms.
  template <typename Fn>
  double measure_latency(Fn&& fn, int warmup = 3, int iterations = 10) const {
    if (iterations < 1) throw std::invalid_argument("measure_latency needs at least one iteration");
    for (int i = 0; i < warmup; ++i) fn();
    std::vector<double> samples;
    samples.reserve(std::size_t(iterations));
    for (int i = 0; i < iterations; ++i) samples.push_back(milliseconds_of(fn));
    return median(samples);
  }

  // Named regions: the parts of one larger operation, timed where they run. Each call runs
  // fn once and records its time under name, so calling the parts in order, round after
  // round, gives every part a sample per round under the same conditions. The sample is
  // stored after the clock stops: recording never lands inside a region.
  template <typename Fn>
  void time_region(std::string_view name, Fn&& fn) {
    const double ms = milliseconds_of(fn);
    samples_of(name).push_back(ms);
  }

  // Every region recorded so far, in the order each was first recorded.
  std::vector<RegionTime> region_times() const {
    std::vector<RegionTime> times;
    for (const auto& [name, samples] : regions_) times.push_back({name, median(samples), samples.size()});
    return times;
  }

  void clear_regions() { regions_.clear(); }

 private:
  template <typename Fn>
  static double milliseconds_of(Fn& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    const auto stop = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::milli>(stop - start).count();
  }

  std::vector<double>& samples_of(std::string_view name) {
    for (auto& [region, samples] : regions_) {
      if (region == name) return samples;
    }
    return regions_.emplace_back(std::string(name), std::vector<double>{}).second;
  }

  std::vector<std::pair<std::string, std::vector<double>>> regions_;  // few regions: a list beats a map
};

}  // namespace accel
