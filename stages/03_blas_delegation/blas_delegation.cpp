// Stage 03 — BLAS delegation. Replace each ACCEL_TODO with your implementation;
// the contract of every function is in blas_delegation.hpp, the lesson in README.md.
// You will need the BLAS header here: <cblas.h> (OpenBLAS) or <Accelerate/Accelerate.h>.

#include "blas_delegation.hpp"

#include "accel/todo.hpp"

namespace accel::stage03 {

void gemm(Transpose trans_a, Transpose trans_b, std::size_t M, std::size_t N, std::size_t K, float alpha,
          const float* A, std::size_t lda, const float* B,
          std::size_t ldb, float beta, float* C,
          std::size_t ldc) {
  ACCEL_TODO();
}

Tensor matmul_blas(const Tensor& a, const Tensor& b) {
  ACCEL_TODO();
}

Tensor linear(const Tensor& x, const Tensor& W, const Tensor& bias) {
  ACCEL_TODO();
}

std::size_t set_blas_threads(std::size_t n) {
  ACCEL_TODO();
}

}  // namespace accel::stage03
