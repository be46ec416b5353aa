// Stage 03 demo: the seed course's scaling table measured here — naive loops against BLAS,
// on one thread and on all of them, as GFLOP/s and as a fraction of this machine's peak —
// and the thread-scaling experiment. Runs in well under a minute.
//
// The ijk and ikj columns are local baselines (the two loop orders of stage 01, rewritten
// here so this demo does not depend on another stage's code).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "accel/blas_info.hpp"
#include "accel/cpu_info.hpp"
#include "accel/profiler.hpp"
#include "accel/table.hpp"
#include "accel/todo.hpp"
#include "blas_delegation.hpp"

using namespace accel;

namespace {

// Local baseline: the textbook loop order, B walked down its columns.
void baseline_ijk(const float* A, const float* B, float* C, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < n; ++k) sum += A[i * n + k] * B[k * n + j];
      C[i * n + j] = sum;
    }
  }
}

// Local baseline: the interchanged order, whose inner loop the compiler vectorizes.
void baseline_ikj(const float* A, const float* B, float* C, std::size_t n) {
  std::fill(C, C + n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < n; ++k) {
      const float a_ik = A[i * n + k];
      for (std::size_t j = 0; j < n; ++j) C[i * n + j] += a_ik * B[k * n + j];
    }
  }
}

// The compute roof: 12 independent 8-float accumulators cover the FMA latency (4 cycles on
// Zen 3) times its 2 FMA pipes with room to spare, so the loop runs at the rate FMAs issue.
// It measures the SIMD path this file was compiled for (simd_path()).
using Vec8 = float __attribute__((vector_size(32)));
constexpr int kChains = 12;
constexpr long kPeakReps = 500'000;  // about 1 ms on one core: shorter than a scheduler time slice

float fma_chains(float seed) {
  Vec8 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = Vec8{} + seed * float(c);
  const Vec8 scale = Vec8{} + 0.999999f, shift = Vec8{} + 1e-7f;
  for (long r = 0; r < kPeakReps; ++r) {
    for (int c = 0; c < kChains; ++c) acc[c] = acc[c] * scale + shift;
  }
  float sum = 0;
  for (int c = 0; c < kChains; ++c) sum += acc[c][0];
  return sum;
}
constexpr double kPeakFlops = 2.0 * 8 * kChains * kPeakReps;

// GFLOP/s of `threads` copies of the FMA loop running at once. A peak is an upper bound and
// anything else running on the machine only lowers a run, so this is the best of 40 short runs.
double measured_peak_gflops(unsigned threads) {
  std::vector<float> results(threads);
  volatile float sink = 0;  // keeps the loops from being optimized away
  double best_ms = 1e300;
  for (int run = 0; run < 40; ++run) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) workers.emplace_back([&results, t] { results[t] = fma_chains(float(t)); });
    for (auto& w : workers) w.join();
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    best_ms = std::min(best_ms, elapsed.count());
    for (float r : results) sink = sink + r;
  }
  return gflops_per_second(kPeakFlops * threads, best_ms);
}

// One warm-up call, then the median of at least 3 timed runs, more while they fit in about
// 0.4 s. A call that takes over a second is timed once (the warm-up itself): at that length
// cold caches do not matter, and the demo stays under a minute.
double median_ms(const std::function<void()>& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  const double first = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (first > 1000) return first;
  const int iterations = std::clamp(int(400 / std::max(first, 1e-3)), 3, 30);
  return Profiler().measure_latency(fn, 0, iterations);
}

std::string percent(double part, double whole) { return fixed(100 * part / whole, 0) + " %"; }

}  // namespace

int main() try {
  std::cout << "Stage 03 — BLAS delegation\n" << describe_machine() << describe_blas() << '\n';
  const unsigned cores = std::max(1u, cpu_info().logical_cores);
  const double peak_1 = measured_peak_gflops(1), peak_all = measured_peak_gflops(cores);
  std::cout << "Measured FMA peak (" << simd_path() << " loop, 12 independent chains, best of 40 runs): "
            << fixed(peak_1, 1) << " GFLOP/s on 1 core, " << fixed(peak_all, 1) << " GFLOP/s on " << cores
            << " cores together.\n\n";

  std::cout << "C = A·B for N×N float32 matrices: median time, GFLOP/s (2·N³ FLOP per call) and the\n"
               "fraction of the measured peak (1-core peak for 1 thread, all-core peak for "
            << cores << " threads).\n"
            << "ijk and ikj are local baselines; ijk stops once one call would take over a second,\n"
               "and a call that takes over a second is timed once.\n";
  Table scaling({"N", "kernel", "ms", "GFLOP/s", "of peak", "vs ikj"});
  bool run_ijk = true;
  for (std::size_t n : {64, 128, 256, 512, 1024, 2048}) {
    const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
    Tensor c({n, n});
    const double flops = matmul_cost(n, n, n).flops;
    const double ikj_ms = median_ms([&] { baseline_ikj(a.data(), b.data(), c.data(), n); });
    const auto row = [&](const std::string& kernel, double ms, double peak) {
      scaling.add_row({std::to_string(n), kernel, fixed(ms, ms < 10 ? 3 : 1), fixed(gflops_per_second(flops, ms), 1),
                       percent(gflops_per_second(flops, ms), peak), fixed(ikj_ms / ms, 1) + "x"});
    };
    if (run_ijk) {
      const double ms = median_ms([&] { baseline_ijk(a.data(), b.data(), c.data(), n); });
      row("ijk (baseline)", ms, peak_1);
      run_ijk = ms * 8 < 1000;  // the next size costs 8x the FLOPs
    }
    row("ikj (baseline)", ikj_ms, peak_1);
    stage03::set_blas_threads(1);
    row("BLAS, 1 thread", median_ms([&] { c = stage03::matmul_blas(a, b); }), peak_1);
    stage03::set_blas_threads(cores);
    row("BLAS, " + std::to_string(cores) + " threads", median_ms([&] { c = stage03::matmul_blas(a, b); }), peak_all);
  }
  scaling.print(std::cout);

  std::cout << "\nThread scaling of matmul_blas (threads past " << cores
            << " share the cores: oversubscription)\n";
  Table threads_table({"N", "threads", "ms", "GFLOP/s", "speedup vs 1 thread"});
  for (std::size_t n : {128, 512, 2048}) {
    const Tensor a = Tensor::random({n, n}, 3), b = Tensor::random({n, n}, 4);
    Tensor c({n, n});
    double one_thread_ms = 0;
    for (unsigned threads = 1; threads <= 2 * cores; threads *= 2) {
      const std::size_t reported = stage03::set_blas_threads(threads);
      const double ms = median_ms([&] { c = stage03::matmul_blas(a, b); });
      if (threads == 1) one_thread_ms = ms;
      threads_table.add_row({std::to_string(n),
                             std::to_string(threads) + (reported == threads ? "" : " (library: " +
                                                                                      std::to_string(reported) + ")"),
                             fixed(ms, 2), fixed(gflops_per_second(matmul_cost(n, n, n).flops, ms), 1),
                             fixed(one_thread_ms / ms, 2) + "x"});
    }
  }
  stage03::set_blas_threads(cores);
  threads_table.print(std::cout);
  std::cout << "A second thread helps once each has enough work to amortize splitting it; past the\n"
               "core count, threads only take turns.\n";
  return 0;
} catch (const NotImplemented& todo) {
  std::cerr << todo.what() << '\n';
  return 1;
}
