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
