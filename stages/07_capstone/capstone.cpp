// Stage 07 — the capstone: a transformer MLP block, profiled. Replace each ACCEL_TODO with
// your implementation; the contract of every function is in capstone.hpp, the lesson in
// README.md. You will need the BLAS header here: <cblas.h> (OpenBLAS) or
// <Accelerate/Accelerate.h>, and your vector GELU from stage 04 (copy it: stages never link
// each other).

#include "capstone.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

#include "accel/todo.hpp"

namespace accel::stage07 {

// Task 1.
Tensor mlp_naive(const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2, const Tensor& b2) {
  ACCEL_TODO();
}

// Task 2. The preprocessor picks the branch this file is compiled for; fill in the one your
// machine takes and make bias_gelu_path name what you wrote (8-lane AVX2 code in the AVX-512
// branch is fine: then it is "AVX2+FMA"). The scalar fallback only has to be correct.
void bias_gelu(std::span<float> h, std::span<const float> bias) {
#if defined(__AVX512F__)
  // AVX-512: 16 floats per __m512; masked loads and stores (_mm512_maskz_loadu_ps,
  // _mm512_mask_storeu_ps) handle a row's tail.
  ACCEL_TODO();
#elif defined(__AVX2__) && defined(__FMA__)
  // AVX2+FMA: 8 floats per __m256, then each row's tail.
  ACCEL_TODO();
#elif defined(__ARM_NEON) && defined(__aarch64__)
  // NEON: 4 floats per float32x4_t, then each row's tail.
  ACCEL_TODO();
#else
  // No SIMD on this build: the same algorithm one element at a time.
  ACCEL_TODO();
#endif
}

const char* bias_gelu_path() {
  ACCEL_TODO();
}

// Task 3.
std::span<float> MlpWorkspace::hidden(std::size_t rows, std::size_t d_ff) {
  ACCEL_TODO("MlpWorkspace::hidden");
}

void mlp_fast(const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2, const Tensor& b2,
              MlpWorkspace& workspace, Tensor& y) {
  ACCEL_TODO();
}

// Task 4.
std::array<OpCost, 3> mlp_region_costs(MlpVariant variant, std::size_t batch, std::size_t d_model, std::size_t d_ff) {
  ACCEL_TODO();
}

MlpProfile profile_mlp(MlpVariant variant, const Tensor& x, const Tensor& W1, const Tensor& b1,
                       const Tensor& W2, const Tensor& b2,
                       std::size_t rounds) {
  ACCEL_TODO();
}

}  // namespace accel::stage07
