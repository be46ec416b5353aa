// Stage 03 reference — BLAS delegation: every product is one cblas_sgemm call (or one per
// batch entry); this file only translates shapes, strides and layouts and checks them.

#include "blas_delegation.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#include <cstdlib>
#else
#include <cblas.h>
#endif

namespace accel::stage03 {
namespace {

// cblas takes int (32-bit on LP64 OpenBLAS and Accelerate): a larger size_t would wrap
// into a negative or small dimension and compute on the wrong memory.
int blas_int(std::size_t value, const char* name) {
  if (value > std::size_t(INT_MAX)) {
    throw std::invalid_argument(std::string("gemm: ") + name + " = " + std::to_string(value) +
                                " does not fit BLAS's int (at most " + std::to_string(INT_MAX) + ")");
  }
  return int(value);
}

// A leading dimension must cover a whole stored row. BLAS also insists on ld ≥ 1 even for
// an empty matrix (its Fortran heritage), which callers need not know: we round up.
int leading_dimension(std::size_t ld, std::size_t row_length, std::size_t rows, const char* name,
                      const char* matrix) {
  if (ld < row_length) {
    throw std::invalid_argument(std::string("gemm: ") + name + " = " + std::to_string(ld) + " is less than " +
                                std::to_string(row_length) + ", the row length of " + matrix + " as stored (" +
                                std::to_string(rows) + "×" + std::to_string(row_length) + ")");
  }
  return blas_int(std::max<std::size_t>(ld, 1), name);
}

CBLAS_TRANSPOSE cblas_op(Transpose t) { return t == Transpose::yes ? CblasTrans : CblasNoTrans; }

}  // namespace

void gemm(Transpose trans_a, Transpose trans_b, std::size_t M, std::size_t N, std::size_t K, float alpha,
          const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc) {
  const bool ta = trans_a == Transpose::yes, tb = trans_b == Transpose::yes;
  const int m = blas_int(M, "M"), n = blas_int(N, "N"), k = blas_int(K, "K");
  // Row-major A (M×K) is, to column-major BLAS, Aᵀ stored K×M with leading dimension lda;
  // CblasRowMajor makes the library do that reinterpretation, so the lds are row lengths.
  const int a_ld = leading_dimension(lda, ta ? M : K, ta ? K : M, "lda", "A");
  const int b_ld = leading_dimension(ldb, tb ? K : N, tb ? N : K, "ldb", "B");
  const int c_ld = leading_dimension(ldc, N, M, "ldc", "C");
  if (M == 0 || N == 0) return;  // nothing to write; BLAS would return too
  cblas_sgemm(CblasRowMajor, cblas_op(trans_a), cblas_op(trans_b), m, n, k, alpha, A, a_ld, B, b_ld, beta, C, c_ld);
}

Tensor matmul_blas(const Tensor& a, const Tensor& b) {
  const auto both = [&] { return a.shape_string() + " @ " + b.shape_string(); };
  if (a.rank() < 2 || b.rank() < 2) {
    throw std::invalid_argument("matmul_blas needs rank-2 or rank-3 operands, got " + both());
  }
  const std::size_t M = a.dim(a.rank() - 2), K = a.dim(a.rank() - 1);
  const std::size_t K2 = b.dim(b.rank() - 2), N = b.dim(b.rank() - 1);
  if (K != K2) throw std::invalid_argument("shape mismatch: " + both());
  if (a.rank() == 3 && b.rank() == 3 && a.dim(0) != b.dim(0)) {
    throw std::invalid_argument("batch mismatch: " + both());
  }

  if (a.rank() == 2 && b.rank() == 2) {
    Tensor c({M, N});
    gemm(Transpose::no, Transpose::no, M, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, c.data(), N);
    return c;
  }
  const std::size_t batch = a.rank() == 3 ? a.dim(0) : b.dim(0);  // the rank-3 operand's
  Tensor c({batch, M, N});
  if (b.rank() == 2) {
    // (B, M, K) @ (K, N): the batches of A are consecutive rows, so this is one
    // (B·M, K) @ (K, N) product — one large GEMM instead of B small ones.
    gemm(Transpose::no, Transpose::no, batch * M, N, K, 1.0f, a.data(), K, b.data(), N, 0.0f, c.data(), N);
    return c;
  }
  // B's batch entries sit side by side only in memory, not in one matrix BLAS could
  // address with a leading dimension, so each entry is its own call. A broadcast A is
  // the same pointer every time (stride 0).
  const std::size_t a_stride = a.rank() == 3 ? M * K : 0;
  for (std::size_t i = 0; i < batch; ++i) {
    gemm(Transpose::no, Transpose::no, M, N, K, 1.0f, a.data() + i * a_stride, K, b.data() + i * K * N, N, 0.0f,
         c.data() + i * M * N, N);
  }
  return c;
}

Tensor linear(const Tensor& x, const Tensor& W, const Tensor& bias) {
  const auto shapes = [&] {
    return "x " + x.shape_string() + ", W " + W.shape_string() + ", bias " + bias.shape_string();
  };
  if (x.rank() != 2 || W.rank() != 2 || bias.rank() != 1) {
    throw std::invalid_argument("linear needs x (batch, in), W (out, in) and bias (out), got " + shapes());
  }
  const std::size_t batch = x.dim(0), in = x.dim(1), out = W.dim(0);
  if (W.dim(1) != in || bias.dim(0) != out) throw std::invalid_argument("linear: shape mismatch: " + shapes());

  // beta = 1 accumulates x·Wᵀ onto y, so y starts as the bias in every row: the bias add
  // costs no extra pass over y. W (out × in, row-major) is read as Wᵀ by CblasTrans.
  Tensor y({batch, out});
  for (std::size_t r = 0; r < batch; ++r) std::copy(bias.data(), bias.data() + out, y.data() + r * out);
  gemm(Transpose::no, Transpose::yes, batch, out, in, 1.0f, x.data(), in, W.data(), in, 1.0f, y.data(), out);
  return y;
}

std::size_t set_blas_threads(std::size_t n) {
  if (n == 0) throw std::invalid_argument("set_blas_threads: n must be at least 1, got 0");
#if defined(ACCEL_BLAS_ACCELERATE)
  // Accelerate has no thread-count API. macOS 15 added a per-thread choice between one
  // thread and "Accelerate decides"; before that, only VECLIB_MAXIMUM_THREADS, read when
  // the library starts its threads, so setting it here helps only before the first call.
#if defined(__clang__) && defined(__MAC_15_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_15_0
  if (__builtin_available(macOS 15.0, *)) {
    const bool single = n == 1;
    BLASSetThreading(single ? BLAS_THREADING_SINGLE_THREADED : BLAS_THREADING_MULTI_THREADED);
    return single ? 1 : 0;
  }
#endif
  setenv("VECLIB_MAXIMUM_THREADS", std::to_string(n).c_str(), 1);
  return 0;
#else
  openblas_set_num_threads(int(std::min<std::size_t>(n, INT_MAX)));
  // A serial OpenBLAS ignores the request and keeps reporting 1: say what is true.
  return std::size_t(openblas_get_num_threads());
#endif
}

}  // namespace accel::stage03
