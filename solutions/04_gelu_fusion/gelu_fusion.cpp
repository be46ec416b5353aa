// Stage 04 reference — unfused vs fused GELU.

#include "gelu_fusion.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "accel/cpu_info.hpp"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace accel::stage04 {

namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f;  // √(2/π)
constexpr float kCubic = 0.044715f;

// 0.5·x·(1 + t) where t = tanh(√(2/π)·(x + 0.044715·x³)). When 1 + t is exactly 0
// (x below about -5.16, where tanh rounds to -1) the answer is 0: writing it out keeps
// -inf·0 from becoming NaN, so GELU(-inf) = 0. Finite huge x are safe already: x³ may
// overflow to ±inf, but tanh(±inf) = ±1.
float gelu_from_tanh(float x, float t) {
  const float one_plus = 1.0f + t;
  return one_plus == 0.0f ? 0.0f : 0.5f * x * one_plus;
}

float gelu_scalar(float x) { return gelu_from_tanh(x, std::tanh(kSqrt2OverPi * (x + kCubic * x * x * x))); }

void require_same_length(const char* function, std::size_t x, std::size_t out) {
  if (x != out) {
    throw std::invalid_argument(std::string(function) + ": x has " + std::to_string(x) + " elements but out has " +
                                std::to_string(out));
  }
}

}  // namespace

// Seven passes, seven fresh tensors: each loop reads one or two whole arrays and writes a
// third, so beyond the caches every step is a round trip to DRAM.
Tensor gelu_unfused(const Tensor& x) {
  const std::size_t n = x.size();
  const float* in = x.data();
  Tensor cube(x.shape());
  for (std::size_t i = 0; i < n; ++i) cube.data()[i] = in[i] * in[i] * in[i];
  Tensor scaled(x.shape());
  for (std::size_t i = 0; i < n; ++i) scaled.data()[i] = kCubic * cube.data()[i];
  Tensor inner(x.shape());
  for (std::size_t i = 0; i < n; ++i) inner.data()[i] = in[i] + scaled.data()[i];
  Tensor arg(x.shape());
  for (std::size_t i = 0; i < n; ++i) arg.data()[i] = kSqrt2OverPi * inner.data()[i];
  Tensor t(x.shape());
  for (std::size_t i = 0; i < n; ++i) t.data()[i] = std::tanh(arg.data()[i]);
  Tensor one_plus(x.shape());
  for (std::size_t i = 0; i < n; ++i) one_plus.data()[i] = 1.0f + t.data()[i];
  Tensor result(x.shape());
  for (std::size_t i = 0; i < n; ++i) {
    result.data()[i] = one_plus.data()[i] == 0.0f ? 0.0f : 0.5f * in[i] * one_plus.data()[i];
  }
  return result;
}

void gelu_fused(std::span<const float> x, std::span<float> out) {
  require_same_length("gelu_fused", x.size(), out.size());
  // The whole chain lives in registers; only x[i] and out[i] touch memory. std::tanh is
  // a scalar library call, so this loop is not vectorized: it is bound by tanh, not memory.
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = gelu_scalar(x[i]);
}

// --- The SIMD path ----------------------------------------------------------------------
//
// Algebra first: 0.5·(1 + tanh(u)) = 1 / (1 + exp(-2u)), the logistic sigmoid of 2u, so
//   GELU(x) = x / (1 + exp(z)),   z = -2u = x·(a + b·x²),  a = -2√(2/π), b = a·0.044715.
// This needs one exp and one division, and it is more accurate than computing tanh and
// adding 1: for x < 0, 1 + tanh(u) cancels (tanh is close to -1) and loses the relative
// accuracy that x / (1 + e) keeps. Accuracy over [-10, 10] against double precision: max
// abs error 5.2e-7, the rounding of the result itself (README.md, measured).
//
// exp(z) by range reduction: z = k·ln2 + r with k = round(z/ln2), |r| ≤ ln2/2, then
// exp(z) = 2^k·exp(r). k is rounded by the "magic number" trick: adding 1.5·2^23 leaves k
// in the low mantissa bits (and subtracting it again gives k as a float), one FMA and one
// subtraction instead of a multiply and a round. r = z - k·ln2 in one FMA: its error,
// |k|·(ln2 - float(ln2)) ≤ 127·1.9e-9, is far below what GELU's tolerance notices.
// exp(r) by its Taylor polynomial of degree 5 (the first term left out, r⁶/720, is below
// 2.5e-6 relative: GELU's relative error stays under 1e-6). That is as much arithmetic
// as memory can feed: every FLOP saved here is what lets the kernel keep up with DRAM.
//
// Limits: z is clamped to at least -87, so 2^k stays a normal float (k ≥ -126); that is
// what x = +inf needs (z = -inf, e ≈ 0, x / 1 = +inf). z is not clamped above: z > 87.3
// only for x < -10, and those lanes are set to 0 outright (true GELU(-10) ≈ -1e-37),
// whatever the exp made of them. Zeroing also makes GELU(-inf) = 0 and keeps x = -1e30
// from giving x / 1.7e38 = -6e-9. NaN reaches the result through the final division (the
// clamp may turn a NaN z into a number, but x itself is NaN) and fails the x < -10 test.
namespace {

constexpr float kZScale = -2.0f * kSqrt2OverPi;           // a: z = x·(a + b·x²)
constexpr float kZCubicScale = kZScale * kCubic;          // b
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2 = 0.693147180559945309f;
constexpr float kRoundingMagic = 12582912.0f;             // 1.5·2^23
constexpr float kExpMin = -87.0f;
constexpr float kZeroBelow = -10.0f;
// Taylor coefficients of exp(r): 1/5!, 1/4!, 1/3!, 1/2!, 1/1!, 1/0!.
constexpr float kC5 = 1.0f / 120, kC4 = 1.0f / 24, kC3 = 1.0f / 6, kC2 = 0.5f, kC1 = 1.0f, kC0 = 1.0f;

// Beyond the caches a plain store first reads the line it is about to overwrite
// (write-allocate): 12 bytes of traffic per element instead of 8. Streaming
// (non-temporal) stores write whole lines straight to memory, as memcpy does for large
// copies, and a software prefetch a few KiB ahead keeps enough loads in flight while the
// core is busy with the arithmetic. Both only pay when x and out do not fit in the last
// cache level; in cache, streaming would push out the result the caller reads next.
constexpr std::size_t kPrefetchAhead = 1024;  // floats: 4 KiB ahead of the loads
// accel::last_cache_bytes() allocates nothing, which the AllocatesNothing tests would count.
bool streams_from_memory(std::size_t n) { return 2 * n * sizeof(float) > accel::last_cache_bytes(); }

#if defined(__AVX512F__)

// AVX-512: 16 floats per __m512. _mm512_scalef_ps computes p·2^k from k as a float, and
// masks replace the zero-padded tail buffer: masked-off lanes are neither read nor written.
constexpr std::size_t kLanes = 16;
constexpr bool kCanStream = true;
// The maskz forms with every lane set compute the same as _mm512_max_ps and
// _mm512_scalef_ps; GCC 12 flags those two (their unused merge source is
// _mm512_undefined_ps(), which -Wmaybe-uninitialized takes for an uninitialized read).
constexpr __mmask16 kAllLanes = 0xFFFF;

__m512 gelu_vector(__m512 v) {
  const __m512 x2 = _mm512_mul_ps(v, v);
  __m512 z = _mm512_mul_ps(v, _mm512_fmadd_ps(_mm512_set1_ps(kZCubicScale), x2, _mm512_set1_ps(kZScale)));
  z = _mm512_maskz_max_ps(kAllLanes, z, _mm512_set1_ps(kExpMin));
  const __m512 magic = _mm512_set1_ps(kRoundingMagic);
  const __m512 k = _mm512_sub_ps(_mm512_fmadd_ps(z, _mm512_set1_ps(kLog2e), magic), magic);
  const __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(kLn2), z);
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(kC5), r, _mm512_set1_ps(kC4));  // Horner: one FMA per coefficient
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kC3));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kC2));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kC1));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kC0));
  const __m512 one_plus_e = _mm512_add_ps(_mm512_maskz_scalef_ps(kAllLanes, p, k), _mm512_set1_ps(1.0f));
  const __mmask16 keep = _mm512_cmp_ps_mask(v, _mm512_set1_ps(kZeroBelow), _CMP_NLT_UQ);  // true for NaN
  return _mm512_maskz_div_ps(keep, v, one_plus_e);
}

__m512 load_input(const float* x, const float* bias, __mmask16 lanes) {
  const __m512 v = _mm512_maskz_loadu_ps(lanes, x);
  return bias != nullptr ? _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, bias)) : v;
}

void gelu_lanes(const float* x, const float* bias, float* out) {
  _mm512_storeu_ps(out, gelu_vector(load_input(x, bias, kAllLanes)));
}
void gelu_lanes_streaming(const float* x, float* out) {  // out 64-byte aligned
  _mm512_stream_ps(out, gelu_vector(_mm512_loadu_ps(x)));
}
void gelu_partial(const float* x, const float* bias, float* out, std::size_t count) {
  const __mmask16 lanes = __mmask16((1u << count) - 1);
  _mm512_mask_storeu_ps(out, lanes, gelu_vector(load_input(x, bias, lanes)));
}
void finish_streaming() { _mm_sfence(); }  // order the streaming stores before what follows

#elif defined(__AVX2__) && defined(__FMA__)

constexpr std::size_t kLanes = 8;  // floats per __m256
constexpr bool kCanStream = true;

__m256 gelu_vector(__m256 v) {
  const __m256 x2 = _mm256_mul_ps(v, v);
  __m256 z = _mm256_mul_ps(v, _mm256_fmadd_ps(_mm256_set1_ps(kZCubicScale), x2, _mm256_set1_ps(kZScale)));
  z = _mm256_max_ps(z, _mm256_set1_ps(kExpMin));
  // After t = z·log2e + 1.5·2^23, the bits of t are those of 1.5·2^23 plus k: shifting
  // (bits + 127) left by 23 gives the bits of 2^k (the high bits of the magic fall off).
  const __m256 magic = _mm256_set1_ps(kRoundingMagic);
  const __m256 t = _mm256_fmadd_ps(z, _mm256_set1_ps(kLog2e), magic);
  const __m256 k = _mm256_sub_ps(t, magic);
  const __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(kLn2), z);
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(kC5), r, _mm256_set1_ps(kC4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kC3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kC2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kC1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kC0));
  const __m256i two_to_k = _mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127)), 23);
  const __m256 one_plus_e = _mm256_fmadd_ps(p, _mm256_castsi256_ps(two_to_k), _mm256_set1_ps(1.0f));
  // A true division: _mm256_rcp_ps alone is good to 12 bits (relative error up to 3.7e-4,
  // more than the 1e-4 the tests allow), and with a Newton step it measured no faster (on
  // Zen 5 slower: the divider runs beside the FMA pipes, which this kernel keeps busy).
  const __m256 gelu = _mm256_div_ps(v, one_plus_e);
  const __m256 zero_lanes = _mm256_cmp_ps(v, _mm256_set1_ps(kZeroBelow), _CMP_LT_OQ);  // false for NaN
  return _mm256_andnot_ps(zero_lanes, gelu);
}

void gelu_lanes(const float* x, const float* bias, float* out) {
  __m256 v = _mm256_loadu_ps(x);  // unaligned loads: spans may start anywhere
  if (bias != nullptr) v = _mm256_add_ps(v, _mm256_loadu_ps(bias));
  _mm256_storeu_ps(out, gelu_vector(v));
}
void gelu_lanes_streaming(const float* x, float* out) {  // out 32-byte aligned
  _mm256_stream_ps(out, gelu_vector(_mm256_loadu_ps(x)));
}
void finish_streaming() { _mm_sfence(); }

#elif defined(__ARM_NEON) && defined(__aarch64__)

// AArch64 only: vdivq_f32 does not exist in 32-bit NEON.
constexpr std::size_t kLanes = 4;  // floats per float32x4_t
constexpr bool kCanStream = false;  // no streaming-store intrinsic to lean on

void gelu_lanes(const float* x, const float* bias, float* out) {
  float32x4_t v = vld1q_f32(x);
  if (bias != nullptr) v = vaddq_f32(v, vld1q_f32(bias));
  float32x4_t z = vmulq_f32(v, vfmaq_f32(vdupq_n_f32(kZScale), vdupq_n_f32(kZCubicScale), vmulq_f32(v, v)));
  z = vmaxq_f32(z, vdupq_n_f32(kExpMin));
  const float32x4_t magic = vdupq_n_f32(kRoundingMagic);
  const float32x4_t t = vfmaq_f32(magic, z, vdupq_n_f32(kLog2e));  // vfmaq_f32(a, b, c) = a + b·c
  const float32x4_t k = vsubq_f32(t, magic);
  const float32x4_t r = vfmsq_f32(z, k, vdupq_n_f32(kLn2));  // z - k·ln2
  float32x4_t p = vfmaq_f32(vdupq_n_f32(kC4), vdupq_n_f32(kC5), r);
  p = vfmaq_f32(vdupq_n_f32(kC3), p, r);
  p = vfmaq_f32(vdupq_n_f32(kC2), p, r);
  p = vfmaq_f32(vdupq_n_f32(kC1), p, r);
  p = vfmaq_f32(vdupq_n_f32(kC0), p, r);
  const int32x4_t two_to_k = vshlq_n_s32(vaddq_s32(vreinterpretq_s32_f32(t), vdupq_n_s32(127)), 23);
  const float32x4_t one_plus_e = vfmaq_f32(vdupq_n_f32(1.0f), p, vreinterpretq_f32_s32(two_to_k));
  const float32x4_t gelu = vdivq_f32(v, one_plus_e);
  const uint32x4_t zero_lanes = vcltq_f32(v, vdupq_n_f32(kZeroBelow));  // false for NaN
  vst1q_f32(out, vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(gelu), zero_lanes)));
}

#else

// No SIMD in this build: the same formula one element at a time, so every path agrees.
constexpr std::size_t kLanes = 1;
constexpr bool kCanStream = false;

void gelu_lanes(const float* x, const float* bias, float* out) {
  const float v = bias != nullptr ? *x + *bias : *x;
  const float e = std::exp(std::fmax(v * (kZScale + kZCubicScale * v * v), kExpMin));
  *out = v < kZeroBelow ? 0.0f : v / (1.0f + e);
}

#endif

#if !defined(__AVX512F__)
// The last n % kLanes elements go through a zero-padded stack buffer, so they take the
// same code path as the rest and nothing past x's or out's end is touched.
[[maybe_unused]] void gelu_partial(const float* x, const float* bias, float* out, std::size_t count) {
  float x_tail[kLanes] = {}, bias_tail[kLanes] = {}, out_tail[kLanes];
  std::memcpy(x_tail, x, count * sizeof(float));
  if (bias != nullptr) std::memcpy(bias_tail, bias, count * sizeof(float));
  gelu_lanes(x_tail, bias != nullptr ? bias_tail : nullptr, out_tail);
  std::memcpy(out, out_tail, count * sizeof(float));
}
#endif
#if !(defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__)))
[[maybe_unused]] void gelu_lanes_streaming(const float* x, float* out) { gelu_lanes(x, nullptr, out); }
[[maybe_unused]] void finish_streaming() {}
#endif

// GELU(x + bias) over n elements (bias may be null), full vectors straight from x to out,
// then the tail.
void gelu_row(const float* x, const float* bias, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) gelu_lanes(x + i, bias != nullptr ? bias + i : nullptr, out + i);
  if (i < n) gelu_partial(x + i, bias != nullptr ? bias + i : nullptr, out + i, n - i);
}

// GELU over an array too big for the caches: the head up to the first vector-aligned
// element of out as a partial vector (streaming stores need aligned addresses), then
// streaming stores with loads prefetched ahead, then the tail.
void gelu_streaming(const float* x, float* out, std::size_t n) {
  constexpr std::size_t kVectorBytes = kLanes * sizeof(float);
  const std::size_t misaligned = reinterpret_cast<std::uintptr_t>(out) % kVectorBytes / sizeof(float);
  std::size_t i = misaligned == 0 ? 0 : std::min(n, kLanes - misaligned);
  if (i > 0) gelu_partial(x, nullptr, out, i);
  for (; i + kLanes <= n; i += kLanes) {
    __builtin_prefetch(x + i + kPrefetchAhead);  // a hint: never faults, even past the end
    gelu_lanes_streaming(x + i, out + i);
  }
  finish_streaming();
  if (i < n) gelu_partial(x + i, nullptr, out + i, n - i);
}

}  // namespace

void gelu_fused_simd(std::span<const float> x, std::span<float> out) {
  require_same_length("gelu_fused_simd", x.size(), out.size());
  if (kCanStream && streams_from_memory(x.size())) {
    gelu_streaming(x.data(), out.data(), x.size());
  } else {
    gelu_row(x.data(), nullptr, out.data(), x.size());
  }
}

const char* gelu_fused_simd_path() {
#if defined(__AVX512F__)
  return "AVX-512";
#else
  return accel::simd_path();  // the other branches are the ones it names
#endif
}

void bias_gelu(std::span<const float> x, std::span<const float> bias, std::span<float> out) {
  require_same_length("bias_gelu", x.size(), out.size());
  if (x.empty()) return;
  if (bias.empty() || x.size() % bias.size() != 0) {
    throw std::invalid_argument("bias_gelu: x has " + std::to_string(x.size()) +
                                " elements, which is not a whole number of rows of bias length " +
                                std::to_string(bias.size()));
  }
  // Row by row: the bias row stays in L1 while x streams through once, so the bias add
  // costs no memory traffic beyond the first row.
  const std::size_t cols = bias.size();
  for (std::size_t row = 0; row < x.size() / cols; ++row) {
    gelu_row(x.data() + row * cols, bias.data(), out.data() + row * cols, cols);
  }
}

// The seven steps read x, cube, x, scaled, inner, arg, t, x, one_plus (9 arrays) and write
// cube, scaled, inner, arg, t, one_plus, result (7 arrays): 16 trips of 4 bytes per element.
std::size_t traffic_bytes_unfused(std::size_t n) { return (9 + 7) * sizeof(float) * n; }

// One read of x and one write of out per element.
std::size_t traffic_bytes_fused(std::size_t n) { return 2 * sizeof(float) * n; }

}  // namespace accel::stage04
