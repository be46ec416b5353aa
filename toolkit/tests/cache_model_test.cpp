#include "accel/cache_model.hpp"

#include <cstdint>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "accel/cpu_info.hpp"

namespace {

using accel::CacheGeometry;
using accel::CacheModel;

// Replays addresses and returns, for each, whether it hit.
std::vector<bool> replay(CacheModel& cache, const std::vector<std::uintptr_t>& addresses) {
  std::vector<bool> hits;
  for (const std::uintptr_t address : addresses) hits.push_back(cache.access(address));
  return hits;
}

TEST(CacheModel, SetsFromGeometry) {
  EXPECT_EQ((CacheGeometry{64, 16, 1}.sets()), 4u);
  EXPECT_EQ((CacheGeometry{32 * 1024, 64, 8}.sets()), 64u);
  EXPECT_EQ((CacheGeometry{48 * 1024, 64, 12}.sets()), 64u);
  EXPECT_EQ((CacheGeometry{256, 64, 4}.sets()), 1u);  // fully associative
}

TEST(CacheModel, BytesOfOneLineShareOneMiss) {
  // A 64-byte direct-mapped cache of four 16-byte lines; 16 consecutive floats span
  // 4 lines: the first float of each line misses, the other three hit.
  CacheModel cache({64, 16, 1});
  for (std::uintptr_t address = 0; address < 64; address += 4) cache.access(address);
  EXPECT_EQ(cache.accesses(), 16u);
  EXPECT_EQ(cache.misses(), 4u);
  EXPECT_EQ(cache.hits(), 12u);
  EXPECT_DOUBLE_EQ(cache.miss_rate(), 0.25);
}

TEST(CacheModel, StrideWalkThroughDirectMappedCache) {
  // Four 16-byte lines, direct-mapped: line L lives in set L mod 4.
  // Stride 16 over 8 lines, twice: lines 4..7 evict 0..3 and the other way round, so the
  // second pass misses as often as the first (capacity misses): 16 of 16.
  CacheModel cache({64, 16, 1});
  for (int pass = 0; pass < 2; ++pass) {
    for (std::uintptr_t address = 0; address < 128; address += 16) cache.access(address);
  }
  EXPECT_EQ(cache.misses(), 16u);
  EXPECT_EQ(cache.hits(), 0u);

  // Stride 16 over 4 lines, twice: they fit, so only the first pass misses: 4 of 8.
  cache.clear();
  for (int pass = 0; pass < 2; ++pass) {
    for (std::uintptr_t address = 0; address < 64; address += 16) cache.access(address);
  }
  EXPECT_EQ(cache.misses(), 4u);
  EXPECT_EQ(cache.hits(), 4u);

  // Stride 64 (the cache size): every address maps to set 0, so two lines that would fit
  // in the cache evict each other (conflict misses): 6 of 6.
  cache.clear();
  EXPECT_EQ(replay(cache, {0, 64, 0, 64, 0, 64}), std::vector<bool>(6, false));
  EXPECT_EQ(cache.misses(), 6u);
}

TEST(CacheModel, ColumnWalkMissesEveryTime) {
  // A 32×32 float matrix (128-byte rows, two lines each) through a 1 KiB direct-mapped
  // cache of 64-byte lines (16 sets). By rows: one miss per line, 64 of 1024. By columns:
  // element (r, c) is in line 2r + c/16, set (2r + c/16) mod 16, so rows r, r+8, r+16 and
  // r+24 share a set; each column walk evicts the lines the next column needs: 1024 of 1024.
  constexpr std::uintptr_t kRow = 32 * sizeof(float);
  CacheModel by_rows({1024, 64, 1}), by_columns({1024, 64, 1});
  for (std::uintptr_t r = 0; r < 32; ++r) {
    for (std::uintptr_t c = 0; c < 32; ++c) by_rows.access(r * kRow + c * sizeof(float));
  }
  for (std::uintptr_t c = 0; c < 32; ++c) {
    for (std::uintptr_t r = 0; r < 32; ++r) by_columns.access(r * kRow + c * sizeof(float));
  }
  EXPECT_EQ(by_rows.misses(), 64u);
  EXPECT_EQ(by_columns.misses(), 1024u);
}

TEST(CacheModel, LeastRecentlyUsedIsEvictedInTwoWaySet) {
  // Two sets of two 16-byte ways. Lines A = 0, B = 32 and C = 64 (line numbers 0, 2, 4)
  // all map to set 0.
  //   A miss, B miss        set {A, B}, A least recently used
  //   A hit                 B is now least recently used
  //   C miss, evicts B      set {A, C}          (FIFO would have evicted A)
  //   A hit                 C least recently used
  //   B miss, evicts C      set {A, B}
  //   C miss, evicts A      set {B, C}
  //   A miss, evicts B      set {C, A}
  CacheModel cache({64, 16, 2});
  constexpr std::uintptr_t A = 0, B = 32, C = 64;
  EXPECT_EQ(replay(cache, {A, B, A, C, A, B, C, A}),
            (std::vector<bool>{false, false, true, false, true, false, false, false}));
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 6u);
  // Set 1 (line 1, address 16) was never touched by any of them.
  EXPECT_FALSE(cache.access(std::uintptr_t{16}));
  EXPECT_TRUE(cache.access(std::uintptr_t{20}));
}

TEST(CacheModel, FullyAssociativeKeepsTheLastWaysLines) {
  // One set of 4 ways: a cyclic walk over 5 lines misses every time under LRU (each line
  // was evicted just before it comes back); over 4 lines only the first pass misses.
  CacheModel cache({4 * 64, 64, 4});
  for (int pass = 0; pass < 3; ++pass) {
    for (std::uintptr_t line = 0; line < 5; ++line) cache.access(line * 64);
  }
  EXPECT_EQ(cache.misses(), 15u);
  cache.clear();
  for (int pass = 0; pass < 3; ++pass) {
    for (std::uintptr_t line = 0; line < 4; ++line) cache.access(line * 64);
  }
  EXPECT_EQ(cache.misses(), 4u);
  EXPECT_EQ(cache.hits(), 8u);
}

TEST(CacheModel, ResetCountsKeepsContentsClearEmptiesThem) {
  CacheModel cache({64, 16, 1});
  cache.access(std::uintptr_t{0});
  cache.reset_counts();
  EXPECT_EQ(cache.accesses(), 0u);
  EXPECT_EQ(cache.miss_rate(), 0.0);
  EXPECT_TRUE(cache.access(std::uintptr_t{4}));  // still cached
  cache.clear();
  EXPECT_EQ(cache.accesses(), 0u);
  EXPECT_FALSE(cache.access(std::uintptr_t{4}));
}

TEST(CacheModel, PointersAreAddresses) {
  alignas(64) float data[32] = {};
  CacheModel cache({1024, 64, 2});
  for (const float& x : data) cache.access(&x);
  EXPECT_EQ(cache.misses(), 2u);  // 128 bytes from a 64-byte boundary: two lines
}

TEST(CacheModel, RejectsImpossibleGeometry) {
  EXPECT_THROW(CacheModel({1024, 48, 1}), std::invalid_argument);   // line not a power of two
  EXPECT_THROW(CacheModel({1024, 64, 0}), std::invalid_argument);   // no ways
  EXPECT_THROW(CacheModel({0, 64, 1}), std::invalid_argument);      // no size
  EXPECT_THROW(CacheModel({1000, 64, 1}), std::invalid_argument);   // not whole lines
  EXPECT_THROW(CacheModel({64 * 6, 64, 4}), std::invalid_argument); // not whole sets
  try {
    CacheModel({1024, 48, 1});
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("48-byte lines"), std::string::npos) << error.what();
  }
}

TEST(CacheModel, MachineGeometryIsUsable) {
  for (const CacheGeometry& geometry : {accel::l1d_geometry(), accel::l2_geometry()}) {
    EXPECT_GT(geometry.sets(), 0u);
    EXPECT_EQ(geometry.sets() * geometry.ways * geometry.line_bytes, geometry.size_bytes);
    EXPECT_NO_THROW(CacheModel{geometry});
  }
  const accel::CpuInfo& info = accel::cpu_info();
  if (info.l1d_bytes && info.l1d_ways && info.cache_line_bytes) {
    EXPECT_EQ(accel::l1d_geometry().size_bytes, info.l1d_bytes);  // e.g. 48 KiB, 12-way: 64 sets
    EXPECT_EQ(accel::l1d_geometry().ways, info.l1d_ways);
  }
  EXPECT_LT(accel::l1d_geometry().size_bytes, accel::l2_geometry().size_bytes);
}

}  // namespace
