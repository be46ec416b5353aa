#include "accel/profiler.hpp"

#include <chrono>
#include <stdexcept>
#include <vector>

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

TEST(Profiler, Median) {
  EXPECT_DOUBLE_EQ(accel::median(std::vector<double>{}), 0.0);
  EXPECT_DOUBLE_EQ(accel::median(std::vector<double>{3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(accel::median(std::vector<double>{4, 1, 3, 2}), 2.5);
}

namespace {
// Busy-waits until the steady clock has advanced by at least `ms`.
void spin_for(double ms) {
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() < ms) {
  }
}
}  // namespace

TEST(Profiler, NamedRegionsKeepTheirOrderAndSamples) {
  accel::Profiler profiler;
  EXPECT_TRUE(profiler.region_times().empty());
  int calls = 0;
  for (int round = 0; round < 3; ++round) {
    profiler.time_region("first", [&] { ++calls; });
    profiler.time_region("second", [&] { spin_for(2); });
  }
  profiler.time_region("first", [&] { ++calls; });
  EXPECT_EQ(calls, 4);
  const std::vector<accel::RegionTime> times = profiler.region_times();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[0].name, "first");
  EXPECT_EQ(times[0].samples, 4u);
  EXPECT_GE(times[0].median_ms, 0.0);
  EXPECT_EQ(times[1].name, "second");
  EXPECT_EQ(times[1].samples, 3u);
  // A lower bound by construction (the region spins until the clock has moved 2 ms), not
  // a speed assertion.
  EXPECT_GE(times[1].median_ms, 2.0);

  profiler.clear_regions();
  EXPECT_TRUE(profiler.region_times().empty());
}
