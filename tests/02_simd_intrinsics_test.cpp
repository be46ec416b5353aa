// Stage 02 public tests: add_simd, dot_simd, matmul_simd.
// Every length around the vector widths (8 floats on AVX2, 4 on NEON), pointers one float
// off alignment, guard cells after every output, and double-precision references.

#include "simd_intrinsics.hpp"

#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "accel/check.hpp"
#include "accel/cpu_info.hpp"
#include "accel/tensor.hpp"

namespace {

using accel::Tensor;
namespace check = accel::check;
namespace s02 = accel::stage02;

// The tests run the SIMD path this build compiled; say which, so a run under qemu or on
// an Apple Silicon Mac shows that the NEON code, not the scalar fallback, was checked.
#if defined(__aarch64__)
static_assert(std::string_view(accel::simd_path()) == "NEON", "an aarch64 build must compile the NEON path");
#endif
[[maybe_unused]] const bool kAnnounced = accel::check::announce_simd_path("02", [] { return accel::simd_path(); });

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Every length 0..70 (each tail length for 4-, 8- and 16-wide loops, and for unrolled
// loops of up to 64 floats), then a few large ones.
std::vector<std::size_t> lengths() {
  std::vector<std::size_t> result;
  for (std::size_t n = 0; n <= 70; ++n) result.push_back(n);
  for (std::size_t n : {127, 128, 129, 1000, 4099, 100'003}) result.push_back(n);
  return result;
}

// A copy of seeded random values starting `misalign` floats past a 64-byte boundary.
check::GuardedBuffer random_buffer(std::size_t n, std::uint64_t seed, std::size_t misalign) {
  const Tensor values = Tensor::random({n == 0 ? 1 : n}, seed);
  check::GuardedBuffer buffer(n, misalign);
  for (std::size_t i = 0; i < n; ++i) buffer.data()[i] = values.data()[i];
  return buffer;
}

// ---- add_simd ----

void check_add(std::size_t n, std::size_t misalign, std::uint64_t seed) {
  SCOPED_TRACE("add_simd with n=" + std::to_string(n) + ", pointers " + std::to_string(misalign) +
               " float(s) off alignment, " + check::seed_note(seed));
  const check::GuardedBuffer a = random_buffer(n, seed, misalign), b = random_buffer(n, seed + 1, misalign);
  check::GuardedBuffer out(n, misalign, 1234.5f);
  s02::add_simd(a.span(), b.span(), out.span());
  std::vector<double> expected(n);
  for (std::size_t i = 0; i < n; ++i) expected[i] = double(a.span()[i] + b.span()[i]);
  ASSERT_TRUE(check::allclose(out.span(), expected, 0, 0));  // one rounding per element: exact
  ASSERT_TRUE(out.guards_intact());
}

TEST(AddSimd, MatchesReferenceForEveryLength) {
  for (std::size_t n : lengths()) check_add(n, 0, check::seed());
}

TEST(AddSimd, UnalignedPointers) {
  for (std::size_t misalign : {1, 3, 7}) {
    for (std::size_t n : {0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 1001}) check_add(n, misalign, check::seed());
  }
}

TEST(AddSimd, InPlace) {
  const std::uint64_t seed = check::seed();
  for (std::size_t n : {5, 8, 37, 1003}) {
    SCOPED_TRACE("add_simd(a, b, a) with n=" + std::to_string(n) + ", " + check::seed_note(seed));
    check::GuardedBuffer a = random_buffer(n, seed, 1);
    const check::GuardedBuffer b = random_buffer(n, seed + 1, 0);
    std::vector<double> expected(n);
    for (std::size_t i = 0; i < n; ++i) expected[i] = double(a.span()[i] + b.span()[i]);
    s02::add_simd(a.span(), b.span(), a.span());
    ASSERT_TRUE(check::allclose(a.span(), expected, 0, 0));
    ASSERT_TRUE(a.guards_intact());
  }
}

TEST(AddSimd, SpecialValues) {
  // Each special pair at every position of a 19-float array, so it lands in every lane of
  // the vector loop and in the tail.
  const float pairs[][2] = {{kInf, -kInf}, {kNaN, 1.0f}, {kInf, 1.0f}, {-kInf, -1.0f}, {1e38f, 1e38f}};
  constexpr std::size_t n = 19;
  for (const auto& pair : pairs) {
    for (std::size_t at = 0; at < n; ++at) {
      SCOPED_TRACE("add_simd with " + std::to_string(pair[0]) + " + " + std::to_string(pair[1]) + " at index " +
                   std::to_string(at) + " of " + std::to_string(n));
      std::vector<float> a(n, 1.0f), b(n, 2.0f);
      a[at] = pair[0];
      b[at] = pair[1];
      check::GuardedBuffer out(n);
      s02::add_simd(a, b, out.span());
      std::vector<double> expected(n, 3.0);
      expected[at] = double(pair[0]) + double(pair[1]);
      if (std::isfinite(expected[at]) && std::abs(expected[at]) > std::numeric_limits<float>::max()) {
        expected[at] = std::copysign(double(kInf), expected[at]);  // 1e38 + 1e38 overflows float
      }
      ASSERT_TRUE(check::allclose(out.span(), expected, 0, 0));
      ASSERT_TRUE(out.guards_intact());
    }
  }
}

TEST(AddSimd, LengthMismatchIsRejected) {
  std::vector<float> a(4), b(5), out(4);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s02::add_simd(a, b, out); }, "5"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s02::add_simd(a, a, b); }, "5"));
}

// ---- dot_simd ----

void check_dot(std::size_t n, std::size_t misalign, std::uint64_t seed) {
  SCOPED_TRACE("dot_simd with n=" + std::to_string(n) + ", pointers " + std::to_string(misalign) +
               " float(s) off alignment, " + check::seed_note(seed));
  const check::GuardedBuffer a = random_buffer(n, seed, misalign), b = random_buffer(n, seed + 1, misalign);
  const float got = s02::dot_simd(a.span(), b.span());
  // A dot product is a 1×n by n×1 matrix product: gemm_close applies the error bound
  // γ_n·Σ|a[i]·b[i]| that every summation order meets.
  EXPECT_TRUE(check::gemm_close(std::span<const float>(&got, 1), a.span().data(), b.span().data(), 1, 1, n));
}

TEST(DotSimd, MatchesReferenceForEveryLength) {
  for (std::size_t n : lengths()) check_dot(n, 0, check::seed());
}

TEST(DotSimd, UnalignedPointers) {
  for (std::size_t misalign : {1, 2, 5}) {
    for (std::size_t n : {1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 1001}) check_dot(n, misalign, check::seed());
  }
}

TEST(DotSimd, EmptyIsZero) {
  const std::vector<float> empty;
  EXPECT_EQ(s02::dot_simd(empty, empty), 0.0f);
}

TEST(DotSimd, HandChecked) {
  const std::vector<float> a{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const std::vector<float> b{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
  EXPECT_EQ(s02::dot_simd(a, b), 77.0f);  // 1 + ... + 10 + 22, exact in float
}

TEST(DotSimd, SpecialValues) {
  // NaN, and an infinity, at every position of 75 floats: every accumulator of an
  // unrolled loop of up to 64 floats, and the tail.
  constexpr std::size_t n = 75;
  for (std::size_t at = 0; at < n; ++at) {
    SCOPED_TRACE("dot_simd with a special value at index " + std::to_string(at) + " of " + std::to_string(n));
    std::vector<float> a(n, 0.5f), b(n, 2.0f);
    a[at] = kNaN;
    const float with_nan = s02::dot_simd(a, b);
    EXPECT_TRUE(std::isnan(with_nan)) << "a NaN input must give NaN, got " << with_nan;
    a[at] = -kInf;
    EXPECT_EQ(s02::dot_simd(a, b), -kInf);
    b[at] = 0.0f;  // -inf · 0 is NaN
    const float inf_times_zero = s02::dot_simd(a, b);
    EXPECT_TRUE(std::isnan(inf_times_zero)) << "inf · 0 must give NaN, got " << inf_times_zero;
  }
}

TEST(DotSimd, LengthMismatchIsRejected) {
  std::vector<float> a(7), b(8);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s02::dot_simd(a, b); }, "7"));
}

// ---- matmul_simd ----

struct GemmShape {
  std::size_t m, n, k;
};
void PrintTo(const GemmShape& s, std::ostream* out) { *out << "M=" << s.m << " N=" << s.n << " K=" << s.k; }

std::string shape_name(const ::testing::TestParamInfo<GemmShape>& info) {
  return std::to_string(info.param.m) + "x" + std::to_string(info.param.n) + "x" + std::to_string(info.param.k);
}

// Seeded random A and B (both `misalign` floats off alignment), C pre-filled with
// garbage (a kernel that accumulates instead of overwriting fails), C's guard cells.
void check_matmul(GemmShape s, std::size_t misalign = 0) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE("matmul_simd with M=" + std::to_string(s.m) + " N=" + std::to_string(s.n) + " K=" +
               std::to_string(s.k) + ", pointers " + std::to_string(misalign) + " float(s) off alignment, " +
               check::seed_note(seed));
  const check::GuardedBuffer a = random_buffer(s.m * s.k, seed, misalign);
  const check::GuardedBuffer b = random_buffer(s.k * s.n, seed + 1, misalign);
  check::GuardedBuffer c(s.m * s.n, misalign, 1234.5f);
  s02::matmul_simd(a.span().data(), b.span().data(), c.data(), s.m, s.n, s.k);
  ASSERT_TRUE(check::gemm_close(c.span(), a.span().data(), b.span().data(), s.m, s.n, s.k));
  ASSERT_TRUE(c.guards_intact());
}

// Around every block a student may pick (rows 4, 6 or 8; columns 8 or 16), odd sizes,
// non-square, K = 0 (C must become zeros), empty outputs, and a few large ones.
const std::vector<GemmShape> kShapes = {
    {1, 1, 1},     {2, 3, 4},     {3, 5, 7},      {4, 8, 8},      {5, 9, 3},     {6, 16, 16},   {7, 17, 9},
    {8, 15, 1},    {9, 7, 2},     {12, 32, 5},    {13, 33, 31},   {16, 16, 16},  {17, 31, 33},  {25, 47, 64},
    {48, 48, 48},  {63, 65, 64},  {64, 64, 64},   {65, 63, 65},   {1, 130, 7},   {130, 1, 7},   {97, 100, 103},
    {130, 67, 129}, {256, 256, 256}, {3, 5, 0},   {0, 5, 3},      {4, 0, 2},     {0, 0, 0}};

class MatmulSimd : public ::testing::TestWithParam<GemmShape> {};

TEST_P(MatmulSimd, MatchesDoubleReference) { check_matmul(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Sizes, MatmulSimd, ::testing::ValuesIn(kShapes), shape_name);

TEST(MatmulSimd, HandChecked2x2) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  float c[4] = {};
  s02::matmul_simd(a, b, c, 2, 2, 2);
  EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{19, 22, 43, 50}));
}

TEST(MatmulSimd, EveryEdgeShapeUpTo13x33) {
  // Every M in 1..13 and N in 1..33: all edge rows of blocks up to 6 (and 12), all edge
  // columns of 8- and 16-wide blocks, with K = 1 and K = 7.
  for (std::size_t k : {1, 7}) {
    for (std::size_t m = 1; m <= 13; ++m) {
      for (std::size_t n = 1; n <= 33; ++n) check_matmul({m, n, k});
    }
  }
}

TEST(MatmulSimd, UnalignedPointers) {
  for (GemmShape s : {GemmShape{7, 17, 9}, GemmShape{13, 33, 31}, GemmShape{64, 64, 64}}) check_matmul(s, 1);
  check_matmul({6, 16, 5}, 3);
}

TEST(MatmulSimd, NaNAndInfPropagate) {
  // A NaN at A[2][3] reaches every column of row 2 of C and no other row; an inf at
  // B[1][5] makes column 5 infinite in rows whose A[·][1] is non-zero.
  constexpr std::size_t m = 9, n = 19, k = 6;
  std::vector<float> a(m * k, 1.0f), b(k * n, 0.5f), c(m * n, 0.0f);
  a[2 * k + 3] = kNaN;
  b[1 * n + 5] = kInf;
  s02::matmul_simd(a.data(), b.data(), c.data(), m, n, k);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      SCOPED_TRACE("matmul_simd with NaN at A[2][3] and inf at B[1][5]: C[" + std::to_string(i) + "][" +
                   std::to_string(j) + "]");
      const float got = c[i * n + j];
      if (i == 2) {
        EXPECT_TRUE(std::isnan(got)) << "expected NaN, got " << got;
      } else if (j == 5) {
        EXPECT_EQ(got, kInf);
      } else {
        EXPECT_EQ(got, 3.0f);
      }
    }
  }
}

}  // namespace
