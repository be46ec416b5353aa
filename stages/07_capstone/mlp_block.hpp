#pragma once
// The course's MLP block as the demo and the lesson bench run it: d_model 512, d_ff 2048,
// seeded weights, and its two products as bare sgemm calls, the yardstick of the grader's
// overhead check. BLAS here is the programs' (they link it to compare with); the stage
// library itself calls it only through your mlp_fast.

#include <cstddef>

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#include "accel/tensor.hpp"

namespace accel::stage07 {

constexpr std::size_t kDModel = 512, kDFf = 2048;

// x (batch × d_model) and the weights, seeded: the same block in every program.
struct MlpBlock {
  Tensor x, W1, b1, W2, b2;
  explicit MlpBlock(std::size_t batch)
      : x(Tensor::random({batch, kDModel}, 1)), W1(Tensor::random({kDFf, kDModel}, 2, -0.09f, 0.09f)),
        b1(Tensor::random({kDFf}, 3)), W2(Tensor::random({kDModel, kDFf}, 4, -0.04f, 0.04f)),
        b2(Tensor::random({kDModel}, 5)) {}
};

// h = x·W1ᵀ and y = h·W2ᵀ, both beta = 0: no bias, no GELU.
inline void two_sgemm_calls(const MlpBlock& b, Tensor& h, Tensor& y) {
  const int B = int(b.x.dim(0)), D = int(kDModel), F = int(kDFf);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, F, D, 1, b.x.data(), D, b.W1.data(), D, 0, h.data(), F);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, D, F, 1, h.data(), F, b.W2.data(), F, 0, y.data(), D);
}

}  // namespace accel::stage07
