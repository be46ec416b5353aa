// Stage 01 reference — naive loops.

#include "naive_loops.hpp"

#include <stdexcept>

#include "accel/validate.hpp"

namespace accel::stage01 {

void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      // B is walked down a column: a stride of N floats per step, so every load touches
      // a new cache line once N·4 bytes exceeds 64, and nothing can be vectorized.
      float sum = 0.0f;
      for (std::size_t k = 0; k < K; ++k) sum += A[i * K + k] * B[k * N + j];
      C[i * N + j] = sum;
    }
  }
}

void matmul_ikj(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  for (std::size_t i = 0; i < M; ++i) {
    float* c_row = C + i * N;
    for (std::size_t j = 0; j < N; ++j) c_row[j] = 0.0f;
    for (std::size_t k = 0; k < K; ++k) {
      // One A element scales a whole row of B into a row of C: both rows are contiguous,
      // so this loop becomes 8-wide FMAs (AVX2) or 4-wide (NEON) under -O3.
      const float a_ik = A[i * K + k];
      const float* b_row = B + k * N;
      for (std::size_t j = 0; j < N; ++j) c_row[j] += a_ik * b_row[j];
    }
  }
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.rank() != 2 || b.rank() != 2) {
    throw std::invalid_argument("matmul needs two matrices (rank 2), got " + a.shape_string() + " @ " +
                                b.shape_string());
  }
  if (a.dim(1) != b.dim(0)) {
    throw std::invalid_argument("shape mismatch: " + a.shape_string() + " @ " + b.shape_string());
  }
  Tensor c({a.dim(0), b.dim(1)});
  matmul_ikj(a.data(), b.data(), c.data(), a.dim(0), b.dim(1), a.dim(1));
  return c;
}

void add(std::span<const float> a, std::span<const float> b, std::span<float> out) {
  require_same_length("add", a.size(), b.size());
  require_same_length("add", a.size(), out.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i] + b[i];
}

void relu(std::span<const float> x, std::span<float> out) {
  require_same_length("relu", x.size(), out.size());
  // x > 0 is false for NaN, so NaN is tested first to pass it through; -0.0 becomes +0.
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = (x[i] > 0.0f || x[i] != x[i]) ? x[i] : 0.0f;
}

}  // namespace accel::stage01
