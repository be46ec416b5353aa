// Stage 04 — unfused vs fused GELU. Replace each ACCEL_TODO with your implementation;
// the contract of every function is in gelu_fusion.hpp, the lesson in README.md.

#include "gelu_fusion.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

#include "accel/cpu_info.hpp"
#include "accel/todo.hpp"

namespace accel::stage04 {

Tensor gelu_unfused(const Tensor& x) {
  ACCEL_TODO();
}

void gelu_fused(std::span<const float> x, std::span<float> out) {
  ACCEL_TODO();
}

// The preprocessor picks the path this file is compiled for (accel::simd_path() in
// accel/cpu_info.hpp tells you which one that is). Fill in the branch your machine takes;
// the scalar fallback only has to be correct.
void gelu_fused_simd(std::span<const float> x, std::span<float> out) {
#if defined(__AVX2__) && defined(__FMA__)
  // AVX2+FMA: 8 floats per __m256 (_mm256_loadu_ps, _mm256_fmadd_ps, ...), then the tail.
  ACCEL_TODO();
#elif defined(__ARM_NEON) && defined(__aarch64__)
  // NEON: 4 floats per float32x4_t (vld1q_f32, vfmaq_f32, ...), then the tail.
  ACCEL_TODO();
#else
  // No SIMD on this build: the same algorithm one element at a time.
  ACCEL_TODO();
#endif
}

// The branches above are the ones accel::simd_path() names.
const char* gelu_fused_simd_path() { return accel::simd_path(); }

void bias_gelu(std::span<const float> x, std::span<const float> bias, std::span<float> out) {
  ACCEL_TODO();
}

std::size_t traffic_bytes_unfused(std::size_t n) {
  ACCEL_TODO();
}

std::size_t traffic_bytes_fused(std::size_t n) {
  ACCEL_TODO();
}

}  // namespace accel::stage04
