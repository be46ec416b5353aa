#include "baselines.hpp"

namespace accel::baselines {

void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < K; ++k) sum += A[i * K + k] * B[k * N + j];
      C[i * N + j] = sum;
    }
  }
}

void linear_naive(const float* x, const float* W, const float* bias, float* y, std::size_t batch, std::size_t in,
                  std::size_t out) {
  for (std::size_t r = 0; r < batch; ++r) {
    for (std::size_t o = 0; o < out; ++o) {
      float sum = bias[o];
      for (std::size_t i = 0; i < in; ++i) sum += x[r * in + i] * W[o * in + i];
      y[r * out + o] = sum;
    }
  }
}

}  // namespace accel::baselines
