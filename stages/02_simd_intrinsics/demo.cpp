// Stage 02 demo: what vector instructions buy, measured live.
//   1. the FMA peak of one core, and a dot product with 1, 2, 4 and 8 accumulators
//   2. add and dot, scalar vs SIMD, with the data in L1, L2, L3 and DRAM
//   3. matmul_simd against the i-j-k and i-k-j loops of stage 01, in GFLOP/s and % of peak
// The scalar and loop-order baselines below are local to this demo, clearly labelled;
// only add_simd, dot_simd and matmul_simd come from your stage library.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iostream>
#include <limits>
#include <span>
#include <string>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#include "accel/cpu_info.hpp"
#include "accel/profiler.hpp"
#include "accel/table.hpp"
#include "accel/tensor.hpp"
#include "accel/todo.hpp"
#include "simd_intrinsics.hpp"

using namespace accel;

namespace demo {

// One vector register of whatever this build targets, and the four operations the demo's
// own kernels need. (Your stage code uses the intrinsics directly.)
#if defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr int kLanes = 8;
constexpr int kPeakChains = 12;  // 16 ymm registers: 12 chains + 2 operands
inline Vec zero() { return _mm256_setzero_ps(); }
inline Vec splat(float x) { return _mm256_set1_ps(x); }
inline Vec load(const float* p) { return _mm256_loadu_ps(p); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline float lane_sum(Vec v) {
  float lanes[8];
  _mm256_storeu_ps(lanes, v);
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}
#elif defined(__ARM_NEON)
using Vec = float32x4_t;
constexpr int kLanes = 4;
constexpr int kPeakChains = 24;  // 32 registers: 24 chains + 2 operands
inline Vec zero() { return vdupq_n_f32(0.0f); }
inline Vec splat(float x) { return vdupq_n_f32(x); }
inline Vec load(const float* p) { return vld1q_f32(p); }
inline Vec fma(Vec a, Vec b, Vec c) { return vfmaq_f32(c, a, b); }
inline float lane_sum(Vec v) { return vaddvq_f32(v); }
#else
using Vec = float;
constexpr int kLanes = 1;
constexpr int kPeakChains = 8;
inline Vec zero() { return 0.0f; }
inline Vec splat(float x) { return x; }
inline Vec load(const float* p) { return *p; }
inline Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
inline float lane_sum(Vec v) { return v; }
#endif

// Peak: kPeakChains independent FMA chains, enough to cover latency × pipes, no memory.
// The best of 31 short runs, not the median: a peak is what the core does undisturbed.
double fma_peak_gflops(const Profiler& profiler) {
  constexpr long kSteps = 500'000;  // about 1 ms
  float sink = 0.0f;
  auto chains = [&] {
    Vec acc[kPeakChains];
#pragma GCC unroll 32
    for (int c = 0; c < kPeakChains; ++c) acc[c] = splat(float(c));  // distinct, or the compiler merges them
    const Vec x = splat(0.999999f), y = splat(1e-7f);
    for (long step = 0; step < kSteps; ++step) {
#pragma GCC unroll 32
      for (int c = 0; c < kPeakChains; ++c) acc[c] = fma(acc[c], x, y);
    }
#pragma GCC unroll 32
    for (int c = 0; c < kPeakChains; ++c) sink += lane_sum(acc[c]);
  };
  double best_ms = profiler.measure_latency(chains, 1, 1);
  for (int run = 1; run < 31; ++run) best_ms = std::min(best_ms, profiler.measure_latency(chains, 0, 1));
  if (sink == 42.0f) std::cout << ' ';  // keeps the chains alive
  return gflops_per_second(2.0 * kLanes * kPeakChains * double(kSteps), best_ms);
}

// A dot product with Acc independent vector accumulators. (noinline, here and below: the
// demo times these functions as written, not copies specialised for one call site.)
template <int Acc>
[[gnu::noinline]] float dot_accumulators(const float* a, const float* b, std::size_t n) {
  Vec acc[Acc] = {};
  std::size_t i = 0;
  for (; i + Acc * kLanes <= n; i += Acc * kLanes) {
#pragma GCC unroll 8
    for (int v = 0; v < Acc; ++v) acc[v] = fma(load(a + i + v * kLanes), load(b + i + v * kLanes), acc[v]);
  }
  float sum = 0.0f;
#pragma GCC unroll 8
  for (int v = 0; v < Acc; ++v) sum += lane_sum(acc[v]);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// Scalar baselines. dot: strictly left to right, which the compiler may not reorder: it
// vectorizes the multiplications but adds one product at a time. add: the auto-vectorizer is switched off for it, because at -O3 the plain
// loop would otherwise become the same 8-wide code as add_simd (see the README).
[[gnu::noinline]] float dot_scalar(const float* a, const float* b, std::size_t n) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}
#if defined(__clang__)
[[gnu::noinline]] void add_scalar(const float* a, const float* b, float* out, std::size_t n) {
#pragma clang loop vectorize(disable) interleave(disable)
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}
#else
[[gnu::noinline, gnu::optimize("no-tree-vectorize")]] void add_scalar(const float* a, const float* b, float* out,
                                                                std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}
#endif
// The plain loop as the compiler sees it at -O3: auto-vectorized.
[[gnu::noinline]] void add_plain(const float* a, const float* b, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

// Stage 01's two loop orders, re-implemented here as baselines.
[[gnu::noinline]] void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < K; ++k) sum += A[i * K + k] * B[k * N + j];
      C[i * N + j] = sum;
    }
  }
}
[[gnu::noinline]] void matmul_ikj(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  for (std::size_t i = 0; i < M; ++i) {
    float* c_row = C + i * N;
    std::fill(c_row, c_row + N, 0.0f);
    for (std::size_t k = 0; k < K; ++k) {
      const float a_ik = A[i * K + k];
      for (std::size_t j = 0; j < N; ++j) c_row[j] += a_ik * B[k * N + j];
    }
  }
}

// Median time of `fn` per call in ms, calling it often enough per sample that even an
// L1-sized call (well under a microsecond) is timed reliably.
template <typename Fn>
double ms_per_call(const Profiler& profiler, std::size_t bytes_per_call, Fn&& fn) {
  const int calls = int(std::clamp<std::size_t>((std::size_t{64} << 20) / std::max<std::size_t>(bytes_per_call, 1), 1, 20000));
  return profiler.measure_latency([&] {
           for (int c = 0; c < calls; ++c) fn();
         }, 1, 7) / calls;
}

// Your stage's functions may still be TODOs: the demo times them only once they run, and
// prints "TODO" (a NaN time) until then.
constexpr double kTodo = std::numeric_limits<double>::quiet_NaN();
template <typename Fn>
bool implemented(Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const NotImplemented&) {
    return false;
  }
}
std::string cell(double value, int decimals, const std::string& suffix = "") {
  return std::isnan(value) ? "TODO" : fixed(value, decimals) + suffix;
}

}  // namespace demo

int main() {
  std::cout << "Stage 02 — SIMD intrinsics\n" << describe_machine() << '\n';
  const Profiler profiler;
  const CpuInfo& info = cpu_info();
  float sink = 0.0f;  // results feed this so no call is optimized away

  // ---- 1. peak and accumulators ----
  const double peak = demo::fma_peak_gflops(profiler);
  std::cout << "FMA peak of one core, measured with " << demo::kPeakChains << " independent chains of "
            << demo::kLanes << "-lane FMAs: " << fixed(peak, 1) << " GFLOP/s\n\n";

  const std::size_t n_l1 = 2048;  // two 8 KiB vectors: L1-resident
  const Tensor x = Tensor::random({n_l1}, 1), y = Tensor::random({n_l1}, 2);
  const OpCost dot_l1 = elementwise_cost(n_l1, 2, 2, 0);
  std::cout << "Dot product of two " << n_l1 << "-float vectors (in L1): how many FMAs can be in flight?\n";
  Table accumulators({"kernel", "ns", "GFLOP/s", "% of peak", "vs scalar"});
  double scalar_ms = 0;  // the first row, the scalar loop
  auto dot_row = [&](const std::string& name, auto&& fn) {
    auto call = [&] { sink += fn(); };
    const double ms = demo::implemented(call) ? demo::ms_per_call(profiler, std::size_t(dot_l1.bytes), call)
                                              : demo::kTodo;
    if (scalar_ms == 0) scalar_ms = ms;
    const double rate = gflops_per_second(dot_l1.flops, ms);
    accumulators.add_row({name, demo::cell(ms * 1e6, 0), demo::cell(rate, 1), demo::cell(100 * rate / peak, 0, "%"),
                          demo::cell(scalar_ms / ms, 1, "x")});
  };
  const float* a = x.data();
  const float* b = y.data();
  dot_row("scalar, strict order (demo)", [&] { return demo::dot_scalar(a, b, n_l1); });
  dot_row("SIMD, 1 accumulator (demo)", [&] { return demo::dot_accumulators<1>(a, b, n_l1); });
  dot_row("SIMD, 2 accumulators (demo)", [&] { return demo::dot_accumulators<2>(a, b, n_l1); });
  dot_row("SIMD, 4 accumulators (demo)", [&] { return demo::dot_accumulators<4>(a, b, n_l1); });
  dot_row("SIMD, 8 accumulators (demo)", [&] { return demo::dot_accumulators<8>(a, b, n_l1); });
  dot_row("dot_simd (your stage)", [&] { return stage02::dot_simd(x.span(), y.span()); });
  accumulators.print(std::cout);
  std::cout << "One accumulator makes every FMA wait for the previous one (latency ~4 cycles);\n"
               "independent accumulators overlap them until loads (2 per FMA) become the limit.\n\n";

  // ---- 2. the memory hierarchy ----
  struct Level {
    std::string name;
    std::size_t bytes;  // working set we aim for: half the cache, or well past the last one
  };
  // A machine may report its whole socket's L3 (105 MiB on the Intel course VM, 480 MiB on
  // others), of which one core sees a share: the L3 row stays within 32 MiB, and the DRAM
  // row within 512 MiB, so the demo stays quick and small wherever it runs.
  const std::size_t mib = std::size_t{1} << 20;
  const std::size_t l1 = info.l1d_bytes ? info.l1d_bytes : 32 << 10;
  const std::size_t l2 = info.l2_bytes ? info.l2_bytes : 512 << 10;
  std::vector<Level> levels = {{"L1", l1 / 2}, {"L2", l2 / 2}};
  if (const std::size_t l3 = std::min(info.l3_bytes / 4, 32 * mib); l3 >= 2 * l2) levels.push_back({"L3", l3});
  const std::size_t dram = std::clamp(4 * info.l3_bytes, 128 * mib, 512 * mib);
  levels.push_back({dram >= 4 * info.l3_bytes ? "DRAM" : "DRAM (partly L3)", dram});

  std::cout << "add (3 arrays, 1 FLOP per 12 bytes) and dot (2 arrays, 2 FLOPs per 8 bytes) as the data\n"
               "leaves the caches; add in GB/s, dot in GFLOP/s\n";
  Table hierarchy({"data in", "n", "add KiB", "add scalar", "add -O3 loop", "add_simd", "add gain", "dot KiB",
                   "dot scalar", "dot_simd", "dot gain"});
  for (const Level& level : levels) {
    const std::size_t n = level.bytes / 12 / 64 * 64;
    const Tensor u = Tensor::random({n}, 3), v = Tensor::random({n}, 4);
    Tensor out({n});
    const OpCost add_cost = elementwise_cost(n, 1, 2, 1), dot_cost = elementwise_cost(n, 2, 2, 0);
    const double add_scalar = demo::ms_per_call(profiler, std::size_t(add_cost.bytes),
                                                [&] { demo::add_scalar(u.data(), v.data(), out.data(), n); });
    const double add_plain = demo::ms_per_call(profiler, std::size_t(add_cost.bytes),
                                               [&] { demo::add_plain(u.data(), v.data(), out.data(), n); });
    auto add_call = [&] { stage02::add_simd(u.span(), v.span(), out.span()); };
    const double add_simd = demo::implemented(add_call)
                                ? demo::ms_per_call(profiler, std::size_t(add_cost.bytes), add_call)
                                : demo::kTodo;
    const double dot_scalar = demo::ms_per_call(profiler, std::size_t(dot_cost.bytes),
                                                [&] { sink += demo::dot_scalar(u.data(), v.data(), n); });
    auto dot_call = [&] { sink += stage02::dot_simd(u.span(), v.span()); };
    const double dot_simd = demo::implemented(dot_call)
                                ? demo::ms_per_call(profiler, std::size_t(dot_cost.bytes), dot_call)
                                : demo::kTodo;
    sink += out.data()[n / 2];
    hierarchy.add_row({level.name, std::to_string(n), std::to_string(3 * n * 4 / 1024),
                       fixed(gigabytes_per_second(add_cost.bytes, add_scalar), 1),
                       fixed(gigabytes_per_second(add_cost.bytes, add_plain), 1),
                       demo::cell(gigabytes_per_second(add_cost.bytes, add_simd), 1),
                       demo::cell(add_scalar / add_simd, 1, "x"), std::to_string(2 * n * 4 / 1024),
                       fixed(gflops_per_second(dot_cost.flops, dot_scalar), 1),
                       demo::cell(gflops_per_second(dot_cost.flops, dot_simd), 1),
                       demo::cell(dot_scalar / dot_simd, 1, "x")});
  }
  hierarchy.print(std::cout);
  std::cout << "In cache, 8 lanes pay; in DRAM every version waits for the same bytes and the gain\n"
               "shrinks toward 1x: the memory roof of stage 06. The '-O3 loop' column is the plain\n"
               "scalar source, which the compiler vectorized by itself.\n\n";

  // ---- 3. matmul ----
  std::cout << "C = A·B for N×N matrices: register blocking against stage 01's loops (demo copies)\n";
  Table matmul({"N", "ijk GFLOP/s", "ikj GFLOP/s", "matmul_simd ms", "matmul_simd GFLOP/s", "% of peak",
                "vs ikj"});
  for (std::size_t n : {256, 512, 768, 1024}) {
    const Tensor ma = Tensor::random({n, n}, 5), mb = Tensor::random({n, n}, 6);
    Tensor mc({n, n});
    const OpCost cost = matmul_cost(n, n, n);
    const int iterations = n <= 512 ? 7 : 3;
    auto simd_call = [&] { stage02::matmul_simd(ma.data(), mb.data(), mc.data(), n, n, n); };
    const double simd_ms = demo::implemented(simd_call) ? profiler.measure_latency(simd_call, 0, iterations)
                                                        : demo::kTodo;
    const double ikj_ms = profiler.measure_latency(
        [&] { demo::matmul_ikj(ma.data(), mb.data(), mc.data(), n, n, n); }, 1, iterations);
    std::string ijk = "-";
    if (n <= 512) {
      ijk = fixed(gflops_per_second(cost.flops, profiler.measure_latency(
                                                    [&] { demo::matmul_ijk(ma.data(), mb.data(), mc.data(), n, n, n); },
                                                    0, 1)),
                  2);
    }
    const double simd_rate = gflops_per_second(cost.flops, simd_ms);
    matmul.add_row({std::to_string(n), ijk, fixed(gflops_per_second(cost.flops, ikj_ms), 1),
                    demo::cell(simd_ms, 2), demo::cell(simd_rate, 1), demo::cell(100 * simd_rate / peak, 0, "%"),
                    demo::cell(ikj_ms / simd_ms, 1, "x")});
  }
  matmul.print(std::cout);
  std::cout << "The i-k-j loop is already vectorized by the compiler, but it loads and stores a row of C\n"
               "for every FMA; the register block keeps C in registers for the whole k loop.\n";
  if (sink == 42.0f) std::cout << '\n';
  return 0;
}
