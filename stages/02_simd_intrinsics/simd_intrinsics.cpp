// Stage 02 — SIMD intrinsics. Replace each ACCEL_TODO with your implementation; the
// contract of every function is in simd_intrinsics.hpp, the lesson in README.md.
//
// Each task has one branch per instruction set. The compiler keeps exactly one of them:
// on an x86-64 laptop (built with -march=native) the AVX2+FMA branch, on Apple Silicon or
// any aarch64 machine the NEON branch, elsewhere the scalar one. You only need to write
// the branch your machine compiles (accel::simd_path() and the demo tell you which), but
// the scalar branch is the best place to start: get it right, then vectorize. (Graded on
// another instruction set than yours? See "Working on a Mac" in README.md.)

#include "simd_intrinsics.hpp"

#include <stdexcept>
#include <string>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#include "accel/todo.hpp"

namespace accel::stage02 {

void add_simd(std::span<const float> a, std::span<const float> b, std::span<float> out) {
#if defined(__AVX2__) && defined(__FMA__)
  // 8 floats per step: _mm256_loadu_ps, _mm256_add_ps, _mm256_storeu_ps; then the tail.
  ACCEL_TODO();
#elif defined(__ARM_NEON)
  // 4 floats per step: vld1q_f32, vaddq_f32, vst1q_f32; then the tail.
  ACCEL_TODO();
#else
  // Scalar fallback: one float per step.
  ACCEL_TODO();
#endif
}

float dot_simd(std::span<const float> a, std::span<const float> b) {
#if defined(__AVX2__) && defined(__FMA__)
  // Several __m256 accumulators, _mm256_fmadd_ps, then add them and sum the 8 lanes.
  ACCEL_TODO();
#elif defined(__ARM_NEON)
  // Several float32x4_t accumulators, vfmaq_f32, then add them and vaddvq_f32.
  ACCEL_TODO();
#else
  // Scalar fallback: several float accumulators help here too.
  ACCEL_TODO();
#endif
}

void matmul_simd(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
#if defined(__AVX2__) && defined(__FMA__)
  // A block of C rows × 16 columns in __m256 accumulators: _mm256_broadcast_ss for A,
  // _mm256_loadu_ps for B, _mm256_fmadd_ps; _mm256_maskload_ps/_mm256_maskstore_ps or
  // a scalar loop for the edge columns.
  ACCEL_TODO();
#elif defined(__ARM_NEON)
  // A block of C rows × 16 columns in float32x4_t accumulators: vfmaq_laneq_f32 (or
  // vfmaq_n_f32) with A, vld1q_f32 for B; a scalar loop for the edge columns.
  ACCEL_TODO();
#else
  // Scalar fallback: the i-k-j loop of stage 01 is fine here.
  ACCEL_TODO();
#endif
}

}  // namespace accel::stage02
