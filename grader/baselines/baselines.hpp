#pragma once
// Grader-owned baseline kernels. Speed is graded as the ratio of one of these to the
// student's kernel, measured in the same run on the same machine, so the grade does not
// depend on how fast the student's laptop is. They are compiled with the course's flags.

#include <cstddef>

namespace accel::baselines {

// The textbook i-j-k triple loop, C = A·B, row-major, C overwritten.
void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// A fully connected layer written the obvious way: y = x·Wᵀ + b, one dot product of a row
// of x (batch × in) with a row of W (out × in) per output, starting from the bias.
// y is batch × out, row-major, overwritten.
void linear_naive(const float* x, const float* W, const float* bias, float* y, std::size_t batch, std::size_t in,
                  std::size_t out);

}  // namespace accel::baselines
