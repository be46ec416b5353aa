// Stage 05 — cache tiling. Replace each ACCEL_TODO with your implementation; the contract
// of every function is in tiling.hpp, the lesson in README.md.
//
// matmul_packed's micro-kernel has one branch per instruction set, like stage 02; the
// compiler keeps exactly one (micro_kernel_path() in tiling.hpp, and the demo, say which).
// You only need to write the branch your machine compiles. The scalar branch is the place
// to get the packing and the five loops right; then vectorize the micro-kernel.

#include "tiling.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

#include "accel/cache_model.hpp"
#include "accel/cpu_info.hpp"
#include "accel/profiler.hpp"
#include "accel/tensor.hpp"
#include "accel/todo.hpp"

namespace accel::stage05 {

void transpose_naive(const float* in, float* out, std::size_t rows, std::size_t cols) {
  ACCEL_TODO();
}

void transpose_blocked(const float* in, float* out, std::size_t rows, std::size_t cols, std::size_t tile) {
  // First the plain tiles, until the tests pass; then a register block per ISA, as in
  // matmul_packed below: AVX2 8 rows of _mm256_loadu_ps, _mm256_unpacklo/hi_ps,
  // _mm256_shuffle_ps, _mm256_permute2f128_ps, 8 stores (two such blocks one above the
  // other once you stream: README, Hint 3); AVX-512 the same with 16 rows;
  // NEON vtrn1q/vtrn2q_f32 on 4 rows. The plain loop finishes the edges.
  ACCEL_TODO();
}

void matmul_tiled(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K,
                  std::size_t tile) {
  ACCEL_TODO();
}

TileChoice choose_tile(std::size_t n, std::span<const std::size_t> candidates, int repetitions) {
  // accel::Tensor::random for the inputs, accel::Profiler::measure_latency for the median
  // (accel/profiler.hpp also has matmul_cost and gflops_per_second).
  ACCEL_TODO();
}

Blocking packed_blocking(const CacheGeometry& l1d, const CacheGeometry& l2, std::size_t l3_bytes) {
  // mr and nr are your micro-kernel's register block: decide them first (see the README).
  // CacheGeometry (accel/cache_model.hpp) has size_bytes, line_bytes, ways and sets().
  ACCEL_TODO();
}

void matmul_packed(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
#if defined(__AVX512F__)
  // 32 zmm registers of 16 floats (__m512): a 14×32 block of C in 28 accumulators, 2 for
  // the row of B, 1 for the broadcast of A (31 of 32); _mm512_loadu_ps for B,
  // _mm512_set1_ps for A, _mm512_fmadd_ps. (The AVX2 kernel below
  // also compiles here, at about half the speed.)
  ACCEL_TODO();
#elif defined(__AVX2__) && defined(__FMA__)
  // 16 ymm registers of 8 floats (__m256): a 6×16 block of C in 12 accumulators,
  // _mm256_loadu_ps for B, _mm256_broadcast_ss for A, _mm256_fmadd_ps.
  ACCEL_TODO();
#elif defined(__ARM_NEON) && defined(__aarch64__)
  // 32 registers of 4 floats (float32x4_t): an 8×12 block of C in 24 accumulators,
  // vld1q_f32 for B, vfmaq_laneq_f32 (or vfmaq_n_f32) with A.
  ACCEL_TODO();
#else
  // Scalar fallback: a 4×4 block of C in 16 float accumulators.
  ACCEL_TODO();
#endif
}

}  // namespace accel::stage05
