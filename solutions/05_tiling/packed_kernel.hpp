#pragma once
// The packed GEMM's machinery, shared by two references: stage 05's matmul_packed (one
// core) and stage 08's matmul_parallel (its rows split over threads). The micro-kernel's
// vector type per instruction set, the micro-kernel, the two packing routines, and the
// blocking that BLIS's analytical model derives from the caches. Reference code only: a
// student writes their own in each stage.

#include <algorithm>
#include <cstddef>

#include "accel/cache_model.hpp"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace accel::packed_kernel {

// ---- the micro-kernel's vector type, one struct per instruction set ----
// MR × NR is the block of C the micro-kernel keeps in registers: MR rows broadcast from A,
// NR columns loaded from B as NR / kLanes vectors, MR · NR / kLanes accumulators.

#if defined(__AVX512F__)
// 32 zmm registers of 16 floats: 14 rows × 2 vectors = 28 accumulators, 2 for the row of
// B and 1 for the broadcast A value: 31 of 32. 28 independent FMAs per k step cover two
// FMA pipes of latency 4 three times over, for 2 vector loads of B and 14 broadcasts of
// A. (12 rows, 24 accumulators, measured about 10 % slower here: fewer FMAs per load.)
struct Simd {
  using Vec = __m512;
  static constexpr std::size_t kLanes = 16, kMR = 14, kNR = 32;
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static Vec broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
};
#elif defined(__AVX2__) && defined(__FMA__)
// 16 ymm registers of 8 floats: 6 rows × 2 vectors = 12 accumulators, 2 for B and 1 for
// the broadcast: 15 of 16. Twelve FMAs in flight cover Zen 3's two pipes of latency 4.
struct Simd {
  using Vec = __m256;
  static constexpr std::size_t kLanes = 8, kMR = 6, kNR = 16;
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static Vec broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
};
#elif defined(__ARM_NEON) && defined(__aarch64__)
// 32 registers of 4 floats: 8 rows × 3 vectors = 24 accumulators, 3 for B and the A
// values: 28 of 32 (the 8×12 block of BLIS's and OpenBLAS's Armv8 kernels).
struct Simd {
  using Vec = float32x4_t;
  static constexpr std::size_t kLanes = 4, kMR = 8, kNR = 12;
  static Vec zero() { return vdupq_n_f32(0.0f); }
  static Vec load(const float* p) { return vld1q_f32(p); }
  static Vec broadcast(const float* p) { return vld1q_dup_f32(p); }
  static Vec fma(Vec a, Vec b, Vec c) { return vfmaq_f32(c, a, b); }
  static Vec add(Vec a, Vec b) { return vaddq_f32(a, b); }
  static void store(float* p, Vec v) { vst1q_f32(p, v); }
};
#else
// Plain floats: 4×4 accumulators, which the compiler keeps in registers and may vectorize.
struct Simd {
  using Vec = float;
  static constexpr std::size_t kLanes = 1, kMR = 4, kNR = 4;
  static Vec zero() { return 0.0f; }
  static Vec load(const float* p) { return *p; }
  static Vec broadcast(const float* p) { return *p; }
  static Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
  static Vec add(Vec a, Vec b) { return a + b; }
  static void store(float* p, Vec v) { *p = v; }
};
#endif

inline constexpr std::size_t kMR = Simd::kMR, kNR = Simd::kNR, kVecs = kNR / Simd::kLanes;

// C[0..rows)[0..cols) = (or +=, with accumulate) the product of one packed MR×kc
// micro-panel of A (MR floats per k step) and one packed kc×NR micro-panel of B (NR floats
// per k step). The unroll pragmas let GCC keep acc in registers (see stage 02).
inline void micro_kernel(std::size_t kc, const float* a, const float* b, float* c, std::size_t ldc, std::size_t rows,
                  std::size_t cols, bool accumulate) {
  Simd::Vec acc[kMR][kVecs];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < kVecs; ++v) acc[r][v] = Simd::zero();
  }
  // C's block is needed only after the k loop: ask for its lines now. When N is a power of
  // two its rows are a multiple of 4 KiB apart and share one L1 set, so they miss often.
  for (std::size_t r = 0; r < rows; ++r) {
    __builtin_prefetch(c + r * ldc, 1);
    __builtin_prefetch(c + r * ldc + cols - 1, 1);
  }
  for (std::size_t k = 0; k < kc; ++k, a += kMR, b += kNR) {
    Simd::Vec b_row[kVecs];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < kVecs; ++v) b_row[v] = Simd::load(b + v * Simd::kLanes);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < kMR; ++r) {
      const Simd::Vec a_value = Simd::broadcast(a + r);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < kVecs; ++v) acc[r][v] = Simd::fma(a_value, b_row[v], acc[r][v]);
    }
  }
  if (rows == kMR && cols == kNR) {  // a whole block: straight into C
#pragma GCC unroll 16
    for (std::size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 4
      for (std::size_t v = 0; v < kVecs; ++v) {
        float* out = c + r * ldc + v * Simd::kLanes;
        Simd::store(out, accumulate ? Simd::add(Simd::load(out), acc[r][v]) : acc[r][v]);
      }
    }
    return;
  }
  // An edge block: through a buffer, so only the rows × cols that belong to C are written.
  alignas(64) float block[kMR * kNR];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < kVecs; ++v) Simd::store(block + r * kNR + v * Simd::kLanes, acc[r][v]);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < cols; ++j) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : 0.0f) + block[r * kNR + j];
  }
}

// B's kc×nc slice (rows ldb apart) as ⌈nc/NR⌉ micro-panels, each kc rows of NR floats in
// a row. Columns past nc are zeros: the micro-kernel computes them and they are dropped, but
// on defined numbers (uninitialized memory may hold denormals, which are slow).
inline void pack_b(const float* B, std::size_t ldb, std::size_t kc, std::size_t nc, float* packed) {
  for (std::size_t j = 0; j < nc; j += kNR) {
    const std::size_t cols = std::min(kNR, nc - j);
    float* panel = packed + j * kc;
    if (cols == kNR) {  // a whole micro-panel: a row of NR floats is kVecs vectors (a call to memcpy is not free)
      for (std::size_t k = 0; k < kc; ++k) {
#pragma GCC unroll 4
        for (std::size_t v = 0; v < kVecs; ++v) {
          Simd::store(panel + k * kNR + v * Simd::kLanes, Simd::load(B + k * ldb + j + v * Simd::kLanes));
        }
      }
      continue;
    }
    for (std::size_t k = 0; k < kc; ++k) {
      std::copy_n(B + k * ldb + j, cols, panel + k * kNR);
      std::fill(panel + k * kNR + cols, panel + (k + 1) * kNR, 0.0f);
    }
  }
}

// A's mc×kc block (rows lda apart) as ⌈mc/MR⌉ micro-panels, each kc columns of MR floats
// (A transposed, MR rows at a time); rows past mc are zeros.
inline void pack_a(const float* A, std::size_t lda, std::size_t mc, std::size_t kc, float* packed) {
  for (std::size_t i = 0; i < mc; i += kMR) {
    const std::size_t rows = std::min(kMR, mc - i);
    float* panel = packed + i * kc;
    for (std::size_t r = 0; r < rows; ++r) {
      const float* a_row = A + (i + r) * lda;
      for (std::size_t k = 0; k < kc; ++k) panel[k * kMR + r] = a_row[k];
    }
    for (std::size_t r = rows; r < kMR; ++r) {
      for (std::size_t k = 0; k < kc; ++k) panel[k * kMR + r] = 0.0f;
    }
  }
}

inline std::size_t round_up(std::size_t value, std::size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

// KC, MC and NC from the caches, by the analytical model of BLIS (Low et al., ACM TOMS
// 2016): a block that must stay in a set-associative cache gets whole ways of it, and one
// way is left for what streams past. Both geometries must have sets (a size, a line size
// and ways); l3_bytes 0 stands for 8 MiB.
struct Blocks {
  std::size_t kc, mc, nc;
};

inline Blocks analytic_blocks(const CacheGeometry& l1d, const CacheGeometry& l2, std::size_t l3_bytes) {
  constexpr std::size_t kFloat = sizeof(float), kMaxNC = 4096;
  // L1: each k step reads MR floats of A's micro-panel and NR of B's, so A's share of the
  // W − 1 ways is MR / (MR + NR), rounded down; B's micro-panel gets the rest.
  const std::size_t l1_way = l1d.size_bytes / l1d.ways;
  const std::size_t a_ways = (l1d.ways - 1) * kMR / (kMR + kNR);
  const std::size_t b_ways = std::max<std::size_t>(1, l1d.ways - 1 - a_ways);
  Blocks blocks{};
  blocks.kc = std::max<std::size_t>(1, b_ways * l1_way / (kFloat * kNR));
  // L2: A's block gets the ways that B's micro-panel (streaming through) and C leave free.
  const std::size_t l2_way = l2.size_bytes / l2.ways;
  const std::size_t b_ways_l2 = (blocks.kc * kNR * kFloat + l2_way - 1) / l2_way;
  const std::size_t a_ways_l2 = l2.ways > b_ways_l2 + 1 ? l2.ways - 1 - b_ways_l2 : 1;
  blocks.mc = std::max(kMR, a_ways_l2 * l2_way / (kFloat * blocks.kc) / kMR * kMR);
  // L3 (shared with the other cores): half of it for B's panel.
  const std::size_t l3 = l3_bytes ? l3_bytes : std::size_t{8} << 20;
  blocks.nc = std::clamp(l3 / 2 / (kFloat * blocks.kc) / kNR * kNR, kNR, kMaxNC / kNR * kNR);
  return blocks;
}

}  // namespace accel::packed_kernel
