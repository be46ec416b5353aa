// Stage 03 public tests: gemm, matmul_blas, linear, set_blas_threads.

#include "blas_delegation.hpp"

#include <climits>
#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "accel/blas_info.hpp"
#include "accel/check.hpp"

namespace {

using accel::Shape;
using accel::Tensor;
using accel::stage03::Transpose;
namespace check = accel::check;
namespace s03 = accel::stage03;

constexpr double kUnitRoundoff = 0x1p-24;  // float32

// γ_n = n·u / (1 − n·u): the componentwise error bound of an n-term float32 sum, in any order.
double gamma(std::size_t n) { return double(n) * kUnitRoundoff / (1 - double(n) * kUnitRoundoff); }

// got[i] within bound[i] of expected[i], reporting the first miss as (row, col).
::testing::AssertionResult within_bound(const float* got, std::size_t rows, std::size_t cols, std::size_t ld,
                                        const std::vector<double>& expected, const std::vector<double>& bound) {
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      const double g = got[i * ld + j], e = expected[i * cols + j];
      if (!(std::abs(g - e) <= bound[i * cols + j])) {
        return ::testing::AssertionFailure() << "first wrong element at (" << i << ", " << j << "): expected " << e
                                             << ", got " << g << " (allowed error " << bound[i * cols + j] << ")";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

std::string yes_no(Transpose t) { return t == Transpose::yes ? "yes" : "no"; }

// ---------------------------------------------------------------------------------------- gemm

struct GemmShape {
  std::size_t m, n, k;
};
void PrintTo(const GemmShape& s, std::ostream* out) { *out << "M=" << s.m << " N=" << s.n << " K=" << s.k; }

// 1, odd, non-square, ±1 around 8 (floats per AVX2 register) and 16 and 64 (kernel and
// block edges of common GEMM kernels), K = 0 and empty outputs.
const std::vector<GemmShape> kShapes = {{1, 1, 1},    {2, 3, 4},    {7, 9, 5},   {8, 8, 8},   {9, 7, 15},
                                        {15, 17, 16}, {17, 33, 3},  {63, 65, 64}, {65, 64, 63}, {1, 130, 7},
                                        {130, 1, 7},  {3, 5, 0},    {0, 5, 3},   {4, 0, 2}};

using GemmCase = std::tuple<Transpose, Transpose, GemmShape>;
class Gemm : public ::testing::TestWithParam<GemmCase> {};

std::string gemm_case_name(const ::testing::TestParamInfo<GemmCase>& info) {
  const auto& [ta, tb, s] = info.param;
  return std::string(ta == Transpose::yes ? "T" : "N") + (tb == Transpose::yes ? "T" : "N") + "_" +
         std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
}

// Runs gemm on seeded random operands stored with the given transposes and `pad` extra
// floats per row, and checks every element of C, the padding between rows of C (must be
// untouched) and the guard cells after C.
void check_gemm(Transpose ta, Transpose tb, GemmShape s, std::size_t pad, float alpha, float beta) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE("gemm(trans_a=" + yes_no(ta) + ", trans_b=" + yes_no(tb) + ") M=" + std::to_string(s.m) +
               " N=" + std::to_string(s.n) + " K=" + std::to_string(s.k) + ", row padding " + std::to_string(pad) +
               ", alpha=" + std::to_string(alpha) + " beta=" + std::to_string(beta) + ", " + check::seed_note(seed));
  const bool ta_ = ta == Transpose::yes, tb_ = tb == Transpose::yes;
  const std::size_t a_rows = ta_ ? s.k : s.m, a_cols = ta_ ? s.m : s.k;
  const std::size_t b_rows = tb_ ? s.n : s.k, b_cols = tb_ ? s.k : s.n;
  const std::size_t lda = a_cols + pad, ldb = b_cols + pad, ldc = s.n + pad;
  const Tensor a = Tensor::random({a_rows * lda}, seed), b = Tensor::random({b_rows * ldb}, seed + 1);
  const Tensor c0 = Tensor::random({s.m * ldc}, seed + 2);
  check::GuardedBuffer c(s.m * ldc);
  std::copy(c0.data(), c0.data() + c0.size(), c.data());

  s03::gemm(ta, tb, s.m, s.n, s.k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);

  // op(A)(i, p) and op(B)(p, j), read from the stored (possibly transposed, padded) layout.
  const auto op_a = [&](std::size_t i, std::size_t p) { return double(a.data()[ta_ ? p * lda + i : i * lda + p]); };
  const auto op_b = [&](std::size_t p, std::size_t j) { return double(b.data()[tb_ ? j * ldb + p : p * ldb + j]); };
  std::vector<double> expected(s.m * s.n), bound(s.m * s.n);
  for (std::size_t i = 0; i < s.m; ++i) {
    for (std::size_t j = 0; j < s.n; ++j) {
      double sum = 0, magnitude = 0;
      for (std::size_t p = 0; p < s.k; ++p) {
        sum += op_a(i, p) * op_b(p, j);
        magnitude += std::abs(op_a(i, p) * op_b(p, j));
      }
      const double c_old = beta == 0 ? 0 : double(c0.data()[i * ldc + j]);
      expected[i * s.n + j] = double(alpha) * sum + double(beta) * c_old;
      bound[i * s.n + j] = gamma(s.k + 2) * (std::abs(alpha) * magnitude + std::abs(beta * c_old)) + 1e-30;
    }
  }
  EXPECT_TRUE(within_bound(c.data(), s.m, s.n, ldc, expected, bound));
  for (std::size_t i = 0; i < s.m; ++i) {
    for (std::size_t j = s.n; j < ldc; ++j) {
      ASSERT_EQ(c.data()[i * ldc + j], c0.data()[i * ldc + j])
          << "gemm wrote C(" << i << ", " << j << "), in the padding between N = " << s.n << " and ldc = " << ldc;
    }
  }
  EXPECT_TRUE(c.guards_intact());
}

TEST_P(Gemm, MatchesDoubleReference) {
  const auto& [ta, tb, shape] = GetParam();
  for (std::size_t pad : {0, 3}) {
    check_gemm(ta, tb, shape, pad, 1.0f, 0.0f);
    check_gemm(ta, tb, shape, pad, -0.5f, 2.0f);
  }
}
INSTANTIATE_TEST_SUITE_P(Sizes, Gemm,
                         ::testing::Combine(::testing::Values(Transpose::no, Transpose::yes),
                                            ::testing::Values(Transpose::no, Transpose::yes),
                                            ::testing::ValuesIn(kShapes)),
                         gemm_case_name);

TEST(Gemm, HandChecked2x2WithTransposes) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  const struct {
    Transpose ta, tb;
    std::vector<float> expected;
  } cases[] = {{Transpose::no, Transpose::no, {19, 22, 43, 50}},
               {Transpose::yes, Transpose::no, {26, 30, 38, 44}},
               {Transpose::no, Transpose::yes, {17, 23, 39, 53}},
               {Transpose::yes, Transpose::yes, {23, 31, 34, 46}}};
  for (const auto& c : cases) {
    float out[4] = {};
    s03::gemm(c.ta, c.tb, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, out, 2);
    EXPECT_EQ(std::vector<float>(out, out + 4), c.expected)
        << "A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]], trans_a=" << yes_no(c.ta) << " trans_b=" << yes_no(c.tb);
  }
}

TEST(Gemm, AlphaAndBetaHandChecked) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  float c[] = {1, 1, 1, 1};
  s03::gemm(Transpose::no, Transpose::no, 2, 2, 2, 2.0f, a, 2, b, 2, -1.0f, c, 2);
  EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{37, 43, 85, 99})) << "C = 2·A·B − C";
}

TEST(Gemm, BetaZeroDiscardsNaNInC) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  float c[] = {nan, nan, nan, nan};
  s03::gemm(Transpose::no, Transpose::no, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{19, 22, 43, 50}))
      << "with beta = 0, C's old contents must not be read (BLAS semantics), even if they are NaN";
}

TEST(Gemm, KZeroLeavesBetaTimesC) {
  float c[] = {1, 2, 3, 4, 5, 6};
  s03::gemm(Transpose::no, Transpose::no, 2, 3, 0, 1.0f, nullptr, 0, nullptr, 3, 0.5f, c, 3);
  EXPECT_EQ(std::vector<float>(c, c + 6), (std::vector<float>{0.5f, 1, 1.5f, 2, 2.5f, 3})) << "K = 0, beta = 0.5";
  s03::gemm(Transpose::no, Transpose::no, 2, 3, 0, 1.0f, nullptr, 0, nullptr, 3, 0.0f, c, 3);
  EXPECT_EQ(std::vector<float>(c, c + 6), (std::vector<float>(6, 0.0f))) << "K = 0, beta = 0";
}

TEST(Gemm, NaNAndInfinityPropagate) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  // Row 0 of A holds NaN: row 0 of C is NaN. Row 1 holds +inf against a positive column
  // (+inf) and against a zero (inf·0 = NaN).
  const float a[] = {nan, 1, inf, 1};
  const float b[] = {1, 0, 1, 1};
  float c[4] = {};
  s03::gemm(Transpose::no, Transpose::no, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  EXPECT_TRUE(std::isnan(c[0]) && std::isnan(c[1])) << "NaN in A(0, 0) must reach C(0, 0) and C(0, 1), got "
                                                     << c[0] << ", " << c[1];
  EXPECT_EQ(c[2], inf) << "C(1, 0) = inf·1 + 1·1";
  EXPECT_TRUE(std::isnan(c[3])) << "C(1, 1) = inf·0 + 1·1 is NaN, got " << c[3];
}

TEST(Gemm, LeadingDimensionTooSmallIsRejected) {
  std::vector<float> a(64), b(64), c(64);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [&] { s03::gemm(Transpose::no, Transpose::no, 5, 2, 4, 1, a.data(), 3, b.data(), 2, 0, c.data(), 2); },
      "lda = 3"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(  // A stored K×M = 4×5: rows are 5 long
      [&] { s03::gemm(Transpose::yes, Transpose::no, 5, 2, 4, 1, a.data(), 4, b.data(), 2, 0, c.data(), 2); },
      "lda = 4"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [&] { s03::gemm(Transpose::no, Transpose::no, 5, 3, 4, 1, a.data(), 4, b.data(), 2, 0, c.data(), 3); },
      "ldb = 2"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [&] { s03::gemm(Transpose::no, Transpose::no, 5, 3, 4, 1, a.data(), 4, b.data(), 3, 0, c.data(), 2); },
      "ldc = 2"));
}

TEST(Gemm, SizeBeyondBlasIntIsRejected) {
  const std::size_t huge = std::size_t(INT_MAX) + 1;
  float one = 0;
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [&] { s03::gemm(Transpose::no, Transpose::no, huge, 1, 1, 1, &one, 1, &one, 1, 0, &one, 1); },
      std::to_string(huge)));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [&] { s03::gemm(Transpose::no, Transpose::no, 1, 1, 1, 1, &one, huge, &one, 1, 0, &one, 1); },
      std::to_string(huge)));
}

// --------------------------------------------------------------------------------- matmul_blas

class MatmulBlas : public ::testing::TestWithParam<GemmShape> {};

std::string shape_name(const ::testing::TestParamInfo<GemmShape>& info) {
  return std::to_string(info.param.m) + "x" + std::to_string(info.param.n) + "x" + std::to_string(info.param.k);
}

// Checks a (batch, M, N) result entry by entry against the double reference; a_stride or
// b_stride 0 means that operand is broadcast.
void check_batches(const Tensor& c, const Tensor& a, const Tensor& b, std::size_t batch, std::size_t m,
                   std::size_t n, std::size_t k, std::size_t a_stride, std::size_t b_stride) {
  for (std::size_t i = 0; i < batch; ++i) {
    SCOPED_TRACE("batch entry " + std::to_string(i));
    EXPECT_TRUE(check::gemm_close(std::span<const float>(c.data() + i * m * n, m * n), a.data() + i * a_stride,
                                  b.data() + i * b_stride, m, n, k));
  }
}

TEST(MatmulBlas, HandChecked2x2) {
  const Tensor c = s03::matmul_blas(Tensor{{1, 2}, {3, 4}}, Tensor{{5, 6}, {7, 8}});
  ASSERT_EQ(c.shape(), (Shape{2, 2}));
  EXPECT_EQ(std::vector<float>(c.data(), c.data() + 4), (std::vector<float>{19, 22, 43, 50}));
}

TEST_P(MatmulBlas, MatchesDoubleReference) {
  const GemmShape s = GetParam();
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE("matmul_blas (" + std::to_string(s.m) + ", " + std::to_string(s.k) + ") @ (" + std::to_string(s.k) +
               ", " + std::to_string(s.n) + "), " + check::seed_note(seed));
  const Tensor a = Tensor::random({s.m, s.k}, seed), b = Tensor::random({s.k, s.n}, seed + 1);
  const Tensor c = s03::matmul_blas(a, b);
  ASSERT_EQ(c.shape(), (Shape{s.m, s.n}));
  EXPECT_TRUE(check::gemm_close(c.span(), a.data(), b.data(), s.m, s.n, s.k));
}
INSTANTIATE_TEST_SUITE_P(Sizes, MatmulBlas, ::testing::ValuesIn(kShapes), shape_name);

struct BatchCase {
  Shape a, b, c;
};

TEST(MatmulBlas, BatchedAndBroadcastShapes) {
  const std::uint64_t seed = check::seed();
  const BatchCase cases[] = {
      {{2, 3, 4}, {2, 4, 5}, {2, 3, 5}},    // batched, the seed course's case
      {{3, 4}, {2, 4, 5}, {2, 3, 5}},       // matrix broadcast on the left, the seed course's case
      {{2, 3, 4}, {4, 5}, {2, 3, 5}},       // matrix broadcast on the right
      {{3, 17, 9}, {3, 9, 33}, {3, 17, 33}},
      {{17, 9}, {5, 9, 33}, {5, 17, 33}},
      {{5, 17, 9}, {9, 33}, {5, 17, 33}},
      {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}},
  };
  for (const BatchCase& t : cases) {
    SCOPED_TRACE("matmul_blas " + accel::shape_string(t.a) + " @ " + accel::shape_string(t.b) + ", " +
                 check::seed_note(seed));
    const Tensor a = Tensor::random(t.a, seed), b = Tensor::random(t.b, seed + 1);
    const Tensor c = s03::matmul_blas(a, b);
    ASSERT_EQ(c.shape(), t.c) << "result shape";
    const std::size_t m = t.c[1], n = t.c[2], k = t.a.back();
    check_batches(c, a, b, t.c[0], m, n, k, t.a.size() == 3 ? m * k : 0, t.b.size() == 3 ? k * n : 0);
  }
}

TEST(MatmulBlas, EmptyShapes) {
  EXPECT_EQ(s03::matmul_blas(Tensor({0, 3}), Tensor({3, 4})).shape(), (Shape{0, 4}));
  EXPECT_EQ(s03::matmul_blas(Tensor({0, 3, 4}), Tensor({0, 4, 5})).shape(), (Shape{0, 3, 5}));
  EXPECT_EQ(s03::matmul_blas(Tensor({3, 4}), Tensor({0, 4, 5})).shape(), (Shape{0, 3, 5}));
  // K = 0: every element is an empty sum, 0.
  for (const auto& [a, b] : {std::pair{Shape{2, 0}, Shape{0, 3}}, std::pair{Shape{2, 2, 0}, Shape{2, 0, 3}},
                             std::pair{Shape{2, 0}, Shape{4, 0, 3}}}) {
    const Tensor c = s03::matmul_blas(Tensor(a), Tensor(b));
    for (std::size_t i = 0; i < c.size(); ++i) {
      ASSERT_EQ(c.data()[i], 0.0f) << accel::shape_string(a) << " @ " << accel::shape_string(b) << ": element " << i;
    }
  }
}

TEST(MatmulBlas, LargeK) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE("matmul_blas (5, 40000) @ (40000, 3), " + check::seed_note(seed));
  const Tensor a = Tensor::random({5, 40000}, seed), b = Tensor::random({40000, 3}, seed + 1);
  const Tensor c = s03::matmul_blas(a, b);
  ASSERT_EQ(c.shape(), (Shape{5, 3}));
  EXPECT_TRUE(check::gemm_close(c.span(), a.data(), b.data(), 5, 3, 40000));
}

TEST(MatmulBlas, NaNStaysInItsRow) {
  Tensor a = Tensor::random({4, 6}, 7);
  const Tensor b = Tensor::random({6, 5}, 8);
  a(2, 3) = std::numeric_limits<float>::quiet_NaN();
  const Tensor c = s03::matmul_blas(a, b);
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 5; ++j) {
      EXPECT_EQ(std::isnan(c(i, j)), i == 2) << "a(2, 3) is NaN; C(" << i << ", " << j << ") = " << c(i, j);
    }
  }
}

TEST(MatmulBlas, RankOneIsRejected) {
  const Tensor vector({4}), matrix({4, 4});
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s03::matmul_blas(vector, matrix); }, "(4) @ (4, 4)"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s03::matmul_blas(matrix, vector); }, "(4, 4) @ (4)"));
}

TEST(MatmulBlas, ShapeMismatchNamesBothShapes) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [] { s03::matmul_blas(Tensor({128, 256}), Tensor({128, 512})); }, "shape mismatch: (128, 256) @ (128, 512)"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [] { s03::matmul_blas(Tensor({2, 3, 4}), Tensor({2, 5, 5})); }, "shape mismatch: (2, 3, 4) @ (2, 5, 5)"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [] { s03::matmul_blas(Tensor({3, 4}), Tensor({2, 5, 6})); }, "shape mismatch: (3, 4) @ (2, 5, 6)"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [] { s03::matmul_blas(Tensor({2, 3, 4}), Tensor({5, 6})); }, "shape mismatch: (2, 3, 4) @ (5, 6)"));
}

TEST(MatmulBlas, BatchMismatchNamesBothShapes) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [] { s03::matmul_blas(Tensor({2, 3, 4}), Tensor({3, 4, 5})); }, "(2, 3, 4) @ (3, 4, 5)"));
}

// -------------------------------------------------------------------------------------- linear

struct LinearShape {
  std::size_t batch, in, out;
};
void PrintTo(const LinearShape& s, std::ostream* out) {
  *out << "batch=" << s.batch << " in=" << s.in << " out=" << s.out;
}
class Linear : public ::testing::TestWithParam<LinearShape> {};

// y = x·Wᵀ + bias against the double reference, with the componentwise bound.
void check_linear(LinearShape s, std::uint64_t seed) {
  SCOPED_TRACE("linear x (" + std::to_string(s.batch) + ", " + std::to_string(s.in) + "), W (" +
               std::to_string(s.out) + ", " + std::to_string(s.in) + "), bias (" + std::to_string(s.out) + "), " +
               check::seed_note(seed));
  const Tensor x = Tensor::random({s.batch, s.in}, seed), w = Tensor::random({s.out, s.in}, seed + 1);
  const Tensor bias = Tensor::random({s.out}, seed + 2, -5.0f, 5.0f);
  const Tensor y = s03::linear(x, w, bias);
  ASSERT_EQ(y.shape(), (Shape{s.batch, s.out}));
  std::vector<double> expected(s.batch * s.out), bound(s.batch * s.out);
  for (std::size_t r = 0; r < s.batch; ++r) {
    for (std::size_t o = 0; o < s.out; ++o) {
      double sum = bias.data()[o], magnitude = std::abs(double(bias.data()[o]));
      for (std::size_t i = 0; i < s.in; ++i) {
        const double term = double(x.data()[r * s.in + i]) * double(w.data()[o * s.in + i]);
        sum += term;
        magnitude += std::abs(term);
      }
      expected[r * s.out + o] = sum;
      bound[r * s.out + o] = gamma(s.in + 1) * magnitude;
    }
  }
  EXPECT_TRUE(within_bound(y.data(), s.batch, s.out, s.out, expected, bound));
}

TEST(Linear, HandChecked) {
  const Tensor y = s03::linear(Tensor{{1, 2}, {3, 4}}, Tensor{{1, 0}, {0, 1}, {1, 1}}, Tensor({3}, {10, 20, 30}));
  ASSERT_EQ(y.shape(), (Shape{2, 3}));
  EXPECT_EQ(std::vector<float>(y.data(), y.data() + 6), (std::vector<float>{11, 22, 33, 13, 24, 37}))
      << "x = [[1, 2], [3, 4]], W = [[1, 0], [0, 1], [1, 1]], bias = [10, 20, 30]";
}

TEST(Linear, ZeroInputGivesTheBiasOnce) {
  const Tensor bias({3}, {1.5f, -2, 7});
  for (std::size_t in : {0, 5}) {
    const Tensor y = s03::linear(Tensor({4, in}), Tensor::random({3, in}, 1), bias);
    for (std::size_t r = 0; r < 4; ++r) {
      for (std::size_t o = 0; o < 3; ++o) {
        ASSERT_EQ(y(r, o), bias(o)) << "x is all zeros (in = " << in << "), so y(" << r << ", " << o
                                    << ") must be bias(" << o << ")";
      }
    }
  }
}

TEST_P(Linear, MatchesDoubleReference) { check_linear(GetParam(), check::seed()); }
INSTANTIATE_TEST_SUITE_P(Sizes, Linear,
                         ::testing::Values(LinearShape{1, 1, 1}, LinearShape{1, 7, 5}, LinearShape{3, 16, 17},
                                           LinearShape{8, 15, 9}, LinearShape{33, 64, 65}, LinearShape{65, 63, 64},
                                           LinearShape{2, 30000, 3}, LinearShape{0, 4, 3}, LinearShape{4, 3, 0},
                                           LinearShape{4, 0, 3}),
                         [](const ::testing::TestParamInfo<LinearShape>& info) {
                           return std::to_string(info.param.batch) + "x" + std::to_string(info.param.in) + "to" +
                                  std::to_string(info.param.out);
                         });

TEST(Linear, ShapeErrorsNameTheShapes) {
  const auto rejects = [](Shape x, Shape w, Shape b, const std::string& expected) {
    return check::throws_with<std::invalid_argument>([&] { s03::linear(Tensor(x), Tensor(w), Tensor(b)); },
                                                     expected);
  };
  EXPECT_TRUE(rejects({32, 256}, {128, 512}, {128}, "x (32, 256), W (128, 512)"));
  EXPECT_TRUE(rejects({32, 256}, {128, 256}, {7}, "bias (7)"));
  EXPECT_TRUE(rejects({256}, {128, 256}, {128}, "x (256)"));
  EXPECT_TRUE(rejects({2, 32, 256}, {128, 256}, {128}, "x (2, 32, 256)"));
  EXPECT_TRUE(rejects({32, 256}, {128, 256}, {1, 128}, "bias (1, 128)"));
}

// ---------------------------------------------------------------------------- set_blas_threads

bool threaded_openblas() {
  const std::string& vendor = accel::blas_vendor();
  return vendor.rfind("OpenBLAS", 0) == 0 && vendor.find("(serial)") == std::string::npos;
}

TEST(SetBlasThreads, ZeroIsRejected) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s03::set_blas_threads(0); }, "0"));
}

TEST(SetBlasThreads, ReturnsWhatTheLibraryReports) {
  for (std::size_t n : {1, 2, 1}) {
    const std::size_t got = s03::set_blas_threads(n);
    if (threaded_openblas()) {
      EXPECT_EQ(got, n) << "set_blas_threads(" << n << ") on " << accel::blas_vendor();
      EXPECT_EQ(accel::current_blas_threads(), int(n)) << "the library itself reports a different count";
    } else {
      EXPECT_LE(got, n) << "set_blas_threads(" << n << ") must not claim more threads than asked for";
    }
  }
}

TEST(SetBlasThreads, MatmulIsCorrectOnEveryThreadCount) {
  const std::uint64_t seed = check::seed();
  const Tensor a = Tensor::random({129, 257}, seed), b = Tensor::random({257, 131}, seed + 1);
  for (std::size_t threads : {1, 2, 3}) {
    SCOPED_TRACE("matmul_blas (129, 257) @ (257, 131) on " + std::to_string(threads) + " BLAS thread(s), " +
                 check::seed_note(seed));
    s03::set_blas_threads(threads);
    const Tensor c = s03::matmul_blas(a, b);
    EXPECT_TRUE(check::gemm_close(c.span(), a.data(), b.data(), 129, 131, 257));
  }
  s03::set_blas_threads(1);
}

}  // namespace
