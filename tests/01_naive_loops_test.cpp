// Stage 01 public tests: matmul_ijk, matmul_ikj, matmul, add, relu.

#include "naive_loops.hpp"

#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accel/check.hpp"

namespace {

using accel::Tensor;
namespace check = accel::check;
namespace s01 = accel::stage01;

using Kernel = void (*)(const float*, const float*, float*, std::size_t, std::size_t, std::size_t);

struct GemmShape {
  std::size_t m, n, k;
};
void PrintTo(const GemmShape& s, std::ostream* out) { *out << "M=" << s.m << " N=" << s.n << " K=" << s.k; }

std::string shape_name(const ::testing::TestParamInfo<GemmShape>& info) {
  return std::to_string(info.param.m) + "x" + std::to_string(info.param.n) + "x" + std::to_string(info.param.k);
}

// Runs a kernel on seeded random A and B, into a C pre-filled with garbage (so a kernel
// that accumulates instead of overwriting fails), and checks C and the guard cells.
void check_kernel(Kernel kernel, const char* name, GemmShape s) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE(std::string(name) + " with M=" + std::to_string(s.m) + " N=" + std::to_string(s.n) +
               " K=" + std::to_string(s.k) + ", " + check::seed_note(seed));
  const Tensor a = Tensor::random({s.m, s.k}, seed);
  const Tensor b = Tensor::random({s.k, s.n}, seed + 1);
  check::GuardedBuffer c(s.m * s.n, 0, 1234.5f);
  kernel(a.data(), b.data(), c.data(), s.m, s.n, s.k);
  EXPECT_TRUE(check::gemm_close(c.span(), a.data(), b.data(), s.m, s.n, s.k));
  EXPECT_TRUE(c.guards_intact());
}

// 1, odd, non-square, ±1 around 8 (the floats in one AVX2 register) and 64 (a common tile
// edge), K = 0 (C must become all zeros) and empty outputs.
const std::vector<GemmShape> kShapes = {
    {1, 1, 1},   {2, 3, 4},   {7, 9, 5},    {8, 8, 8},    {9, 7, 15},   {7, 8, 9},  {17, 33, 3},
    {63, 65, 64}, {64, 63, 65}, {65, 64, 63}, {1, 130, 7}, {130, 1, 7}, {3, 5, 0},  {0, 5, 3}, {4, 0, 2}};

// [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]: small integers, so exact in any order.
void check_hand_checked_2x2(Kernel kernel) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  float c[4] = {};
  kernel(a, b, c, 2, 2, 2);
  EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{19, 22, 43, 50}));
}

class MatmulIjk : public ::testing::TestWithParam<GemmShape> {};
class MatmulIkj : public ::testing::TestWithParam<GemmShape> {};

TEST(MatmulIjk, HandChecked2x2) { check_hand_checked_2x2(s01::matmul_ijk); }
TEST_P(MatmulIjk, MatchesDoubleReference) { check_kernel(s01::matmul_ijk, "matmul_ijk", GetParam()); }
INSTANTIATE_TEST_SUITE_P(Sizes, MatmulIjk, ::testing::ValuesIn(kShapes), shape_name);

TEST(MatmulIkj, HandChecked2x2) { check_hand_checked_2x2(s01::matmul_ikj); }
TEST_P(MatmulIkj, MatchesDoubleReference) { check_kernel(s01::matmul_ikj, "matmul_ikj", GetParam()); }
INSTANTIATE_TEST_SUITE_P(Sizes, MatmulIkj, ::testing::ValuesIn(kShapes), shape_name);

TEST(Matmul, HandChecked2x2) {
  const Tensor c = s01::matmul(Tensor{{1, 2}, {3, 4}}, Tensor{{5, 6}, {7, 8}});
  ASSERT_EQ(c.shape(), (accel::Shape{2, 2}));
  EXPECT_EQ(std::vector<float>(c.data(), c.data() + 4), (std::vector<float>{19, 22, 43, 50}));
}

TEST(Matmul, NonSquareRandom) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE("matmul (33, 17) @ (17, 65), " + check::seed_note(seed));
  const Tensor a = Tensor::random({33, 17}, seed), b = Tensor::random({17, 65}, seed + 1);
  const Tensor c = s01::matmul(a, b);
  ASSERT_EQ(c.shape(), (accel::Shape{33, 65}));
  EXPECT_TRUE(check::gemm_close(c.span(), a.data(), b.data(), 33, 65, 17));
}

TEST(Matmul, ShapeMismatchNamesBothShapes) {
  const Tensor a({128, 256}), b({128, 512});
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s01::matmul(a, b); },
                                                        "shape mismatch: (128, 256) @ (128, 512)"));
}

TEST(Matmul, RankOtherThanTwoIsRejected) {
  const Tensor vector({4}), matrix({4, 4}), batch({2, 4, 4});
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s01::matmul(vector, matrix); }, "(4)"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s01::matmul(matrix, batch); }, "(2, 4, 4)"));
}

// Element-wise kernels: every length 0..70 (tails around SIMD widths) and one large.
std::vector<std::size_t> elementwise_lengths() {
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 70; ++n) lengths.push_back(n);
  lengths.push_back(100'003);
  return lengths;
}

TEST(Add, MatchesReferenceForEveryLength) {
  const std::uint64_t seed = check::seed();
  for (std::size_t n : elementwise_lengths()) {
    SCOPED_TRACE("add with n=" + std::to_string(n) + ", " + check::seed_note(seed));
    const Tensor a = Tensor::random({n}, seed), b = Tensor::random({n}, seed + 1);
    check::GuardedBuffer out(n);
    s01::add(a.span(), b.span(), out.span());
    std::vector<double> expected(n);
    for (std::size_t i = 0; i < n; ++i) expected[i] = double(a.data()[i] + b.data()[i]);
    ASSERT_TRUE(check::allclose(out.span(), expected, 0, 0));
    ASSERT_TRUE(out.guards_intact());
  }
}

TEST(Add, LengthMismatchIsRejected) {
  std::vector<float> a(4), b(5), out(4);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s01::add(a, b, out); }, "4"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s01::add(a, a, b); }, "5"));
}

TEST(Relu, MatchesReferenceForEveryLength) {
  const std::uint64_t seed = check::seed();
  for (std::size_t n : elementwise_lengths()) {
    SCOPED_TRACE("relu with n=" + std::to_string(n) + ", " + check::seed_note(seed));
    const Tensor x = Tensor::random({n}, seed);
    check::GuardedBuffer out(n);
    s01::relu(x.span(), out.span());
    std::vector<double> expected(n);
    for (std::size_t i = 0; i < n; ++i) expected[i] = x.data()[i] > 0 ? x.data()[i] : 0.0;
    ASSERT_TRUE(check::allclose(out.span(), expected, 0, 0));
    ASSERT_TRUE(out.guards_intact());
  }
}

TEST(Relu, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> x{nan, inf, -inf, -0.0f, 0.0f, -1e-40f, 1e-40f};
  std::vector<float> out(x.size(), 7.0f);
  s01::relu(x, out);
  EXPECT_TRUE(std::isnan(out[0])) << "relu(NaN) must be NaN, got " << out[0];
  EXPECT_EQ(out[1], inf);
  EXPECT_EQ(out[2], 0.0f);
  EXPECT_EQ(out[3], 0.0f);
  EXPECT_FALSE(std::signbit(out[3])) << "relu(-0.0) must be +0.0";
  EXPECT_EQ(out[4], 0.0f);
  EXPECT_EQ(out[5], 0.0f);
  EXPECT_EQ(out[6], 1e-40f);
}

TEST(Relu, LengthMismatchIsRejected) {
  std::vector<float> x(3), out(2);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s01::relu(x, out); }, "3"));
}

}  // namespace
