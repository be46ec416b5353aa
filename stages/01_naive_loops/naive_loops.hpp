#pragma once
// Stage 01 — naive loops. Read-only: write your code in naive_loops.cpp.
// All matrices are row-major float32: element (i, j) of an R×C matrix is at [i * C + j].

#include <cstddef>
#include <span>

#include "accel/tensor.hpp"

namespace accel::stage01 {

// Task 1. C = A·B with the textbook triple loop, i over rows of C, j over columns of C,
// k innermost: C[i][j] = Σ_k A[i][k]·B[k][j]. A is M×K, B is K×N, C is M×N and is
// overwritten (not accumulated into). Any size may be 0.
void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// Task 2. The same product with the loops interchanged to i, k, j: the innermost loop
// walks a row of B and a row of C with stride 1, which the compiler can vectorize.
// Same shapes and contract as matmul_ijk.
void matmul_ikj(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// Task 3. The Tensor entry point: a (M, K) @ b (K, N) -> new (M, N) tensor, computed
// with matmul_ikj. Both must be rank 2, else std::invalid_argument naming the shape;
// inner dimensions must agree, else std::invalid_argument with the message
// "shape mismatch: (M, K) @ (K2, N)" — for example "shape mismatch: (128, 256) @ (128, 512)".
Tensor matmul(const Tensor& a, const Tensor& b);

// Task 4. out[i] = a[i] + b[i]. All three spans must have the same length, else
// std::invalid_argument naming the lengths. The memory-bound baseline later stages use.
void add(std::span<const float> a, std::span<const float> b, std::span<float> out);

// Task 5. out[i] = max(x[i], 0), with NaN passed through as NaN (as PyTorch does) and
// -0.0 giving 0. Lengths must match, else std::invalid_argument naming them.
void relu(std::span<const float> x, std::span<float> out);

}  // namespace accel::stage01
