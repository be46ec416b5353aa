#pragma once
// Grader-owned baseline kernels. Speed is graded as the ratio of one of these to the
// student's kernel, measured in the same run on the same machine, so the grade does not
// depend on how fast the student's laptop is. They are compiled with the course's flags.

#include <cstddef>

namespace accel::baselines {

// The textbook i-j-k triple loop, C = A·B, row-major, C overwritten.
void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

}  // namespace accel::baselines
