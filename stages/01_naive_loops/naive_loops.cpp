// Stage 01 — naive loops. Replace each ACCEL_TODO with your implementation;
// the contract of every function is in naive_loops.hpp, the lesson in README.md.

#include "naive_loops.hpp"

#include "accel/todo.hpp"

namespace accel::stage01 {

void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  ACCEL_TODO();
}

void matmul_ikj(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  ACCEL_TODO();
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  ACCEL_TODO();
}

void add(std::span<const float> a, std::span<const float> b, std::span<float> out) {
  ACCEL_TODO();
}

void relu(std::span<const float> x, std::span<float> out) {
  ACCEL_TODO();
}

}  // namespace accel::stage01
