// Stage 04 reference — unfused vs fused GELU.

#include "gelu_fusion.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#if defined(__AVX2__) && defined(__FMA__)
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
//   GELU(x) = x / (1 + exp(-2u)),   u = √(2/π)·(x + 0.044715·x³).
// This needs one exp and one division, and it is more accurate than computing tanh and
// adding 1: for x < 0, 1 + tanh(u) cancels (tanh is close to -1) and loses the relative
// accuracy that x / (1 + e) keeps. (A clamped rational tanh, like Eigen's 13/6 one, costs
// about the same but still needs that 1 + tanh.) Accuracy over [-10, 10] against double
// precision: max abs error 5e-7, the rounding of the result itself (README.md, measured).
//
// exp(z) by Cody–Waite range reduction: z = k·ln2 + r with k = round(z/ln2), |r| ≤ ln2/2;
// exp(r) by the degree-7 polynomial of Cephes' expf (1 + r + r²/2 + ..., coefficients
// tuned for that interval; relative error about 1 ulp); 2^k by writing k + 127 into the
// exponent bits. ln2 is split into a high part with few mantissa bits (so k·ln2_hi is
// exact) and a small correction, so r keeps full precision even for |z| near 88.
//
// Limits: z is clamped to [-87, 88] so that k stays in [-126, 127], where 2^k is a normal
// float and the exponent trick is valid. Below kZeroBelow = -10 the result is set to 0
// outright (true GELU(-10) ≈ -1e-37); z only reaches the upper clamp for x < -10.04, so
// the clamp never changes a result that is kept. Zeroing also makes GELU(-inf) = 0 and
// keeps x = -1e30 from giving x / 1.7e38 = -6e-9. x = +inf gives u = +inf, z clamped to
// -87, e ≈ 0, x / 1 = +inf. NaN reaches the result through the final division (the
// clamp may turn a NaN z into a number, but x itself is NaN) and fails the x < -10 test.
namespace {

constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;       // 9 significant bits: k·kLn2Hi is exact
constexpr float kLn2Lo = -2.12194440e-4f;    // ln2 - kLn2Hi
constexpr float kExpMin = -87.0f, kExpMax = 88.0f;
constexpr float kZeroBelow = -10.0f;
// Cephes expf: exp(r) ≈ 1 + r + r²·(P0·r⁵ + P1·r⁴ + ... + P5), |r| ≤ ln2/2.
constexpr float kP0 = 1.9875691500e-4f, kP1 = 1.3981999507e-3f, kP2 = 8.3334519073e-3f;
constexpr float kP3 = 4.1665795894e-2f, kP4 = 1.6666665459e-1f, kP5 = 5.0000001201e-1f;

#if defined(__AVX2__) && defined(__FMA__)

constexpr std::size_t kLanes = 8;  // floats per __m256

__m256 exp_avx2(__m256 z) {
  z = _mm256_min_ps(_mm256_max_ps(z, _mm256_set1_ps(kExpMin)), _mm256_set1_ps(kExpMax));
  const __m256 k = _mm256_round_ps(_mm256_mul_ps(z, _mm256_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(kLn2Hi), z);
  r = _mm256_fnmadd_ps(k, _mm256_set1_ps(kLn2Lo), r);
  __m256 p = _mm256_set1_ps(kP0);  // Horner: one FMA per coefficient
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP5));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i biased = _mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127));
  return _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(biased, 23)));  // p·2^k
}

// GELU of 8 floats at x (plus 8 bias values, when bias is not null) into out.
void gelu_lanes(const float* x, const float* bias, float* out) {
  __m256 v = _mm256_loadu_ps(x);  // unaligned loads: spans may start anywhere
  if (bias != nullptr) v = _mm256_add_ps(v, _mm256_loadu_ps(bias));
  const __m256 v3 = _mm256_mul_ps(_mm256_mul_ps(v, v), v);
  const __m256 u = _mm256_mul_ps(_mm256_set1_ps(kSqrt2OverPi), _mm256_fmadd_ps(_mm256_set1_ps(kCubic), v3, v));
  const __m256 e = exp_avx2(_mm256_mul_ps(_mm256_set1_ps(-2.0f), u));
  // A true division: _mm256_rcp_ps alone is good to 12 bits (relative error up to 3.7e-4,
  // more than the 1e-4 the tests allow), and with a Newton step it measured no faster here.
  const __m256 gelu = _mm256_div_ps(v, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
  const __m256 zero_lanes = _mm256_cmp_ps(v, _mm256_set1_ps(kZeroBelow), _CMP_LT_OQ);  // false for NaN
  _mm256_storeu_ps(out, _mm256_andnot_ps(zero_lanes, gelu));
}

#elif defined(__ARM_NEON) && defined(__aarch64__)

// AArch64 only: vdivq_f32, vrndnq_f32 and vcvtnq_s32_f32 do not exist in 32-bit NEON.
constexpr std::size_t kLanes = 4;  // floats per float32x4_t

float32x4_t exp_neon(float32x4_t z) {
  z = vminq_f32(vmaxq_f32(z, vdupq_n_f32(kExpMin)), vdupq_n_f32(kExpMax));
  const float32x4_t k = vrndnq_f32(vmulq_f32(z, vdupq_n_f32(kLog2e)));
  float32x4_t r = vfmsq_f32(z, k, vdupq_n_f32(kLn2Hi));  // z - k·ln2_hi
  r = vfmsq_f32(r, k, vdupq_n_f32(kLn2Lo));
  float32x4_t p = vdupq_n_f32(kP0);
  p = vfmaq_f32(vdupq_n_f32(kP1), p, r);  // vfmaq_f32(a, b, c) = a + b·c
  p = vfmaq_f32(vdupq_n_f32(kP2), p, r);
  p = vfmaq_f32(vdupq_n_f32(kP3), p, r);
  p = vfmaq_f32(vdupq_n_f32(kP4), p, r);
  p = vfmaq_f32(vdupq_n_f32(kP5), p, r);
  p = vfmaq_f32(vaddq_f32(r, vdupq_n_f32(1.0f)), p, vmulq_f32(r, r));
  const int32x4_t biased = vaddq_s32(vcvtnq_s32_f32(k), vdupq_n_s32(127));
  return vmulq_f32(p, vreinterpretq_f32_s32(vshlq_n_s32(biased, 23)));
}

void gelu_lanes(const float* x, const float* bias, float* out) {
  float32x4_t v = vld1q_f32(x);
  if (bias != nullptr) v = vaddq_f32(v, vld1q_f32(bias));
  const float32x4_t v3 = vmulq_f32(vmulq_f32(v, v), v);
  const float32x4_t u = vmulq_f32(vdupq_n_f32(kSqrt2OverPi), vfmaq_f32(v, vdupq_n_f32(kCubic), v3));
  const float32x4_t e = exp_neon(vmulq_f32(vdupq_n_f32(-2.0f), u));
  const float32x4_t gelu = vdivq_f32(v, vaddq_f32(vdupq_n_f32(1.0f), e));
  const uint32x4_t zero_lanes = vcltq_f32(v, vdupq_n_f32(kZeroBelow));  // false for NaN
  vst1q_f32(out, vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(gelu), zero_lanes)));
}

#else

// No SIMD in this build: the same formula one element at a time, so every path agrees.
constexpr std::size_t kLanes = 1;

void gelu_lanes(const float* x, const float* bias, float* out) {
  const float v = bias != nullptr ? *x + *bias : *x;
  const float u = kSqrt2OverPi * (v + kCubic * v * v * v);
  const float e = std::exp(std::fmin(std::fmax(-2.0f * u, kExpMin), kExpMax));
  *out = v < kZeroBelow ? 0.0f : v / (1.0f + e);
}

#endif

// GELU(x + bias) over n elements (bias may be null). Full vectors straight from x to
// out; the last n % kLanes elements go through a zero-padded stack buffer, so they take
// the same code path as the rest and nothing past x's or out's end is touched.
void gelu_row(const float* x, const float* bias, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) gelu_lanes(x + i, bias != nullptr ? bias + i : nullptr, out + i);
  if (i == n) return;
  const std::size_t rest = n - i;
  float x_tail[kLanes] = {}, bias_tail[kLanes] = {}, out_tail[kLanes];
  std::memcpy(x_tail, x + i, rest * sizeof(float));
  if (bias != nullptr) std::memcpy(bias_tail, bias + i, rest * sizeof(float));
  gelu_lanes(x_tail, bias != nullptr ? bias_tail : nullptr, out_tail);
  std::memcpy(out + i, out_tail, rest * sizeof(float));
}

}  // namespace

void gelu_fused_simd(std::span<const float> x, std::span<float> out) {
  require_same_length("gelu_fused_simd", x.size(), out.size());
  gelu_row(x.data(), nullptr, out.data(), x.size());
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
