#pragma once
// Stage 05 — cache tiling. Read-only: write your code in tiling.cpp.
// All matrices are row-major float32: element (i, j) of an R×C matrix is at [i * C + j].
// Every kernel overwrites its output (never accumulates into it), accepts any size
// including 0, assumes no alignment, and writes nothing outside its output.

#include <cstddef>
#include <span>
#include <vector>

#include "accel/cache_model.hpp"

namespace accel::stage05 {

// Task 1a. out = inᵀ: in is rows×cols, out is cols×rows, out[j * rows + i] = in[i * cols + j].
// Rows of `in` outermost, so the reads walk along a row and the writes walk down a
// column of out, one cache line per element. in and out must not overlap.
void transpose_naive(const float* in, float* out, std::size_t rows, std::size_t cols);

// Task 1b. The same result, one tile×tile block at a time: the block's rows of `in` and
// its rows of `out` stay in cache until the block is done. Edge blocks are partial;
// tile may exceed rows or cols (one block then covers the whole matrix). Tiles alone fix
// the caches, not the one-float loads and stores: the speed check wants each tile moved
// in register blocks (16 rows × 8 columns with AVX2, 16×16 with AVX-512, 4×4 with
// NEON), as the reference does (README, "A transpose" and its Hint 3).
// tile == 0 → std::invalid_argument (its message says "tile").
void transpose_blocked(const float* in, float* out, std::size_t rows, std::size_t cols, std::size_t tile);

// Task 2. C = A·B with loops over tile×tile blocks of C's rows (i), C's columns (j) and
// the inner dimension (k), and the i-k-j order of stage 01 inside a block (the seed's
// tiled_matmul; the reference also takes four k's per pass, README Hint 4). A is M×K, B
// is K×N, C is M×N. Blocks at the edges are partial; tile may exceed M, N or K; K = 0
// gives C = 0. tile == 0 → std::invalid_argument (its message says "tile").
void matmul_tiled(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K,
                  std::size_t tile);

// Task 3. An autotuner for matmul_tiled on this machine. For each candidate tile, in the
// order given: time matmul_tiled on seeded random n×n matrices (one untimed warm-up
// call, then `repetitions` timed calls; the median counts) and record it in `sweep`.
// best_tile is the candidate with the highest GFLOP/s (the first one on a tie).
// std::invalid_argument before anything is timed, its message naming what is wrong:
// "n" when n == 0, "candidates" when there are none, "tile 0" for a candidate of 0,
// "repetitions" when repetitions < 1.
struct TileTiming {
  std::size_t tile;
  double milliseconds;  // median of the timed calls
  double gflops;        // 2·n³ / time
};
struct TileChoice {
  std::size_t best_tile;
  std::vector<TileTiming> sweep;  // one entry per candidate, in the order given
};
TileChoice choose_tile(std::size_t n, std::span<const std::size_t> candidates, int repetitions = 3);

// Task 4a. The block sizes of matmul_packed, in elements, from the geometry of this
// machine's caches: accel::l1d_geometry(), accel::l2_geometry() and the L3 size in bytes
// (accel::cpu_info().l3_bytes; 0 means unknown, take 8 MiB). mr × nr is the register block
// of the micro-kernel this build compiles; the other three make each packed block fit the
// cache it is meant to stay in:
//   kc ≥ 1,                 kc·nr·4 ≤ L1d size   a kc×nr micro-panel of B, in L1
//   mc a multiple of mr,    mc·kc·4 ≤ L2 size    the packed mc×kc block of A, in L2
//   nc a multiple of nr,    kc·nc·4 ≤ L3 size    the packed kc×nc panel of B, in L3,
//                           and nc ≤ 4096        (a buffer of a few MiB at most)
// except that mc ≥ mr and nc ≥ nr however small the cache. They must follow the caches: a
// bigger L1 never gives a smaller kc. README.md derives the reference's choice, which gives
// each block whole ways of its cache. std::invalid_argument for a geometry without sets.
struct Blocking {
  std::size_t mr, nr, kc, mc, nc;
};
Blocking packed_blocking(const CacheGeometry& l1d, const CacheGeometry& l2, std::size_t l3_bytes);

// Task 4b. C = A·B the way BLAS libraries do it (Goto's algorithm, as BLIS writes it), with
// the blocking packed_blocking() gives for this machine's caches:
//   for each NC-wide panel of columns:        (loop 5)
//     for each KC-deep slice of k:            (loop 4)  pack B's KC×NC panel
//       for each MC-high block of rows:       (loop 3)  pack A's MC×KC block
//         for each NR-wide column strip:      (loop 2)
//           for each MR-high row strip:       (loop 1)  micro-kernel: an MR×NR block of C
//                                                       in registers for KC steps
// Packing copies a block into a contiguous buffer in the order the micro-kernel reads it,
// padded with zeros to whole MR×KC and KC×NR micro-panels, so the micro-kernel never
// needs an edge case; only the write of an edge block of C is partial. Reads nothing
// outside A and B, writes nothing outside C. A is M×K, B is K×N, C is M×N; K = 0 gives
// C = 0. NaN and inf propagate as IEEE arithmetic says, each only into the rows and
// columns of C it belongs to.
void matmul_packed(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// Which micro-kernel the preprocessor selects for this build, in this order of preference.
constexpr const char* micro_kernel_path() {
#if defined(__AVX512F__)
  return "AVX-512";
#elif defined(__AVX2__) && defined(__FMA__)
  return "AVX2+FMA";
#elif defined(__ARM_NEON) && defined(__aarch64__)
  return "NEON";
#else
  return "scalar";
#endif
}

}  // namespace accel::stage05
