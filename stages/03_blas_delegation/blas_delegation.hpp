#pragma once
// Stage 03 — BLAS delegation. Read-only: write your code in blas_delegation.cpp.
// All matrices are row-major float32: element (i, j) of an R×C matrix stored with a
// leading dimension ld (ld ≥ C floats between the starts of consecutive rows) is at [i * ld + j].
// The BLAS is OpenBLAS on Linux (#include <cblas.h>) and Accelerate on macOS
// (#include <Accelerate/Accelerate.h>); the build defines ACCEL_BLAS_OPENBLAS or
// ACCEL_BLAS_ACCELERATE for this stage's source so you can tell them apart.

#include <cstddef>

#include "accel/tensor.hpp"

namespace accel::stage03 {

enum class Transpose { no, yes };

// Task 1. C = alpha·op(A)·op(B) + beta·C with one call to cblas_sgemm, where op(X) is X
// or Xᵀ as trans_a / trans_b say. op(A) is M×K, op(B) is K×N, C is M×N.
//   A is stored M×K (Transpose::no) or K×M (Transpose::yes), rows lda floats apart;
//   B is stored K×N (Transpose::no) or N×K (Transpose::yes), rows ldb floats apart;
//   C is stored M×N, rows ldc floats apart; the floats between N and ldc are not touched.
// As in BLAS: beta == 0 overwrites C without reading it (NaN in C is discarded), and
// K == 0 or alpha == 0 leaves C = beta·C. Any of M, N, K may be 0.
// Errors (std::invalid_argument, thrown before any memory is read):
//   a leading dimension smaller than the row length of its matrix as stored, naming it —
//   e.g. "gemm: lda = 3 is less than 4, the row length of A as stored (5×4)";
//   a size or leading dimension that does not fit BLAS's int, naming it.
void gemm(Transpose trans_a, Transpose trans_b, std::size_t M, std::size_t N, std::size_t K, float alpha,
          const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc);

// Task 2. The Tensor matmul on BLAS, with the shapes NumPy's matmul accepts for rank 2–3:
//   (M, K)    @ (K, N)    -> (M, N)
//   (B, M, K) @ (B, K, N) -> (B, M, N)   batched: one product per batch entry
//   (M, K)    @ (B, K, N) -> (B, M, N)   the matrix is broadcast against every batch entry
//   (B, M, K) @ (K, N)    -> (B, M, N)   likewise (hint: this one is a single GEMM)
// Errors (std::invalid_argument, naming both shapes):
//   an operand of rank 1:   "matmul_blas needs rank-2 or rank-3 operands, got (4) @ (4, 4)"
//   inner dimensions differ: "shape mismatch: (2, 3, 4) @ (2, 5, 5)"
//   batch sizes differ:     "batch mismatch: (2, 3, 4) @ (3, 4, 5)"
Tensor matmul_blas(const Tensor& a, const Tensor& b);

// Task 3. A fully connected layer, y = x·Wᵀ + bias, as PyTorch's nn.Linear stores it:
// x is (batch, in), W is (out, in), bias is (out); y is (batch, out). The transpose and
// the bias are done by sgemm itself: W is passed with CblasTrans (no transposed copy),
// and y is pre-filled with the bias in every row and accumulated into with beta = 1.
// batch, in and out may be 0 (in == 0 gives y = bias in every row).
// Errors (std::invalid_argument naming the shapes): x or W not rank 2, bias not rank 1,
// x's columns ≠ W's columns, or bias length ≠ W's rows — e.g.
// "linear: shape mismatch: x (32, 256), W (128, 512), bias (128)".
Tensor linear(const Tensor& x, const Tensor& W, const Tensor& bias);

// Task 4. Ask the BLAS to use n threads for its following calls (process-wide; call it
// between BLAS calls, not during one). Returns the thread count the library reports
// afterwards: n on a threaded OpenBLAS, 1 on a serial build, and on Accelerate 1 when a
// single thread could be requested (macOS 15+) or 0 meaning "Accelerate decides".
// n == 0 → std::invalid_argument.
std::size_t set_blas_threads(std::size_t n);

}  // namespace accel::stage03
