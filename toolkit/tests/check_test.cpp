#include "accel/check.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

namespace check = accel::check;

TEST(Check, AllcloseReportsFirstMismatch) {
  const std::vector<float> got{1.0f, 2.0f, 3.5f, 4.0f, 9.0f, 6.0f};
  const std::vector<double> expected{1.0, 2.0, 3.0, 4.0, 5.0, 6.0};
  const auto result = check::allclose(got, expected, 1e-6, 1e-6, 3);
  ASSERT_FALSE(result);
  const std::string message = result.message();
  EXPECT_NE(message.find("2 of 6 values differ"), std::string::npos) << message;
  EXPECT_NE(message.find("index 2 (row 0, col 2)"), std::string::npos) << message;
  EXPECT_NE(message.find("expected 3, got 3.5"), std::string::npos) << message;
  EXPECT_TRUE(check::allclose(got, std::vector<double>{1, 2, 3.5, 4, 9, 6}, 0, 0));
}

TEST(Check, AllcloseTreatsNanAndInfExactly) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const double dinf = std::numeric_limits<double>::infinity();
  const double dnan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(check::allclose(std::vector<float>{nan, inf, -inf}, std::vector<double>{dnan, dinf, -dinf}, 0, 0));
  EXPECT_FALSE(check::allclose(std::vector<float>{0.0f}, std::vector<double>{dnan}, 1, 1));
  EXPECT_FALSE(check::allclose(std::vector<float>{nan}, std::vector<double>{0.0}, 1, 1));
  EXPECT_FALSE(check::allclose(std::vector<float>{inf}, std::vector<double>{1e30}, 1, 1));
  EXPECT_FALSE(check::allclose(std::vector<float>{1.0f}, std::vector<double>{1.0, 2.0}, 1, 1));
}

TEST(Check, MatmulReferenceHandChecked) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  EXPECT_EQ(check::matmul_reference(a, b, 2, 2, 2), (std::vector<double>{19, 22, 43, 50}));
}

TEST(Check, GemmBoundAcceptsRoundingRejectsErrors) {
  const std::size_t m = 3, n = 4, k = 1000;
  std::vector<float> a(m * k), b(k * n);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = float(std::sin(double(i)));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = float(std::cos(double(i)));
  const std::vector<double> exact = check::matmul_reference(a.data(), b.data(), m, n, k);

  std::vector<float> c(m * n);  // float accumulation in the plain order: within the bound
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      float sum = 0;
      for (std::size_t p = 0; p < k; ++p) sum += a[i * k + p] * b[p * n + j];
      c[i * n + j] = sum;
    }
  EXPECT_TRUE(check::gemm_close(c, a.data(), b.data(), m, n, k));

  c[5] = float(exact[5]) + 0.05f;  // a real error: far outside k·u·|A||B| ≈ 0.03
  const auto result = check::gemm_close(c, a.data(), b.data(), m, n, k);
  ASSERT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("row 1, col 1"), std::string::npos) << result.message();
}

#if defined(__SANITIZE_ADDRESS__)
#define ACCEL_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACCEL_TEST_UNDER_ASAN 1
#endif
#endif

TEST(Check, GuardedBufferCatchesOverrun) {
  check::GuardedBuffer buffer(10, 1);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(buffer.data()) % 64, sizeof(float));
  for (float& v : buffer.span()) v = 1.0f;
  EXPECT_TRUE(buffer.guards_intact());
#if defined(ACCEL_TEST_UNDER_ASAN)
  // Under ASan the guards are poisoned, so the overrun stops at the faulting line.
  EXPECT_DEATH(buffer.data()[10] = 0.0f, "use-after-poison");
#else
  buffer.data()[10] = 0.0f;  // one past the end
  const auto result = buffer.guards_intact();
  ASSERT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("guard cell 0"), std::string::npos);
#endif
}

TEST(Check, ThrowsWith) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { throw std::invalid_argument("shape mismatch: (1)"); },
                                                        "shape mismatch"));
  EXPECT_FALSE(check::throws_with<std::invalid_argument>([] { throw std::invalid_argument("other"); }, "shape"));
  EXPECT_FALSE(check::throws_with<std::invalid_argument>([] { throw std::out_of_range("shape"); }, "shape"));
  EXPECT_FALSE(check::throws_with<std::invalid_argument>([] {}, "shape"));
  EXPECT_THROW(check::throws_with<std::invalid_argument>([] { ACCEL_TODO(); }, "x"), accel::NotImplemented);
}

TEST(Check, SeedFromEnvironment) {
  ::setenv("ACCEL_SEED", "1234", 1);
  EXPECT_EQ(check::seed(), 1234u);
  EXPECT_EQ(check::seed_note(1234), "seed 1234 (rerun with ACCEL_SEED=1234)");
  ::setenv("ACCEL_SEED", "12x", 1);
  EXPECT_THROW(check::seed(), std::invalid_argument);
  ::unsetenv("ACCEL_SEED");
  EXPECT_EQ(check::seed(), check::seed());
}

TEST(Todo, MessageNamesStageFunctionAndLesson) {
  try {
    accel::not_implemented("01", "matmul_ijk", "stages/01_naive_loops/naive_loops.cpp");
    FAIL() << "not_implemented returned";
  } catch (const accel::NotImplemented& error) {
    EXPECT_STREQ(error.what(),
                 "stage 01: matmul_ijk is not implemented yet (TODO in stages/01_naive_loops/naive_loops.cpp; "
                 "the task is described in stages/01_naive_loops/README.md)");
  }
}
