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
Tensor mlp_naive([[maybe_unused]] const Tensor& x, [[maybe_unused]] const Tensor& W1,
                 [[maybe_unused]] const Tensor& b1, [[maybe_unused]] const Tensor& W2,
                 [[maybe_unused]] const Tensor& b2) {
  ACCEL_TODO("07", "mlp_naive");
}

// Task 2. The preprocessor picks the branch this file is compiled for; fill in the one your
// machine takes and make bias_gelu_path name what you wrote (8-lane AVX2 code in the AVX-512
// branch is fine: then it is "AVX2+FMA"). The scalar fallback only has to be correct.
void bias_gelu([[maybe_unused]] std::span<float> h, [[maybe_unused]] std::span<const float> bias) {
#if defined(__AVX512F__)
  // AVX-512: 16 floats per __m512; masked loads and stores (_mm512_maskz_loadu_ps,
  // _mm512_mask_storeu_ps) handle a row's tail.
  ACCEL_TODO("07", "bias_gelu");
#elif defined(__AVX2__) && defined(__FMA__)
  // AVX2+FMA: 8 floats per __m256, then each row's tail.
  ACCEL_TODO("07", "bias_gelu");
#elif defined(__ARM_NEON) && defined(__aarch64__)
  // NEON: 4 floats per float32x4_t, then each row's tail.
  ACCEL_TODO("07", "bias_gelu");
#else
  // No SIMD on this build: the same algorithm one element at a time.
  ACCEL_TODO("07", "bias_gelu");
#endif
}

const char* bias_gelu_path() {
  ACCEL_TODO("07", "bias_gelu_path");
}

// Task 3.
std::span<float> MlpWorkspace::hidden([[maybe_unused]] std::size_t rows, [[maybe_unused]] std::size_t d_ff) {
  ACCEL_TODO("07", "MlpWorkspace::hidden");
}

void mlp_fast([[maybe_unused]] const Tensor& x, [[maybe_unused]] const Tensor& W1, [[maybe_unused]] const Tensor& b1,
              [[maybe_unused]] const Tensor& W2, [[maybe_unused]] const Tensor& b2,
              [[maybe_unused]] MlpWorkspace& workspace, [[maybe_unused]] Tensor& y) {
  ACCEL_TODO("07", "mlp_fast");
}

// Task 4.
std::array<OpCost, 3> mlp_region_costs([[maybe_unused]] MlpVariant variant, [[maybe_unused]] std::size_t batch,
                                       [[maybe_unused]] std::size_t d_model, [[maybe_unused]] std::size_t d_ff) {
  ACCEL_TODO("07", "mlp_region_costs");
}

MlpProfile profile_mlp([[maybe_unused]] MlpVariant variant, [[maybe_unused]] const Tensor& x,
                       [[maybe_unused]] const Tensor& W1, [[maybe_unused]] const Tensor& b1,
                       [[maybe_unused]] const Tensor& W2, [[maybe_unused]] const Tensor& b2,
                       [[maybe_unused]] std::size_t rounds) {
  ACCEL_TODO("07", "profile_mlp");
}

}  // namespace accel::stage07
