#include "accel/blis_gemm.hpp"

#include <blis.h>

namespace accel {

void blis_sgemm(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  float one = 1.0f, zero = 0.0f;
  // Row-major: a row stride of the row's length, a column stride of 1.
  bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, dim_t(M), dim_t(N), dim_t(K), &one, const_cast<float*>(A),
            inc_t(K), 1, const_cast<float*>(B), inc_t(N), 1, &zero, C, inc_t(N), 1);
}

std::string blis_kernels() { return bli_arch_string(bli_arch_query_id()); }

}  // namespace accel
