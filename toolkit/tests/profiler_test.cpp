#include "accel/profiler.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

TEST(Profiler, RunsWarmupPlusIterations) {
  int calls = 0;
  const double ms = accel::Profiler{}.measure_latency([&] { ++calls; }, 2, 5);
  EXPECT_EQ(calls, 7);
  EXPECT_GE(ms, 0.0);
  EXPECT_THROW(accel::Profiler{}.measure_latency([] {}, 0, 0), std::invalid_argument);
}

TEST(Profiler, MatmulCost) {
  const accel::OpCost cost = accel::matmul_cost(2, 3, 4);
  EXPECT_DOUBLE_EQ(cost.flops, 2.0 * 2 * 3 * 4);
  EXPECT_DOUBLE_EQ(cost.bytes, 4.0 * (2 * 4 + 4 * 3 + 2 * 3));
  // The seed's worked example: N = 1024 gives N/6 ≈ 171 FLOP per byte.
  EXPECT_NEAR(accel::matmul_cost(1024, 1024, 1024).intensity(), 1024.0 / 6, 1e-9);
}

TEST(Profiler, ElementwiseCost) {
  // c = a + b: one FLOP per element, two reads and one write: AI = 1/12.
  const accel::OpCost add = accel::elementwise_cost(1000, 1, 2, 1);
  EXPECT_DOUBLE_EQ(add.bytes, 12000);
  EXPECT_NEAR(add.intensity(), 1.0 / 12, 1e-12);
}

TEST(Profiler, Rates) {
  EXPECT_DOUBLE_EQ(accel::gflops_per_second(2e9, 1000), 2.0);
  EXPECT_DOUBLE_EQ(accel::gigabytes_per_second(5e6, 1), 5.0);
}
