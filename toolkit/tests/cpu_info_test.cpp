#include "accel/cpu_info.hpp"

#include <string>

#include <gtest/gtest.h>

TEST(CpuInfo, DescribesTheMachine) {
  const accel::CpuInfo& info = accel::cpu_info();
  EXPECT_GT(info.logical_cores, 0u);
  EXPECT_FALSE(info.model.empty());
  EXPECT_FALSE(info.compiler.empty());
  const std::string text = accel::describe_machine();
  EXPECT_NE(text.find(accel::simd_path()), std::string::npos);
  EXPECT_NE(text.find(info.compiler), std::string::npos);
}

TEST(CpuInfo, CompiledSimdPathIsSupportedByThisCpu) {
  const accel::CpuInfo& info = accel::cpu_info();
  const std::string path = accel::simd_path();
  if (path == "AVX2+FMA") {
    EXPECT_TRUE(info.avx2 && info.fma);
  } else if (path == "NEON") {
    EXPECT_TRUE(info.neon);
  } else {
    EXPECT_EQ(path, "scalar");
  }
}

#if defined(__x86_64__) && defined(__linux__)
TEST(CpuInfo, CacheSizesAreKnownOnLinux) {
  const accel::CpuInfo& info = accel::cpu_info();
  EXPECT_GE(info.l1d_bytes, 16u * 1024);
  EXPECT_GT(info.l2_bytes, info.l1d_bytes);
}
#endif

TEST(CpuInfo, CacheGeometryAddsUpWhereKnown) {
  // size = sets · ways · line, so a reported size is a whole number of ways × lines
  // (L1d 48 KiB, 12-way, 64-byte lines: 64 sets).
  const accel::CpuInfo& info = accel::cpu_info();
  if (info.cache_line_bytes == 0) GTEST_SKIP() << "the system reports no cache line size";
  EXPECT_EQ(info.cache_line_bytes & (info.cache_line_bytes - 1), 0u) << "not a power of two";
  if (info.l1d_bytes && info.l1d_ways) {
    EXPECT_EQ(info.l1d_bytes % (info.l1d_ways * info.cache_line_bytes), 0u);
  }
  if (info.l2_bytes && info.l2_ways) {
    EXPECT_EQ(info.l2_bytes % (info.l2_ways * info.cache_line_bytes), 0u);
  }
}

