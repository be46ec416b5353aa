#include "machine_probes.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

namespace accel::grade {
namespace {

// One vector register's worth of floats and the operations the probes need, per
// instruction set. Enough independent accumulators cover FMA latency × FMA pipes on every
// course machine (4 × 2 on Zen 3 and recent Intel), within the register file (32 zmm,
// 16 ymm, 32 NEON registers).
#if defined(__AVX512F__)
struct Avx512 {
  using Vec = __m512;
  static constexpr int kLanes = 16, kChains = 16;
  static Vec splat(float x) { return _mm512_set1_ps(x); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec load(const float* p) { return _mm512_load_ps(p); }
  static float first_lane(Vec v) { return _mm512_cvtss_f32(v); }
};
#endif
#if defined(__AVX2__) && defined(__FMA__)
struct Avx2 {
  using Vec = __m256;
  static constexpr int kLanes = 8, kChains = 12;
  static Vec splat(float x) { return _mm256_set1_ps(x); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec load(const float* p) { return _mm256_load_ps(p); }
  static float first_lane(Vec v) { return _mm256_cvtss_f32(v); }
};
#elif defined(__ARM_NEON)
struct Neon {
  using Vec = float32x4_t;
  static constexpr int kLanes = 4, kChains = 16;
  static Vec splat(float x) { return vdupq_n_f32(x); }
  static Vec fma(Vec a, Vec b, Vec c) { return vfmaq_f32(c, a, b); }
  static Vec add(Vec a, Vec b) { return vaddq_f32(a, b); }
  static Vec load(const float* p) { return vld1q_f32(p); }
  static float first_lane(Vec v) { return vgetq_lane_f32(v, 0); }
};
#else
struct Scalar {
  using Vec = float;
  static constexpr int kLanes = 1, kChains = 8;
  static Vec splat(float x) { return x; }
  static Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
  static Vec add(Vec a, Vec b) { return a + b; }
  static Vec load(const float* p) { return *p; }
  static float first_lane(Vec v) { return v; }
};
#endif

constexpr int kSteps = 4096;  // FMAs per chain per benchmark iteration

// acc ← acc·m + a converges to a / (1 − m) ≈ 1: no overflow, no subnormals. Distinct
// start values keep the compiler from merging the chains.
template <typename Isa>
void fma_peak(benchmark::State& state) {
  using Vec = typename Isa::Vec;
  const Vec m = Isa::splat(0.999999f), a = Isa::splat(1e-6f);
  for (auto _ : state) {
    Vec acc[Isa::kChains];  // a plain array: std::array drops the vector type's alignment attribute
    for (int c = 0; c < Isa::kChains; ++c) acc[c] = Isa::splat(float(c + 1));
    for (int step = 0; step < kSteps; ++step) {
#pragma GCC unroll 16
      for (int c = 0; c < Isa::kChains; ++c) acc[c] = Isa::fma(acc[c], m, a);
    }
    float sum = 0;
    for (int c = 0; c < Isa::kChains; ++c) sum += Isa::first_lane(acc[c]);
    benchmark::DoNotOptimize(sum);
  }
  report_cost(state, {2.0 * Isa::kLanes * Isa::kChains * kSteps, 0});
}

// 16 KiB: in L1 on every course machine (32–64 KiB). Eight sums hide the add latency so
// that loads, two per cycle on every course machine, set the pace.
template <typename Isa>
void l1_read(benchmark::State& state) {
  using Vec = typename Isa::Vec;
  constexpr std::size_t kFloats = 4096, kPasses = 64;
  constexpr int kSums = 8;
  alignas(64) static std::array<float, kFloats> buffer;
  buffer.fill(1.0f);
  for (auto _ : state) {
    Vec sum[kSums];
    for (int s = 0; s < kSums; ++s) sum[s] = Isa::splat(0.0f);
    for (std::size_t pass = 0; pass < kPasses; ++pass) {
      for (std::size_t i = 0; i < kFloats; i += kSums * Isa::kLanes) {
#pragma GCC unroll 8
        for (int s = 0; s < kSums; ++s) sum[s] = Isa::add(sum[s], Isa::load(buffer.data() + i + s * Isa::kLanes));
      }
      benchmark::ClobberMemory();
    }
    float total = 0;
    for (int s = 0; s < kSums; ++s) total += Isa::first_lane(sum[s]);
    benchmark::DoNotOptimize(total);
  }
  report_cost(state, {0, double(kFloats * kPasses * sizeof(float))});
}

// The grader takes the highest rate over the probes of each kind. Where AVX-512 is built,
// the 256-bit probes run too: on some CPUs 512-bit code clocks down below what 256-bit
// code reaches, and a student's AVX2 kernel must not beat "the machine's peak".
constexpr std::array kProbes = {
#if defined(__AVX512F__)
    Probe{"machine/fma_peak/512", fma_peak<Avx512>},
    Probe{"machine/l1_read/512", l1_read<Avx512>},
#endif
#if defined(__AVX2__) && defined(__FMA__)
    Probe{"machine/fma_peak/256", fma_peak<Avx2>},
    Probe{"machine/l1_read/256", l1_read<Avx2>},
#elif defined(__ARM_NEON)
    Probe{"machine/fma_peak/128", fma_peak<Neon>},
    Probe{"machine/l1_read/128", l1_read<Neon>},
#else
    Probe{"machine/fma_peak/scalar", fma_peak<Scalar>},
    Probe{"machine/l1_read/scalar", l1_read<Scalar>},
#endif
};

// Float arrays for the memory measurements, 64-byte aligned and written once, so that
// every page is in place before anything is timed.
struct Arrays {
  std::vector<std::unique_ptr<Tensor>> arrays;
  Arrays(std::size_t count, std::size_t n) {
    for (std::size_t i = 0; i < count; ++i) {
      arrays.push_back(std::make_unique<Tensor>(Shape{std::max<std::size_t>(n, 1)}));
      std::fill_n(arrays.back()->data(), n, float(i + 1));
    }
  }
  float* operator[](std::size_t i) { return arrays[i]->data(); }
};

std::size_t count_arg(std::span<const double> args, const char* what) {
  const double count = argument(args, 0);
  if (!(count >= 1)) throw std::invalid_argument(std::string(what) + " needs a count >= 1");
  return std::size_t(count);
}

// a = b + s·c over three arrays taking `bytes` together; each timed run repeats the pass
// until it has taken 20 ms, so that small footprints time reliably.
double triad_gbps(std::span<const double> args) {
  const std::size_t n = count_arg(args, "triad_gbps") / 12;
  Arrays arrays(3, n);
  float *a = arrays[0], *b = arrays[1], *c = arrays[2];
  const float s = 0.5f;
  double best = 0;
  for (int run = 0; run < 9; ++run) {
    std::size_t passes = 0;
    const auto start = std::chrono::steady_clock::now();
    double seconds = 0;
    do {
      for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
      benchmark::ClobberMemory();
      ++passes;
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (seconds < 0.02);
    best = std::max(best, 12.0 * double(n) * double(passes) / seconds / 1e9);
  }
  return best;
}

// out = a + b over n floats: the median of 7 timed calls, after one untimed one.
double add_seconds(std::span<const double> args) {
  const std::size_t n = count_arg(args, "add_seconds");
  Arrays arrays(3, n);
  float *a = arrays[0], *b = arrays[1], *out = arrays[2];
  std::vector<double> times;
  for (int call = 0; call < 8; ++call) {
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
    benchmark::ClobberMemory();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  times.erase(times.begin());
  std::ranges::sort(times);
  return times[times.size() / 2];
}

constexpr std::array kValues = {ValueEntry{"machine/triad_gbps", triad_gbps},
                                ValueEntry{"machine/add_seconds", add_seconds}};

}  // namespace

std::span<const Probe> machine_probes() { return kProbes; }
std::span<const ValueEntry> machine_values() { return kValues; }

}  // namespace accel::grade
