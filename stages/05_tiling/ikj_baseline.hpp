#pragma once
// Stage 01's i-k-j loop on n×n matrices, re-implemented here (stages never link each
// other): the baseline the demo and the bench measure tiling against.

#include <algorithm>
#include <cstddef>

namespace accel::stage05 {

[[gnu::noinline]] inline void matmul_ikj_baseline(const float* A, const float* B, float* C, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    float* c_row = C + i * n;
    std::fill(c_row, c_row + n, 0.0f);
    for (std::size_t k = 0; k < n; ++k) {
      const float a_ik = A[i * n + k];
      for (std::size_t j = 0; j < n; ++j) c_row[j] += a_ik * B[k * n + j];
    }
  }
}

}  // namespace accel::stage05
