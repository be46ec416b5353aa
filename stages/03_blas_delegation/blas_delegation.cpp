// Stage 03 — BLAS delegation. Replace each ACCEL_TODO with your implementation;
// the contract of every function is in blas_delegation.hpp, the lesson in README.md.
// You will need the BLAS header here: <cblas.h> (OpenBLAS) or <Accelerate/Accelerate.h>.

#include "blas_delegation.hpp"

#include "accel/todo.hpp"

namespace accel::stage03 {

void gemm([[maybe_unused]] Transpose trans_a, [[maybe_unused]] Transpose trans_b, [[maybe_unused]] std::size_t M,
          [[maybe_unused]] std::size_t N, [[maybe_unused]] std::size_t K, [[maybe_unused]] float alpha,
          [[maybe_unused]] const float* A, [[maybe_unused]] std::size_t lda, [[maybe_unused]] const float* B,
          [[maybe_unused]] std::size_t ldb, [[maybe_unused]] float beta, [[maybe_unused]] float* C,
          [[maybe_unused]] std::size_t ldc) {
  ACCEL_TODO("03", "gemm");
}

Tensor matmul_blas([[maybe_unused]] const Tensor& a, [[maybe_unused]] const Tensor& b) {
  ACCEL_TODO("03", "matmul_blas");
}

Tensor linear([[maybe_unused]] const Tensor& x, [[maybe_unused]] const Tensor& W, [[maybe_unused]] const Tensor& bias) {
  ACCEL_TODO("03", "linear");
}

std::size_t set_blas_threads([[maybe_unused]] std::size_t n) {
  ACCEL_TODO("03", "set_blas_threads");
}

}  // namespace accel::stage03
