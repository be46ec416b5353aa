// Stage 05 reference — cache tiling: blocked transpose, the seed's tiled matmul, a tile
// autotuner, and a packed GEMM (Goto's algorithm, in BLIS's five loops) whose micro-kernel
// has an AVX-512, an AVX2+FMA, a NEON and a scalar path; the preprocessor picks one.

#include "tiling.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

#include "accel/cache_model.hpp"
#include "accel/cpu_info.hpp"
#include "accel/profiler.hpp"
#include "accel/tensor.hpp"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace accel::stage05 {
namespace {

void require_tile(const char* function, std::size_t tile) {
  if (tile == 0) throw std::invalid_argument(std::string(function) + ": tile must be at least 1, got 0");
}

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

constexpr std::size_t kMR = Simd::kMR, kNR = Simd::kNR, kVecs = kNR / Simd::kLanes;

// C[0..rows)[0..cols) = (or +=, with accumulate) the product of one packed MR×kc
// micro-panel of A (MR floats per k step) and one packed kc×NR micro-panel of B (NR floats
// per k step), of which it computes the first Vecs vectors' columns: an edge micro-panel of
// B one vector wide or less takes the 1-vector kernel, instead of computing zeros for the
// rest (at n = 1000 on AVX-512, 8 columns of the last 32: 2 % of all the work). The unroll
// pragmas let GCC keep acc in registers (see stage 02).
template <std::size_t Vecs>
void micro_kernel(std::size_t kc, const float* a, const float* b, float* c, std::size_t ldc, std::size_t rows,
                  std::size_t cols, bool accumulate) {
  Simd::Vec acc[kMR][Vecs];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < Vecs; ++v) acc[r][v] = Simd::zero();
  }
  // C's block is needed only after the k loop: ask for its lines now. When N is a power of
  // two its rows are a multiple of 4 KiB apart and share one L1 set, so they miss often.
  for (std::size_t r = 0; r < rows; ++r) {
    __builtin_prefetch(c + r * ldc, 1);
    __builtin_prefetch(c + r * ldc + cols - 1, 1);
  }
  // Four k steps per trip, as BLIS's kernels unroll theirs. A 6×16 AVX2 step is only six
  // cycles of FMAs, so loop overhead and the loop's placement show: on Zen 3, before the
  // build aligned loops to cache lines, one step per trip ran about 7 % slower at n = 1000;
  // with loops aligned the two are within the noise.
#pragma GCC unroll 4
  for (std::size_t k = 0; k < kc; ++k, a += kMR, b += kNR) {
    Simd::Vec b_row[Vecs];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < Vecs; ++v) b_row[v] = Simd::load(b + v * Simd::kLanes);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < kMR; ++r) {
      const Simd::Vec a_value = Simd::broadcast(a + r);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < Vecs; ++v) acc[r][v] = Simd::fma(a_value, b_row[v], acc[r][v]);
    }
  }
  if (rows == kMR && cols == Vecs * Simd::kLanes) {  // a whole block: straight into C
#pragma GCC unroll 16
    for (std::size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 4
      for (std::size_t v = 0; v < Vecs; ++v) {
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
    for (std::size_t v = 0; v < Vecs; ++v) Simd::store(block + r * kNR + v * Simd::kLanes, acc[r][v]);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < cols; ++j) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : 0.0f) + block[r * kNR + j];
  }
}

// B's kc×nc slice (rows ldb apart) as ⌈nc/NR⌉ micro-panels, each kc rows of NR floats in
// a row. Columns past nc are zeros: the micro-kernel computes them and they are dropped, but
// on defined numbers (uninitialized memory may hold denormals, which are slow). Copied row
// by row of B, so that the reads run along whole rows, which the prefetcher follows; a row
// of NR floats is kVecs vectors (a call to memcpy is not free).
void pack_b(const float* B, std::size_t ldb, std::size_t kc, std::size_t nc, float* packed) {
  const std::size_t full = nc / kNR * kNR;
  for (std::size_t k = 0; k < kc; ++k) {
    const float* b_row = B + k * ldb;
    for (std::size_t j = 0; j < full; j += kNR) {
#pragma GCC unroll 4
      for (std::size_t v = 0; v < kVecs; ++v) {
        Simd::store(packed + j * kc + k * kNR + v * Simd::kLanes, Simd::load(b_row + j + v * Simd::kLanes));
      }
    }
  }
  if (full == nc) return;
  float* panel = packed + full * kc;
  for (std::size_t k = 0; k < kc; ++k) {
    std::copy_n(B + k * ldb + full, nc - full, panel + k * kNR);
    std::fill(panel + k * kNR + nc - full, panel + (k + 1) * kNR, 0.0f);
  }
}

// A's mc×kc block (rows lda apart) as ⌈mc/MR⌉ micro-panels, each kc columns of MR floats
// (A transposed, MR rows at a time); rows past mc are zeros.
void pack_a(const float* A, std::size_t lda, std::size_t mc, std::size_t kc, float* packed) {
  for (std::size_t i = 0; i < mc; i += kMR) {
    const std::size_t rows = std::min(kMR, mc - i);
    float* panel = packed + i * kc;
    if (rows == kMR) {  // k outside: the MR rows' cache lines are fetched side by side, not row after row
      for (std::size_t k = 0; k < kc; ++k) {
#pragma GCC unroll 16
        for (std::size_t r = 0; r < kMR; ++r) panel[k * kMR + r] = A[(i + r) * lda + k];
      }
      continue;
    }
    for (std::size_t r = 0; r < rows; ++r) {
      const float* a_row = A + (i + r) * lda;
      for (std::size_t k = 0; k < kc; ++k) panel[k * kMR + r] = a_row[k];
    }
    for (std::size_t r = rows; r < kMR; ++r) {
      for (std::size_t k = 0; k < kc; ++k) panel[k * kMR + r] = 0.0f;
    }
  }
}

std::size_t round_up(std::size_t value, std::size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

// ---- the transpose's register block, one per instruction set ----
// A block of kBlockRows rows × kBlockCols columns of in: the rows loaded as vectors,
// transposed in registers by rounds of shuffles, stored as kBlockCols rows of out. Each
// stored row of out is kBlockRows floats, one whole cache line (64 bytes) when it is aligned:
// every line is read once and written once, which is all a transpose must do. `Stream`
// stores with non-temporal stores, which write a whole line to memory without reading it
// first (a plain store reads the line it writes into, write-allocate: a third of the traffic).

#if defined(__AVX512F__)
constexpr std::size_t kBlockRows = 16, kBlockCols = 16;
constexpr bool kCanStreamTranspose = true;

// 16×16: pairs of floats (unpack_ps), pairs of pairs (unpack_pd), then 128-bit quarters
// (shuffle_f32x4) twice; after the second round r[4q + k] holds columns k, k+4, k+8, k+12
// of rows 4q..4q+3, one per quarter.
template <bool Stream>
void transpose_register_block(const float* in, std::size_t ld_in, float* out, std::size_t ld_out) {
  __m512 r[16], t[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(in + i * ld_in);
#pragma GCC unroll 8
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 16; i += 4) {
    const __m512d a = _mm512_castps_pd(t[i]), b = _mm512_castps_pd(t[i + 1]);
    const __m512d c = _mm512_castps_pd(t[i + 2]), d = _mm512_castps_pd(t[i + 3]);
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  // t[k] and t[k + 4] (rows 0..7), t[k + 8] and t[k + 12] (rows 8..15): columns k and k + 8,
  // then k + 4 and k + 12, of the rows' two halves.
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) {
    t[k] = _mm512_shuffle_f32x4(r[k], r[k + 4], 0x88);
    t[k + 4] = _mm512_shuffle_f32x4(r[k], r[k + 4], 0xdd);
    t[k + 8] = _mm512_shuffle_f32x4(r[k + 8], r[k + 12], 0x88);
    t[k + 12] = _mm512_shuffle_f32x4(r[k + 8], r[k + 12], 0xdd);
  }
  auto store = [&](int column, __m512 v) {
    if constexpr (Stream) {
      _mm512_stream_ps(out + column * ld_out, v);
    } else {
      _mm512_storeu_ps(out + column * ld_out, v);
    }
  };
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) {
    store(k, _mm512_shuffle_f32x4(t[k], t[k + 8], 0x88));
    store(k + 8, _mm512_shuffle_f32x4(t[k], t[k + 8], 0xdd));
    store(k + 4, _mm512_shuffle_f32x4(t[k + 4], t[k + 12], 0x88));
    store(k + 12, _mm512_shuffle_f32x4(t[k + 4], t[k + 12], 0xdd));
  }
}
void finish_streaming_stores() { _mm_sfence(); }  // order them before what follows

#elif defined(__AVX2__) && defined(__FMA__)
// 16 rows × 8 columns: two 8×8 transposes, of rows 0..7 and of rows 8..15, whose columns are
// stored side by side, so each line of out is written by two streaming stores in a row.
// With one 8×8 block the two halves of a line came a block apart, eight half-lines open at
// once; when a write-combining buffer let one go early, memory got half a line, which it
// must read before it can merge it, and the transpose ran slower than with plain stores.
constexpr std::size_t kBlockRows = 16, kBlockCols = 8;
constexpr bool kCanStreamTranspose = true;

// 8×8: pairs of floats (unpack), groups of four (shuffle), then the 128-bit halves
// (permute2f128); column k of the 8 rows ends in column[k].
void transpose_8x8(const float* in, std::size_t ld_in, __m256 column[8]) {
  __m256 r[8], t[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(in + i * ld_in);
#pragma GCC unroll 4
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma GCC unroll 2
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) {
    column[k] = _mm256_permute2f128_ps(r[k], r[k + 4], 0x20);
    column[k + 4] = _mm256_permute2f128_ps(r[k], r[k + 4], 0x31);
  }
}

template <bool Stream>
void transpose_register_block(const float* in, std::size_t ld_in, float* out, std::size_t ld_out) {
  __m256 top[8], bottom[8];  // 16 registers: all that AVX2 has, so the compiler spills a few to L1
  transpose_8x8(in, ld_in, top);
  transpose_8x8(in + 8 * ld_in, ld_in, bottom);
  auto store = [](float* to, __m256 v) {
    if constexpr (Stream) {
      _mm256_stream_ps(to, v);
    } else {
      _mm256_storeu_ps(to, v);
    }
  };
#pragma GCC unroll 8
  for (int k = 0; k < 8; ++k) {
    store(out + k * ld_out, top[k]);
    store(out + k * ld_out + 8, bottom[k]);
  }
}
void finish_streaming_stores() { _mm_sfence(); }

#elif defined(__ARM_NEON) && defined(__aarch64__)
constexpr std::size_t kBlockRows = 4, kBlockCols = 4;
constexpr bool kCanStreamTranspose = false;

// 4×4: trn1/trn2 on pairs of rows, then the 64-bit halves recombined.
template <bool>
void transpose_register_block(const float* in, std::size_t ld_in, float* out, std::size_t ld_out) {
  const float32x4x2_t top = vtrnq_f32(vld1q_f32(in), vld1q_f32(in + ld_in));
  const float32x4x2_t bottom = vtrnq_f32(vld1q_f32(in + 2 * ld_in), vld1q_f32(in + 3 * ld_in));
  vst1q_f32(out, vcombine_f32(vget_low_f32(top.val[0]), vget_low_f32(bottom.val[0])));
  vst1q_f32(out + ld_out, vcombine_f32(vget_low_f32(top.val[1]), vget_low_f32(bottom.val[1])));
  vst1q_f32(out + 2 * ld_out, vcombine_f32(vget_high_f32(top.val[0]), vget_high_f32(bottom.val[0])));
  vst1q_f32(out + 3 * ld_out, vcombine_f32(vget_high_f32(top.val[1]), vget_high_f32(bottom.val[1])));
}
void finish_streaming_stores() {}

#else
constexpr std::size_t kBlockRows = 4, kBlockCols = 4;
constexpr bool kCanStreamTranspose = false;

template <bool>
void transpose_register_block(const float* in, std::size_t ld_in, float* out, std::size_t ld_out) {
  for (std::size_t i = 0; i < kBlockRows; ++i) {
    for (std::size_t j = 0; j < kBlockCols; ++j) out[j * ld_out + i] = in[i * ld_in + j];
  }
}
void finish_streaming_stores() {}
#endif

// The packing buffer, 64-byte aligned, grown when a product needs more than the last one.
float* packing_buffer(std::size_t floats) {
  static std::unique_ptr<float[], decltype(&std::free)> buffer(nullptr, &std::free);
  static std::size_t capacity = 0;
  if (floats > capacity) {
    buffer.reset(static_cast<float*>(std::aligned_alloc(64, round_up(floats * sizeof(float), 64))));
    if (!buffer) {
      capacity = 0;
      throw std::bad_alloc();
    }
    capacity = floats;
  }
  return buffer.get();
}

}  // namespace

void transpose_naive(const float* in, float* out, std::size_t rows, std::size_t cols) {
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) out[j * rows + i] = in[i * cols + j];
  }
}

void transpose_blocked(const float* in, float* out, std::size_t rows, std::size_t cols, std::size_t tile) {
  require_tile("transpose_blocked", tile);
  // Register blocks on a grid of their own, from (0, 0), so that each store of a block's row
  // starts where a cache line does when out does and rows is a multiple of kBlockRows;
  // tiles of whole blocks, walked tile by tile. A tile smaller than a block is one block.
  // Streaming stores only when out is past the last cache: in cache they would push out
  // the result its reader wants next.
  const std::size_t tile_rows = round_up(tile, kBlockRows), tile_cols = round_up(tile, kBlockCols);
  const std::size_t full_rows = rows / kBlockRows * kBlockRows, full_cols = cols / kBlockCols * kBlockCols;
  const bool stream = kCanStreamTranspose && rows % kBlockRows == 0 &&
                      reinterpret_cast<std::uintptr_t>(out) % 64 == 0 &&
                      rows * cols * sizeof(float) > accel::last_cache_bytes();
  for (std::size_t i0 = 0; i0 < full_rows; i0 += tile_rows) {
    const std::size_t i1 = std::min(i0 + tile_rows, full_rows);
    for (std::size_t j0 = 0; j0 < full_cols; j0 += tile_cols) {
      const std::size_t j1 = std::min(j0 + tile_cols, full_cols);
      // Down a column of blocks: each block writes the next line of the same kBlockCols
      // rows of out, so the stores to a row of out follow one another.
      for (std::size_t j = j0; j < j1; j += kBlockCols) {
        for (std::size_t i = i0; i < i1; i += kBlockRows) {
          if (stream) {
            transpose_register_block<true>(in + i * cols + j, cols, out + j * rows + i, rows);
          } else {
            transpose_register_block<false>(in + i * cols + j, cols, out + j * rows + i, rows);
          }
        }
      }
    }
  }
  if (stream) finish_streaming_stores();
  // The edges: the rows past full_rows, and the columns past full_cols of the rows above them.
  for (std::size_t i = full_rows; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) out[j * rows + i] = in[i * cols + j];
  }
  for (std::size_t i = 0; i < full_rows; ++i) {
    for (std::size_t j = full_cols; j < cols; ++j) out[j * rows + i] = in[i * cols + j];
  }
}

// Inside a block, i-k-j with four k's per pass over a row segment of C. Once the blocks
// are in cache, the plain i-k-j loop is bound by its traffic to C, a load and a store for
// every multiply-add (about 17 GFLOP/s on the lesson's Xeon even with all three matrices
// in L1); four k's at once load and store C once per four multiply-adds.
void matmul_tiled(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K,
                  std::size_t tile) {
  require_tile("matmul_tiled", tile);
  std::fill_n(C, M * N, 0.0f);
  for (std::size_t i0 = 0; i0 < M; i0 += tile) {
    const std::size_t i1 = i0 + std::min(tile, M - i0);
    for (std::size_t j0 = 0; j0 < N; j0 += tile) {
      const std::size_t j1 = j0 + std::min(tile, N - j0);
      for (std::size_t k0 = 0; k0 < K; k0 += tile) {
        const std::size_t k1 = k0 + std::min(tile, K - k0);
        // One block of C += a block of A · a block of B, in i-k-j order: the tile×tile block
        // of B is reused by every row i of the block while it is still in cache.
        for (std::size_t i = i0; i < i1; ++i) {
          float* c_row = C + i * N;
          const float* a_row = A + i * K;
          std::size_t k = k0;
          for (; k + 4 <= k1; k += 4) {
            const float a0 = a_row[k], a1 = a_row[k + 1], a2 = a_row[k + 2], a3 = a_row[k + 3];
            const float* b0 = B + k * N;
            const float *b1 = b0 + N, *b2 = b1 + N, *b3 = b2 + N;
            for (std::size_t j = j0; j < j1; ++j) c_row[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
          }
          for (; k < k1; ++k) {  // the block's last K mod 4 rows of B
            const float a_ik = a_row[k];
            const float* b_row = B + k * N;
            for (std::size_t j = j0; j < j1; ++j) c_row[j] += a_ik * b_row[j];
          }
        }
      }
    }
  }
}

TileChoice choose_tile(std::size_t n, std::span<const std::size_t> candidates, int repetitions) {
  if (n == 0) throw std::invalid_argument("choose_tile: n must be at least 1, got 0");
  if (candidates.empty()) throw std::invalid_argument("choose_tile: no candidate tiles to time");
  if (std::find(candidates.begin(), candidates.end(), std::size_t{0}) != candidates.end()) {
    throw std::invalid_argument("choose_tile: candidate tile 0 (a tile must be at least 1)");
  }
  if (repetitions < 1) {
    throw std::invalid_argument("choose_tile: repetitions must be at least 1, got " + std::to_string(repetitions));
  }
  const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
  Tensor c({n, n});
  const double flops = matmul_cost(n, n, n).flops;
  const Profiler profiler;
  TileChoice choice{candidates.front(), {}};
  double best = -1;
  for (const std::size_t tile : candidates) {
    const double ms = profiler.measure_latency(
        [&] { matmul_tiled(a.data(), b.data(), c.data(), n, n, n, tile); }, 1, repetitions);
    choice.sweep.push_back({tile, ms, gflops_per_second(flops, ms)});
    if (choice.sweep.back().gflops > best) {
      best = choice.sweep.back().gflops;
      choice.best_tile = tile;
    }
  }
  return choice;
}

Blocking packed_blocking(const CacheGeometry& l1d, const CacheGeometry& l2, std::size_t l3_bytes) {
  if (l1d.sets() == 0 || l2.sets() == 0) {
    throw std::invalid_argument("packed_blocking: a cache geometry needs a size, a line size and ways");
  }
  constexpr std::size_t kFloat = sizeof(float), kMaxNC = 4096;
  // The analytical model of BLIS (Low et al., ACM TOMS 2016): a block that must stay in a
  // set-associative cache gets whole ways of it, and one way is left for what streams past.
  // L1: B's kc×NR micro-panel, which every micro-panel of A in the block reuses, gets all of
  // it. The model would leave A's micro-panel a share of the ways, but A streams from L2
  // behind the prefetcher (MR floats per k step, 56 bytes per 28 FMAs), and a deeper kc
  // means fewer trips of C to L3 and back: C is read and written once per kc (on Zen 4's
  // 32 KiB L1, kc = 256 ran 6 % faster at n = 1024 than the 160 that A's share leaves).
  Blocking blocking{kMR, kNR, 0, 0, 0};
  blocking.kc = std::max<std::size_t>(1, l1d.size_bytes / (kFloat * kNR));
  // L2: A's block gets the ways that B's micro-panel (streaming through) and C leave free.
  const std::size_t l2_way = l2.size_bytes / l2.ways;
  const std::size_t b_ways_l2 = (blocking.kc * kNR * kFloat + l2_way - 1) / l2_way;
  const std::size_t a_ways_l2 = l2.ways > b_ways_l2 + 1 ? l2.ways - 1 - b_ways_l2 : 1;
  blocking.mc = std::max(kMR, a_ways_l2 * l2_way / (kFloat * blocking.kc) / kMR * kMR);
  // L3 (shared with the other cores): half of it for B's panel.
  const std::size_t l3 = l3_bytes ? l3_bytes : std::size_t{8} << 20;
  blocking.nc = std::clamp(l3 / 2 / (kFloat * blocking.kc) / kNR * kNR, kNR, kMaxNC / kNR * kNR);
  return blocking;
}

void matmul_packed(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    std::fill_n(C, M * N, 0.0f);
    return;
  }
  static const Blocking blocking = packed_blocking(l1d_geometry(), l2_geometry(), cpu_info().l3_bytes);
  const std::size_t KC = blocking.kc, MC = blocking.mc, NC = blocking.nc;
  // B's panel, then A's block, each starting on a cache line, in a buffer kept from call to
  // call: allocated per call, its pages would be faulted in again by every call (in a VM
  // that can cost 11 us a page, 5 ms for the 2 MiB of an n = 1024 product, half of it).
  const std::size_t b_floats = round_up(std::min(KC, K) * round_up(std::min(NC, N), kNR), 16);
  const std::size_t a_floats = std::min(KC, K) * round_up(std::min(MC, M), kMR);
  float* const packed_b = packing_buffer(b_floats + a_floats);
  float* const packed_a = packed_b + b_floats;

  for (std::size_t jc = 0; jc < N; jc += NC) {  // loop 5: a panel of NC columns
    const std::size_t nc = std::min(NC, N - jc);
    for (std::size_t pc = 0; pc < K; pc += KC) {  // loop 4: KC steps of k; B's panel to L3
      const std::size_t kc = std::min(KC, K - pc);
      pack_b(B + pc * N + jc, N, kc, nc, packed_b);
      for (std::size_t ic = 0; ic < M; ic += MC) {  // loop 3: a block of MC rows; A's block to L2
        const std::size_t mc = std::min(MC, M - ic);
        pack_a(A + ic * K + pc, K, mc, kc, packed_a);
        for (std::size_t jr = 0; jr < nc; jr += kNR) {  // loop 2: B's kc×NR micro-panel stays in L1
          for (std::size_t ir = 0; ir < mc; ir += kMR) {  // loop 1: A's micro-panels stream from L2
            const std::size_t rows = std::min(kMR, mc - ir), cols = std::min(kNR, nc - jr);
            float* const c = C + (ic + ir) * N + jc + jr;
            if (cols <= Simd::kLanes) {
              micro_kernel<1>(kc, packed_a + ir * kc, packed_b + jr * kc, c, N, rows, cols, pc > 0);
            } else {
              micro_kernel<kVecs>(kc, packed_a + ir * kc, packed_b + jr * kc, c, N, rows, cols, pc > 0);
            }
          }
        }
      }
    }
  }
}

}  // namespace accel::stage05
