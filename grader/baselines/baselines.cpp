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

}  // namespace accel::baselines
