// Stage 02 reference — SIMD intrinsics, with an AVX2+FMA path (x86-64), a NEON path
// (aarch64) and a scalar fallback. The compiler's target macros pick one per build.

#include "simd_intrinsics.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "accel/validate.hpp"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

namespace accel::stage02 {
namespace {

// C's edge columns that no vector covers, for paths without masked loads: a plain dot
// product per element. Only ever a few columns wide.
[[maybe_unused]] void scalar_edge(const float* A, const float* B, float* C, std::size_t rows, std::size_t cols,
                                  std::size_t N, std::size_t K) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < K; ++k) sum += A[r * K + k] * B[k * N + c];
      C[r * N + c] = sum;
    }
  }
}

#if defined(__AVX2__) && defined(__FMA__)

// Sum of the 8 lanes: fold the high 128 bits onto the low, then 4 → 2 → 1.
float horizontal_sum(__m256 v) {
  __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
  sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
  return _mm_cvtss_f32(sum);
}

// Register block of C: MR rows × NR columns. AVX2 has 16 ymm registers; 6 rows × 2
// vectors of 8 floats take 12 of them as accumulators, the two B vectors of the current
// k and the broadcast A value 3 more: 15 of 16. Twelve independent accumulators also keep
// the FMA units busy: Zen 3 has two FMA pipes of latency 4, so at least 8 FMAs must be in
// flight. Each k step issues 12 FMAs for 2 loads of B and 6 broadcasts of A, where the
// i-k-j loop needs a load and a store of C for every FMA.
constexpr std::size_t kMR = 6;
constexpr std::size_t kNR = 16;

// C[0..Rows)[0..8·Vecs) = A[0..Rows)[0..K) · B[0..K)[0..8·Vecs); with Masked, the last
// vector only touches the lanes set in `mask`. _mm256_maskload_ps does not fault on
// masked-off lanes, so the edge never reads or writes past the end of B or C.
template <int Rows, int Vecs, bool Masked>
void avx2_block(const float* A, const float* B, float* C, std::size_t N, std::size_t K, __m256i mask) {
  // GCC keeps acc in registers only if the loops over r and v are unrolled before it
  // decides what lives in memory; without the pragmas every FMA result is also stored
  // to the stack (see "Reading the assembly" in the README).
  __m256 acc[Rows][Vecs] = {};
  for (std::size_t k = 0; k < K; ++k) {
    const float* b_row = B + k * N;
    __m256 b[Vecs];
#pragma GCC unroll 8
    for (int v = 0; v < Vecs; ++v) {
      const bool edge = Masked && v == Vecs - 1;
      b[v] = edge ? _mm256_maskload_ps(b_row + 8 * v, mask) : _mm256_loadu_ps(b_row + 8 * v);
    }
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r) {
      const __m256 a = _mm256_broadcast_ss(A + r * K + k);
#pragma GCC unroll 8
      for (int v = 0; v < Vecs; ++v) acc[r][v] = _mm256_fmadd_ps(a, b[v], acc[r][v]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < Vecs; ++v) {
      float* c = C + r * N + 8 * v;
      if (Masked && v == Vecs - 1) {
        _mm256_maskstore_ps(c, mask, acc[r][v]);
      } else {
        _mm256_storeu_ps(c, acc[r][v]);
      }
    }
  }
}

// One instantiation per edge height, so every block keeps its accumulators in registers.
template <int Vecs, bool Masked>
void avx2_rows(std::size_t rows, const float* A, const float* B, float* C, std::size_t N, std::size_t K,
               __m256i mask) {
  switch (rows) {
    case 6: return avx2_block<6, Vecs, Masked>(A, B, C, N, K, mask);
    case 5: return avx2_block<5, Vecs, Masked>(A, B, C, N, K, mask);
    case 4: return avx2_block<4, Vecs, Masked>(A, B, C, N, K, mask);
    case 3: return avx2_block<3, Vecs, Masked>(A, B, C, N, K, mask);
    case 2: return avx2_block<2, Vecs, Masked>(A, B, C, N, K, mask);
    default: return avx2_block<1, Vecs, Masked>(A, B, C, N, K, mask);
  }
}

#elif defined(__ARM_NEON)

// Register block of C: MR rows × NR columns. AArch64 has 32 128-bit registers; 4 rows × 4
// vectors of 4 floats take 16 of them as accumulators, the A values of 4 k steps (one
// register per row) 4 more and a row of B 4 more: 24 of 32. Sixteen independent
// accumulators keep four FMA pipes of latency 4 busy (Apple M-series; Neoverse has 2-4).
constexpr std::size_t kMR = 4;
constexpr std::size_t kNR = 16;

// acc[r][·] += a[r][Lane] · b[·]: the lane of a register is the broadcast, for free.
template <int Lane, int Rows, int Vecs>
void neon_step(float32x4_t (&acc)[Rows][Vecs], const float32x4_t (&a)[Rows], const float* b_row) {
  float32x4_t b[Vecs];
#pragma GCC unroll 8
  for (int v = 0; v < Vecs; ++v) b[v] = vld1q_f32(b_row + 4 * v);
#pragma GCC unroll 8
  for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < Vecs; ++v) acc[r][v] = vfmaq_laneq_f32(acc[r][v], b[v], a[r], Lane);
  }
}

// C[0..Rows)[0..4·Vecs) = A[0..Rows)[0..K) · B[0..K)[0..4·Vecs). A is read 4 k at a time
// (A[r][k..k+3] is contiguous), and each of the 4 lanes drives one k step. The unroll
// pragmas keep acc in registers, as in the AVX2 kernel.
template <int Rows, int Vecs>
void neon_block(const float* A, const float* B, float* C, std::size_t N, std::size_t K) {
  float32x4_t acc[Rows][Vecs] = {};
  std::size_t k = 0;
  for (; k + 4 <= K; k += 4) {
    float32x4_t a[Rows];
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r) a[r] = vld1q_f32(A + r * K + k);
    neon_step<0>(acc, a, B + (k + 0) * N);
    neon_step<1>(acc, a, B + (k + 1) * N);
    neon_step<2>(acc, a, B + (k + 2) * N);
    neon_step<3>(acc, a, B + (k + 3) * N);
  }
  for (; k < K; ++k) {  // K not a multiple of 4: broadcast one A value at a time
#pragma GCC unroll 8
    for (int v = 0; v < Vecs; ++v) {
      const float32x4_t b = vld1q_f32(B + k * N + 4 * v);
#pragma GCC unroll 8
      for (int r = 0; r < Rows; ++r) acc[r][v] = vfmaq_n_f32(acc[r][v], b, A[r * K + k]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < Vecs; ++v) vst1q_f32(C + r * N + 4 * v, acc[r][v]);
  }
}

template <int Rows>
void neon_cols(std::size_t vecs, const float* A, const float* B, float* C, std::size_t N, std::size_t K) {
  switch (vecs) {
    case 4: return neon_block<Rows, 4>(A, B, C, N, K);
    case 3: return neon_block<Rows, 3>(A, B, C, N, K);
    case 2: return neon_block<Rows, 2>(A, B, C, N, K);
    case 1: return neon_block<Rows, 1>(A, B, C, N, K);
    default: return;
  }
}

void neon_rows(std::size_t rows, std::size_t vecs, const float* A, const float* B, float* C, std::size_t N,
               std::size_t K) {
  switch (rows) {
    case 4: return neon_cols<4>(vecs, A, B, C, N, K);
    case 3: return neon_cols<3>(vecs, A, B, C, N, K);
    case 2: return neon_cols<2>(vecs, A, B, C, N, K);
    default: return neon_cols<1>(vecs, A, B, C, N, K);
  }
}

#endif

}  // namespace

void add_simd(std::span<const float> a, std::span<const float> b, std::span<float> out) {
  require_same_length("add_simd", a.size(), b.size());
  require_same_length("add_simd", a.size(), out.size());
  const float* pa = a.data();
  const float* pb = b.data();
  float* po = out.data();
  const std::size_t n = out.size();
  std::size_t i = 0;
  // loadu/storeu accept any address; on Zen 3 and Apple cores they cost the same as the
  // aligned forms, plus a little when a vector straddles two cache lines. Each vector is
  // loaded before it is stored, so out may be a or b itself.
#if defined(__AVX2__) && defined(__FMA__)
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(po + i, _mm256_add_ps(_mm256_loadu_ps(pa + i), _mm256_loadu_ps(pb + i)));
#elif defined(__ARM_NEON)
  for (; i + 4 <= n; i += 4) vst1q_f32(po + i, vaddq_f32(vld1q_f32(pa + i), vld1q_f32(pb + i)));
#endif
  // The tail (less than one vector), or everything in the scalar fallback.
  for (; i < n; ++i) po[i] = pa[i] + pb[i];
}

float dot_simd(std::span<const float> a, std::span<const float> b) {
  require_same_length("dot_simd", a.size(), b.size());
  const float* pa = a.data();
  const float* pb = b.data();
  const std::size_t n = a.size();
  std::size_t i = 0;
  float sum = 0.0f;
#if defined(__AVX2__) && defined(__FMA__)
  // An FMA takes 4 cycles and Zen 3 starts two per cycle, but a dot product needs two
  // loads per FMA and the core does two 256-bit loads per cycle: one FMA per cycle is the
  // ceiling, and four accumulators cover the latency. With one accumulator every FMA
  // waits for the previous one: a quarter of the speed.
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(pa + i), _mm256_loadu_ps(pb + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(pa + i + 8), _mm256_loadu_ps(pb + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(pa + i + 16), _mm256_loadu_ps(pb + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(pa + i + 24), _mm256_loadu_ps(pb + i + 24), acc3);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(pa + i), _mm256_loadu_ps(pb + i), acc0);
  sum = horizontal_sum(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
#elif defined(__ARM_NEON)
  // Same reasoning with 4-lane vectors: big Arm cores start up to four FMAs per cycle
  // (latency 4) and load up to three vectors, so eight accumulators, not four.
  float32x4_t acc[8];
  for (float32x4_t& v : acc) v = vdupq_n_f32(0.0f);
  for (; i + 32 <= n; i += 32)
    for (int v = 0; v < 8; ++v) acc[v] = vfmaq_f32(acc[v], vld1q_f32(pa + i + 4 * v), vld1q_f32(pb + i + 4 * v));
  for (; i + 4 <= n; i += 4) acc[0] = vfmaq_f32(acc[0], vld1q_f32(pa + i), vld1q_f32(pb + i));
  for (int v = 1; v < 8; ++v) acc[0] = vaddq_f32(acc[0], acc[v]);
  sum = vaddvq_f32(acc[0]);
#else
  // Scalar fallback: four independent sums still overlap four multiply-adds.
  float s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  for (; i + 4 <= n; i += 4) {
    sum += pa[i] * pb[i];
    s1 += pa[i + 1] * pb[i + 1];
    s2 += pa[i + 2] * pb[i + 2];
    s3 += pa[i + 3] * pb[i + 3];
  }
  sum = (sum + s1) + (s2 + s3);
#endif
  for (; i < n; ++i) sum += pa[i] * pb[i];  // the tail
  return sum;
}

void matmul_simd(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
#if defined(__AVX2__) && defined(__FMA__)
  const __m256i lane_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  // Column blocks outermost: the K×16 panel of B a block reads is reused by every row
  // block below it while it is still in L2; the rows of A stream through sequentially.
  for (std::size_t j = 0; j < N; j += kNR) {
    const std::size_t cols = std::min(kNR, N - j);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(cols % 8)), lane_index);  // edge lanes
    for (std::size_t i = 0; i < M; i += kMR) {
      const std::size_t rows = std::min(kMR, M - i);
      const float* a = A + i * K;
      const float* b = B + j;
      float* c = C + i * N + j;
      if (cols == 16) {
        avx2_rows<2, false>(rows, a, b, c, N, K, mask);
      } else if (cols > 8) {
        avx2_rows<2, true>(rows, a, b, c, N, K, mask);
      } else if (cols == 8) {
        avx2_rows<1, false>(rows, a, b, c, N, K, mask);
      } else {
        avx2_rows<1, true>(rows, a, b, c, N, K, mask);
      }
    }
  }
#elif defined(__ARM_NEON)
  for (std::size_t j = 0; j < N; j += kNR) {
    const std::size_t cols = std::min(kNR, N - j);
    const std::size_t vecs = cols / 4;  // full vectors; the last cols % 4 columns go scalar
    for (std::size_t i = 0; i < M; i += kMR) {
      const std::size_t rows = std::min(kMR, M - i);
      const float* a = A + i * K;
      neon_rows(rows, vecs, a, B + j, C + i * N + j, N, K);
      scalar_edge(a, B + j + 4 * vecs, C + i * N + j + 4 * vecs, rows, cols % 4, N, K);
    }
  }
#else
  // Scalar fallback: the i-k-j order, whose inner loop the compiler vectorizes for
  // whatever vector unit the target has.
  for (std::size_t i = 0; i < M; ++i) {
    float* c_row = C + i * N;
    std::fill(c_row, c_row + N, 0.0f);
    for (std::size_t k = 0; k < K; ++k) {
      const float a_ik = A[i * K + k];
      for (std::size_t j = 0; j < N; ++j) c_row[j] += a_ik * B[k * N + j];
    }
  }
#endif
}

}  // namespace accel::stage02
