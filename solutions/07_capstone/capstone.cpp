// Stage 07 reference — a transformer MLP block, naive and fast, and its profile.
// The fast block is two sgemm calls and one pass of element-wise work between them: at the
// course's shape (batch 64, d_model 512, d_ff 2048) the GEMMs do 99.5 % of the FLOPs, so
// everything else has to cost almost nothing, and the profile shows whether it does.

#include "capstone.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace accel::stage07 {
namespace {

struct Dims {
  std::size_t batch, d_model, d_ff;
};

Dims check_shapes(const char* function, const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2,
                  const Tensor& b2) {
  const auto shapes = [&] {
    return "x " + x.shape_string() + ", W1 " + W1.shape_string() + ", b1 " + b1.shape_string() + ", W2 " +
           W2.shape_string() + ", b2 " + b2.shape_string();
  };
  if (x.rank() != 2 || W1.rank() != 2 || b1.rank() != 1 || W2.rank() != 2 || b2.rank() != 1) {
    throw std::invalid_argument(std::string(function) +
                                " needs x (batch, d_model), W1 (d_ff, d_model), b1 (d_ff), W2 (d_model, d_ff) and "
                                "b2 (d_model), got " + shapes());
  }
  const Dims d{x.dim(0), x.dim(1), W1.dim(0)};
  if (W1.dim(1) != d.d_model || b1.dim(0) != d.d_ff || W2.dim(0) != d.d_model || W2.dim(1) != d.d_ff ||
      b2.dim(0) != d.d_model) {
    throw std::invalid_argument(std::string(function) + ": shape mismatch: " + shapes());
  }
  return d;
}

// ---- The fused bias + GELU pass (stage 04's kernel, this stage's own copy) ------------------
//
// GELU(v) = v / (1 + exp(z)) with z = v·(a + b·v²), a = −2√(2/π), b = a·0.044715: the
// sigmoid form of 0.5·(1 + tanh(u)), one exp and one division. exp by range reduction
// (z = k·ln2 + r, k rounded by adding 1.5·2²³, exp(r) by its degree-5 Taylor polynomial),
// z clamped at −87 so 2^k stays normal (that is what v = +inf needs), and lanes with
// v < −10 set to 0 (true GELU is below 1e-37 there; this also gives GELU(−inf) = 0). NaN
// fails the v < −10 test and reaches the result through the division.
// No streaming stores, unlike stage 04's large arrays: h is 512 KiB at the course's shape,
// in L2, and the second GEMM reads it right after; a streaming store would evict it.
constexpr float kZScale = -2.0f * 0.7978845608028654f;  // a
constexpr float kZCubicScale = kZScale * 0.044715f;     // b
constexpr float kLog2e = 1.44269504088896341f, kLn2 = 0.693147180559945309f;
constexpr float kRoundingMagic = 12582912.0f;  // 1.5·2^23
constexpr float kExpMin = -87.0f, kZeroBelow = -10.0f;
constexpr float kC5 = 1.0f / 120, kC4 = 1.0f / 24, kC3 = 1.0f / 6, kC2 = 0.5f, kC1 = 1.0f, kC0 = 1.0f;

#if defined(__AVX512F__)

constexpr const char* kPath = "AVX-512";
constexpr std::size_t kLanes = 16;
// The maskz forms with every lane set compute what _mm512_max_ps and _mm512_scalef_ps do;
// GCC 12 takes those two's unused merge source for an uninitialized read (-Wmaybe-uninitialized).
constexpr __mmask16 kAllLanes = 0xFFFF;

// Masks replace a tail buffer: masked-off lanes are neither read nor written.
void gelu_lanes(float* h, const float* bias, std::size_t count) {
  const __mmask16 lanes = count == kLanes ? kAllLanes : __mmask16((1u << count) - 1);
  const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(lanes, h), _mm512_maskz_loadu_ps(lanes, bias));
  __m512 z = _mm512_mul_ps(v, _mm512_fmadd_ps(_mm512_set1_ps(kZCubicScale), _mm512_mul_ps(v, v), _mm512_set1_ps(kZScale)));
  z = _mm512_maskz_max_ps(kAllLanes, z, _mm512_set1_ps(kExpMin));
  const __m512 magic = _mm512_set1_ps(kRoundingMagic);
  const __m512 k = _mm512_sub_ps(_mm512_fmadd_ps(z, _mm512_set1_ps(kLog2e), magic), magic);
  const __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(kLn2), z);
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(kC5), r, _mm512_set1_ps(kC4));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kC3));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kC2));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kC1));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kC0));
  const __m512 one_plus_e = _mm512_add_ps(_mm512_maskz_scalef_ps(kAllLanes, p, k), _mm512_set1_ps(1.0f));
  const __mmask16 keep = _mm512_cmp_ps_mask(v, _mm512_set1_ps(kZeroBelow), _CMP_NLT_UQ);  // true for NaN
  _mm512_mask_storeu_ps(h, lanes, _mm512_maskz_div_ps(keep, v, one_plus_e));
}

#elif defined(__AVX2__) && defined(__FMA__)

constexpr const char* kPath = "AVX2+FMA";
constexpr std::size_t kLanes = 8;

void gelu_full(float* h, const float* bias) {
  const __m256 v = _mm256_add_ps(_mm256_loadu_ps(h), _mm256_loadu_ps(bias));
  __m256 z = _mm256_mul_ps(v, _mm256_fmadd_ps(_mm256_set1_ps(kZCubicScale), _mm256_mul_ps(v, v), _mm256_set1_ps(kZScale)));
  z = _mm256_max_ps(z, _mm256_set1_ps(kExpMin));
  // t's low mantissa bits hold k: (bits + 127) << 23 are the bits of 2^k.
  const __m256 magic = _mm256_set1_ps(kRoundingMagic);
  const __m256 t = _mm256_fmadd_ps(z, _mm256_set1_ps(kLog2e), magic);
  const __m256 r = _mm256_fnmadd_ps(_mm256_sub_ps(t, magic), _mm256_set1_ps(kLn2), z);
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(kC5), r, _mm256_set1_ps(kC4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kC3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kC2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kC1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kC0));
  const __m256i two_to_k = _mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127)), 23);
  const __m256 one_plus_e = _mm256_fmadd_ps(p, _mm256_castsi256_ps(two_to_k), _mm256_set1_ps(1.0f));
  const __m256 zero_lanes = _mm256_cmp_ps(v, _mm256_set1_ps(kZeroBelow), _CMP_LT_OQ);  // false for NaN
  _mm256_storeu_ps(h, _mm256_andnot_ps(zero_lanes, _mm256_div_ps(v, one_plus_e)));
}

#elif defined(__ARM_NEON) && defined(__aarch64__)

constexpr const char* kPath = "NEON";
constexpr std::size_t kLanes = 4;

void gelu_full(float* h, const float* bias) {  // AArch64 only: vdivq_f32 is not in 32-bit NEON
  const float32x4_t v = vaddq_f32(vld1q_f32(h), vld1q_f32(bias));
  float32x4_t z = vmulq_f32(v, vfmaq_f32(vdupq_n_f32(kZScale), vdupq_n_f32(kZCubicScale), vmulq_f32(v, v)));
  z = vmaxq_f32(z, vdupq_n_f32(kExpMin));
  const float32x4_t magic = vdupq_n_f32(kRoundingMagic);
  const float32x4_t t = vfmaq_f32(magic, z, vdupq_n_f32(kLog2e));  // vfmaq_f32(a, b, c) = a + b·c
  const float32x4_t r = vfmsq_f32(z, vsubq_f32(t, magic), vdupq_n_f32(kLn2));
  float32x4_t p = vfmaq_f32(vdupq_n_f32(kC4), vdupq_n_f32(kC5), r);
  p = vfmaq_f32(vdupq_n_f32(kC3), p, r);
  p = vfmaq_f32(vdupq_n_f32(kC2), p, r);
  p = vfmaq_f32(vdupq_n_f32(kC1), p, r);
  p = vfmaq_f32(vdupq_n_f32(kC0), p, r);
  const int32x4_t two_to_k = vshlq_n_s32(vaddq_s32(vreinterpretq_s32_f32(t), vdupq_n_s32(127)), 23);
  const float32x4_t one_plus_e = vfmaq_f32(vdupq_n_f32(1.0f), p, vreinterpretq_f32_s32(two_to_k));
  const uint32x4_t zero_lanes = vcltq_f32(v, vdupq_n_f32(kZeroBelow));  // false for NaN
  vst1q_f32(h, vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(vdivq_f32(v, one_plus_e)), zero_lanes)));
}

#else

constexpr const char* kPath = "scalar";
constexpr std::size_t kLanes = 1;

void gelu_full(float* h, const float* bias) {  // the same formula, one element at a time
  const float v = *h + *bias;
  const float e = std::exp(std::fmax(v * (kZScale + kZCubicScale * v * v), kExpMin));
  *h = v < kZeroBelow ? 0.0f : v / (1.0f + e);
}

#endif

#if !defined(__AVX512F__)
// A full vector, or the row's tail through a zero-padded stack buffer, so the tail takes the
// same code path and nothing past the row's end is touched.
void gelu_lanes(float* h, const float* bias, std::size_t count) {
  if (count == kLanes) {
    gelu_full(h, bias);
    return;
  }
  float h_tail[kLanes] = {}, bias_tail[kLanes] = {};
  std::memcpy(h_tail, h, count * sizeof(float));
  std::memcpy(bias_tail, bias, count * sizeof(float));
  gelu_full(h_tail, bias_tail);
  std::memcpy(h, h_tail, count * sizeof(float));
}
#endif

// ---- The fast block's steps -------------------------------------------------------------

// cblas takes int: a larger dimension would wrap into a wrong one.
int blas_int(std::size_t value) {
  if (value > std::size_t(INT_MAX)) {
    throw std::invalid_argument("cblas_sgemm: dimension " + std::to_string(value) + " does not fit BLAS's int");
  }
  return int(value);
}

// C (M×N) = A (M×K)·Bᵀ + beta·C, B stored N×K as nn.Linear stores a weight. CblasTrans
// reads it transposed where it lies: sgemm packs panels of B anyway, so no copy is made.
// Leading dimensions are at least 1 even for K = 0 (BLAS's rule).
void gemm_bt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float beta, float* C) {
  if (M == 0 || N == 0) return;
  const int k = blas_int(K), ld = std::max(k, 1);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blas_int(M), blas_int(N), k, 1.0f, A, ld, B, ld, beta, C,
              blas_int(N));
}

// The three steps mlp_fast takes, also timed one by one by profile_mlp.
void fast_gemm1(const Dims& d, const Tensor& x, const Tensor& W1, std::span<float> h) {
  gemm_bt(d.batch, d.d_ff, d.d_model, x.data(), W1.data(), 0.0f, h.data());
}
// b2 rides in with the GEMM: y starts as b2 in every row and beta = 1 adds h·W2ᵀ onto it.
// With beta = 0, OpenBLAS would first zero y in a pass of its own: the fill replaces that pass.
void fast_gemm2(const Dims& d, std::span<const float> h, const Tensor& W2, const Tensor& b2, Tensor& y) {
  for (std::size_t r = 0; r < d.batch; ++r) std::copy(b2.data(), b2.data() + d.d_model, y.data() + r * d.d_model);
  gemm_bt(d.batch, d.d_model, d.d_ff, h.data(), W2.data(), 1.0f, y.data());
}

// ---- The naive block's steps, as a first attempt looks ------------------------------------

// a·bᵀ for a (rows × inner) and b (cols × inner): a dot product of two rows per output, in
// one chain of adds. The compiler may vectorize the multiplies but not reorder a float sum,
// so every add waits for the one before it.
Tensor matmul_transposed_loops(const Tensor& a, const Tensor& b) {
  const std::size_t rows = a.dim(0), cols = b.dim(0), inner = a.dim(1);
  Tensor out({rows, cols});
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      float sum = 0.0f;
      for (std::size_t p = 0; p < inner; ++p) sum += a.data()[i * inner + p] * b.data()[j * inner + p];
      out.data()[i * cols + j] = sum;
    }
  }
  return out;
}

Tensor add_bias(const Tensor& m, const Tensor& bias) {
  Tensor out(m.shape());
  const std::size_t cols = bias.size();
  for (std::size_t i = 0; i < m.size(); ++i) out.data()[i] = m.data()[i] + bias.data()[i % cols];
  return out;
}

// Stage 04's seven passes, each into a new tensor.
Tensor gelu_seven_passes(const Tensor& x) {
  const std::size_t n = x.size();
  const float* in = x.data();
  Tensor cube(x.shape()), scaled(x.shape()), inner(x.shape()), arg(x.shape()), t(x.shape()), one_plus(x.shape());
  Tensor result(x.shape());
  for (std::size_t i = 0; i < n; ++i) cube.data()[i] = in[i] * in[i] * in[i];
  for (std::size_t i = 0; i < n; ++i) scaled.data()[i] = 0.044715f * cube.data()[i];
  for (std::size_t i = 0; i < n; ++i) inner.data()[i] = in[i] + scaled.data()[i];
  for (std::size_t i = 0; i < n; ++i) arg.data()[i] = 0.7978845608028654f * inner.data()[i];
  for (std::size_t i = 0; i < n; ++i) t.data()[i] = std::tanh(arg.data()[i]);
  for (std::size_t i = 0; i < n; ++i) one_plus.data()[i] = 1.0f + t.data()[i];
  // 1 + t is exactly 0 below about −5.16: the answer is 0 there, and writing it out keeps
  // −inf·0 from becoming NaN (GELU(−inf) = 0).
  for (std::size_t i = 0; i < n; ++i) {
    result.data()[i] = one_plus.data()[i] == 0.0f ? 0.0f : 0.5f * in[i] * one_plus.data()[i];
  }
  return result;
}

}  // namespace

Tensor mlp_naive(const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2, const Tensor& b2) {
  check_shapes("mlp_naive", x, W1, b1, W2, b2);
  const Tensor hidden = gelu_seven_passes(add_bias(matmul_transposed_loops(x, W1), b1));
  return add_bias(matmul_transposed_loops(hidden, W2), b2);
}

void bias_gelu(std::span<float> h, std::span<const float> bias) {
  if (h.empty()) return;
  if (bias.empty() || h.size() % bias.size() != 0) {
    throw std::invalid_argument("bias_gelu: h has " + std::to_string(h.size()) +
                                " elements, which is not a whole number of rows of bias length " +
                                std::to_string(bias.size()));
  }
  // Row by row: the bias row (8 KiB at d_ff = 2048) stays in L1 while h streams through once.
  const std::size_t cols = bias.size();
  for (std::size_t row = 0; row < h.size(); row += cols) {
    for (std::size_t c = 0; c < cols; c += kLanes) gelu_lanes(&h[row + c], &bias[c], std::min(kLanes, cols - c));
  }
}

const char* bias_gelu_path() { return kPath; }

std::span<float> MlpWorkspace::hidden(std::size_t rows, std::size_t d_ff) {
  const std::size_t needed = rows * d_ff;
  if (storage_.size() < needed) storage_ = Tensor({needed});
  return {storage_.data(), needed};
}

void mlp_fast(const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2, const Tensor& b2,
              MlpWorkspace& workspace, Tensor& y) {
  const Dims d = check_shapes("mlp_fast", x, W1, b1, W2, b2);
  if (y.rank() != 2 || y.dim(0) != d.batch || y.dim(1) != d.d_model) {
    throw std::invalid_argument("mlp_fast: y " + y.shape_string() + " must be (batch, d_model) for x " +
                                x.shape_string());
  }
  const std::span<float> h = workspace.hidden(d.batch, d.d_ff);
  fast_gemm1(d, x, W1, h);  // the last read of x: y may be x
  bias_gelu(h, b1.span());
  fast_gemm2(d, h, W2, b2, y);
}

std::array<OpCost, 3> mlp_region_costs(MlpVariant variant, std::size_t batch, std::size_t d_model, std::size_t d_ff) {
  const double B = double(batch), D = double(d_model), F = double(d_ff);
  const double gelu_passes = variant == MlpVariant::naive ? 64 * B * F : 0;
  return {OpCost{2 * B * F * D, 4 * (B * D + F * D + B * F)},
          OpCost{10 * B * F, 4 * (2 * B * F + F) + gelu_passes},
          OpCost{2 * B * D * F + B * D, 4 * (B * F + D * F + D + 3 * B * D)}};
}

MlpProfile profile_mlp(MlpVariant variant, const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2,
                       const Tensor& b2, std::size_t rounds) {
  const Dims d = check_shapes("profile_mlp", x, W1, b1, W2, b2);
  if (rounds == 0) throw std::invalid_argument("profile_mlp: rounds must be at least 1, got 0");
  Profiler profiler;
  MlpProfile profile;
  MlpWorkspace workspace;
  Tensor y({d.batch, d.d_model}), hidden({0}), activated({0});
  for (std::size_t round = 0; round <= rounds; ++round) {
    if (round == 1) profiler.clear_regions();  // round 0 warms caches and sizes the workspace
    if (variant == MlpVariant::fast) {
      const std::span<float> h = workspace.hidden(d.batch, d.d_ff);
      profiler.time_region(kMlpRegionNames[0], [&] { fast_gemm1(d, x, W1, h); });
      profiler.time_region(kMlpRegionNames[1], [&] { bias_gelu(h, b1.span()); });
      profiler.time_region(kMlpRegionNames[2], [&] { fast_gemm2(d, h, W2, b2, y); });
    } else {
      profiler.time_region(kMlpRegionNames[0], [&] { hidden = matmul_transposed_loops(x, W1); });
      profiler.time_region(kMlpRegionNames[1], [&] { activated = gelu_seven_passes(add_bias(hidden, b1)); });
      profiler.time_region(kMlpRegionNames[2], [&] { y = add_bias(matmul_transposed_loops(activated, W2), b2); });
    }
  }
  const std::vector<RegionTime> times = profiler.region_times();
  const std::array<OpCost, 3> costs = mlp_region_costs(variant, d.batch, d.d_model, d.d_ff);
  for (std::size_t i = 0; i < profile.regions.size(); ++i) {
    profile.regions[i] = {kMlpRegionNames[i], costs[i], times[i].median_ms, 0};
  }
  const double total = profile.total_ms();
  for (MlpRegion& region : profile.regions) region.share = total > 0 ? region.ms / total : 0;
  profile.output = std::move(y);
  return profile;
}

}  // namespace accel::stage07
