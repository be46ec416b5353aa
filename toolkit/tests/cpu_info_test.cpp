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


#if defined(__linux__)
#include <sched.h>

// usable_cores() follows the affinity mask, as a grader or a container sets it, not the
// count of the machine's CPUs.
TEST(CpuInfo, UsableCoresFollowTheAffinityMask) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
  EXPECT_EQ(accel::usable_cores(), unsigned(CPU_COUNT(&saved)));
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &saved)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  const unsigned restricted = accel::usable_cores();
  ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);
  EXPECT_EQ(restricted, 1u);
}
#endif
