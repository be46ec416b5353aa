#include "accel/lesson.hpp"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "accel/table.hpp"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace accel::lesson {
namespace {

constexpr long kSteps = 100'000;  // FMAs per chain per run: well under a millisecond

// One run of the chains: what the last lanes hold (so that the loop is not optimized away).
template <int Chains, typename Splat, typename Fma>
float run_chains(Splat splat, Fma fma) {
  using Vec = decltype(splat(0.0f));
  Vec acc[Chains];
#pragma GCC unroll 32
  for (int c = 0; c < Chains; ++c) acc[c] = splat(float(c));  // distinct, or the compiler merges them
  const Vec x = splat(0.999999f), y = splat(1e-7f);
  for (long step = 0; step < kSteps; ++step) {
#pragma GCC unroll 32
    for (int c = 0; c < Chains; ++c) acc[c] = fma(acc[c], x, y);
  }
  float sum = 0.0f;
  for (const Vec& v : acc) {
    float lane0;
    std::memcpy(&lane0, &v, sizeof lane0);
    sum += lane0;
  }
  return sum;
}

// The best of 15 runs, each `threads` copies at once: a peak is an upper bound, and
// anything else on the machine only lowers a run.
template <int Chains, typename Splat, typename Fma>
double peak_gflops(int lanes, unsigned threads, Splat splat, Fma fma) {
  double best_ms = 1e30;
  std::vector<float> sinks(threads);
  for (int run = 0; run < 15; ++run) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (unsigned t = 1; t < threads; ++t) workers.emplace_back([&, t] { sinks[t] = run_chains<Chains>(splat, fma); });
    sinks[0] = run_chains<Chains>(splat, fma);
    for (std::thread& worker : workers) worker.join();
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    best_ms = std::min(best_ms, elapsed.count());
  }
  if (std::ranges::find(sinks, 42.0f) != sinks.end()) std::cout << ' ';  // keeps the chains alive
  return gflops_per_second(2.0 * lanes * Chains * double(kSteps) * threads, best_ms);
}

}  // namespace

std::vector<Peak> fma_peaks(unsigned threads) {
  threads = std::max(threads, 1u);
  std::vector<Peak> peaks;
  // 16 chains of 512-bit (32 registers), 12 of 256-bit (16 registers): latency 4 × 2 pipes,
  // with room to spare.
#if defined(__AVX512F__)
  peaks.push_back({"512-bit", peak_gflops<16>(16, threads, [](float v) { return _mm512_set1_ps(v); },
                                              [](__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps(a, b, c); })});
#endif
#if defined(__AVX2__) && defined(__FMA__)
  peaks.push_back({"256-bit", peak_gflops<12>(8, threads, [](float v) { return _mm256_set1_ps(v); },
                                              [](__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps(a, b, c); })});
#elif defined(__ARM_NEON) && defined(__aarch64__)
  peaks.push_back({"128-bit", peak_gflops<16>(4, threads, [](float v) { return vdupq_n_f32(v); },
                                              [](float32x4_t a, float32x4_t b, float32x4_t c) { return vfmaq_f32(c, a, b); })});
#else
  peaks.push_back({"scalar", peak_gflops<8>(1, threads, [](float v) { return v; }, [](float a, float b, float c) { return a * b + c; })});
#endif
  return peaks;
}

std::string fma_peaks_text(double* widest) {
  std::string text;
  for (const Peak& peak : fma_peaks()) {
    if (widest != nullptr && text.empty()) *widest = peak.gflops;
    text += (text.empty() ? "" : ", ") + peak.width + " FMAs " + fixed(peak.gflops, 1) + " GFLOP/s";
  }
  return text;
}

void matmul_ijk(const float* A, const float* B, float* C, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < n; ++k) sum += A[i * n + k] * B[k * n + j];
      C[i * n + j] = sum;
    }
  }
}

void matmul_ikj(const float* A, const float* B, float* C, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    float* c_row = C + i * n;
    std::fill(c_row, c_row + n, 0.0f);
    for (std::size_t k = 0; k < n; ++k) {
      const float a_ik = A[i * n + k];
      for (std::size_t j = 0; j < n; ++j) c_row[j] += a_ik * B[k * n + j];
    }
  }
}

}  // namespace accel::lesson
