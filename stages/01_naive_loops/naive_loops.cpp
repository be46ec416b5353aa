// Stage 01 — naive loops. Replace each ACCEL_TODO with your implementation;
// the contract of every function is in naive_loops.hpp, the lesson in README.md.

#include "naive_loops.hpp"

#include "accel/todo.hpp"

namespace accel::stage01 {

void matmul_ijk([[maybe_unused]] const float* A, [[maybe_unused]] const float* B, [[maybe_unused]] float* C,
                [[maybe_unused]] std::size_t M, [[maybe_unused]] std::size_t N, [[maybe_unused]] std::size_t K) {
  ACCEL_TODO("01", "matmul_ijk");
}

void matmul_ikj([[maybe_unused]] const float* A, [[maybe_unused]] const float* B, [[maybe_unused]] float* C,
                [[maybe_unused]] std::size_t M, [[maybe_unused]] std::size_t N, [[maybe_unused]] std::size_t K) {
  ACCEL_TODO("01", "matmul_ikj");
}

Tensor matmul([[maybe_unused]] const Tensor& a, [[maybe_unused]] const Tensor& b) {
  ACCEL_TODO("01", "matmul");
}

void add([[maybe_unused]] std::span<const float> a, [[maybe_unused]] std::span<const float> b,
         [[maybe_unused]] std::span<float> out) {
  ACCEL_TODO("01", "add");
}

void relu([[maybe_unused]] std::span<const float> x, [[maybe_unused]] std::span<float> out) {
  ACCEL_TODO("01", "relu");
}

}  // namespace accel::stage01
