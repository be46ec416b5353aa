// Stage 05 public tests: transpose_naive, transpose_blocked, matmul_tiled, choose_tile,
// packed_blocking, matmul_packed.
// Shapes around every tile and register block a student may pick, tiles that do not divide
// the size, tile 1 and tiles larger than the matrix, K = 0 and empty matrices, pointers
// off alignment, guard cells after every output, and double-precision references.

#include "tiling.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "accel/cache_model.hpp"
#include "accel/check.hpp"
#include "accel/cpu_info.hpp"
#include "accel/tensor.hpp"

namespace {

using accel::Tensor;
namespace check = accel::check;
namespace s05 = accel::stage05;

// The tests run the micro-kernel this build compiled; say which, so a run under qemu shows
// that the NEON code, not the scalar fallback, was checked.
#if defined(__aarch64__)
static_assert(std::string_view(s05::micro_kernel_path()) == "NEON", "an aarch64 build must compile the NEON path");
#endif
[[maybe_unused]] const bool kAnnounced = check::announce_simd_path("05", [] { return s05::micro_kernel_path(); });

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Seeded random values in a buffer that starts `misalign` floats past a 64-byte boundary.
check::GuardedBuffer random_buffer(std::size_t n, std::uint64_t seed, std::size_t misalign = 0) {
  const Tensor values = Tensor::random({n == 0 ? 1 : n}, seed);
  check::GuardedBuffer buffer(n, misalign);
  for (std::size_t i = 0; i < n; ++i) buffer.data()[i] = values.data()[i];
  return buffer;
}

struct Shape2 {
  std::size_t rows, cols;
};
void PrintTo(const Shape2& s, std::ostream* out) { *out << s.rows << "x" << s.cols; }
std::string shape2_name(const ::testing::TestParamInfo<Shape2>& info) {
  return std::to_string(info.param.rows) + "x" + std::to_string(info.param.cols);
}

struct GemmShape {
  std::size_t m, n, k;
};
void PrintTo(const GemmShape& s, std::ostream* out) { *out << "M=" << s.m << " N=" << s.n << " K=" << s.k; }
std::string gemm_name(const ::testing::TestParamInfo<GemmShape>& info) {
  return std::to_string(info.param.m) + "x" + std::to_string(info.param.n) + "x" + std::to_string(info.param.k);
}
std::string describe(const char* function, GemmShape s) {
  return std::string(function) + " with M=" + std::to_string(s.m) + " N=" + std::to_string(s.n) +
         " K=" + std::to_string(s.k);
}

// ---- transpose_naive, transpose_blocked ----

// Runs a transpose into a guarded output pre-filled with garbage. A transpose only moves
// floats, so the result must be exact.
template <typename Transpose>
void check_transpose(Transpose transpose, const std::string& what, Shape2 s, std::size_t misalign = 0) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE(what + " of a " + std::to_string(s.rows) + "x" + std::to_string(s.cols) + " matrix, pointers " +
               std::to_string(misalign) + " float(s) off alignment, " + check::seed_note(seed));
  const check::GuardedBuffer in = random_buffer(s.rows * s.cols, seed, misalign);
  check::GuardedBuffer out(s.rows * s.cols, misalign, 1234.5f);
  transpose(in.span().data(), out.data(), s.rows, s.cols);
  std::vector<double> expected(s.rows * s.cols);
  for (std::size_t i = 0; i < s.rows; ++i) {
    for (std::size_t j = 0; j < s.cols; ++j) expected[j * s.rows + i] = double(in.span()[i * s.cols + j]);
  }
  ASSERT_TRUE(check::allclose(out.span(), expected, 0, 0, s.rows));
  ASSERT_TRUE(out.guards_intact());
}

void naive(const float* in, float* out, std::size_t rows, std::size_t cols) {
  s05::transpose_naive(in, out, rows, cols);
}
auto blocked(std::size_t tile) {
  return [tile](const float* in, float* out, std::size_t rows, std::size_t cols) {
    s05::transpose_blocked(in, out, rows, cols, tile);
  };
}

// 1, odd, non-square, ±1 around the usual tiles (8, 16, 32, 64), empty.
const std::vector<Shape2> kTransposeShapes = {{1, 1},  {1, 7},   {7, 1},   {2, 3},   {3, 5},   {8, 8},    {9, 7},
                                              {16, 16}, {17, 33}, {31, 64}, {63, 65}, {64, 64}, {100, 1}, {129, 257},
                                              {0, 5},  {5, 0},   {0, 0}};
const std::vector<std::size_t> kTransposeTiles = {1, 2, 3, 7, 8, 16, 32, 64, 1000};

TEST(TransposeNaive, HandChecked2x3) {
  const float in[] = {1, 2, 3, 4, 5, 6};
  float out[6] = {};
  s05::transpose_naive(in, out, 2, 3);
  EXPECT_EQ(std::vector<float>(out, out + 6), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

class TransposeNaive : public ::testing::TestWithParam<Shape2> {};
TEST_P(TransposeNaive, MatchesReference) { check_transpose(naive, "transpose_naive", GetParam()); }
INSTANTIATE_TEST_SUITE_P(Shapes, TransposeNaive, ::testing::ValuesIn(kTransposeShapes), shape2_name);

TEST(TransposeNaive, UnalignedPointers) {
  for (std::size_t misalign : {1, 3}) check_transpose(naive, "transpose_naive", {17, 33}, misalign);
}

TEST(TransposeBlocked, HandChecked3x2WithTile2) {
  // Tile 2 on 3 rows: one whole block row and one partial.
  const float in[] = {1, 2, 3, 4, 5, 6};
  float out[6] = {};
  s05::transpose_blocked(in, out, 3, 2, 2);
  EXPECT_EQ(std::vector<float>(out, out + 6), (std::vector<float>{1, 3, 5, 2, 4, 6}));
}

class TransposeBlocked : public ::testing::TestWithParam<Shape2> {};
TEST_P(TransposeBlocked, MatchesReferenceForEveryTile) {
  for (std::size_t tile : kTransposeTiles) {
    check_transpose(blocked(tile), "transpose_blocked with tile " + std::to_string(tile), GetParam());
  }
}
INSTANTIATE_TEST_SUITE_P(Shapes, TransposeBlocked, ::testing::ValuesIn(kTransposeShapes), shape2_name);

TEST(TransposeBlocked, UnalignedPointers) {
  for (std::size_t misalign : {1, 3}) {
    for (std::size_t tile : {4, 16}) {
      check_transpose(blocked(tile), "transpose_blocked with tile " + std::to_string(tile), {33, 47}, misalign);
    }
  }
}

TEST(TransposeBlocked, SpecialValuesMoveUnchanged) {
  // NaN, ±inf and -0 are moved, not computed with: each lands exactly where it belongs.
  constexpr std::size_t rows = 5, cols = 9;
  std::vector<float> in(rows * cols, 1.0f);
  in[2 * cols + 7] = kNaN;
  in[4 * cols + 0] = -kInf;
  in[0 * cols + 8] = -0.0f;
  check::GuardedBuffer out(rows * cols);
  s05::transpose_blocked(in.data(), out.data(), rows, cols, 4);
  for (std::size_t j = 0; j < cols; ++j) {
    for (std::size_t i = 0; i < rows; ++i) {
      SCOPED_TRACE("transpose_blocked, out[" + std::to_string(j) + "][" + std::to_string(i) + "]");
      const float got = out.data()[j * rows + i];
      if (j == 7 && i == 2) {
        EXPECT_TRUE(std::isnan(got)) << got;
      } else if (j == 0 && i == 4) {
        EXPECT_EQ(got, -kInf);
      } else if (j == 8 && i == 0) {
        EXPECT_TRUE(got == 0.0f && std::signbit(got)) << "expected -0, got " << got;
      } else {
        EXPECT_EQ(got, 1.0f);
      }
    }
  }
  EXPECT_TRUE(out.guards_intact());
}

TEST(TransposeBlocked, ZeroTileIsRejected) {
  float in[4] = {}, out[4] = {};
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s05::transpose_blocked(in, out, 2, 2, 0); }, "tile"));
}

// ---- matmul_tiled ----

// Seeded random A and B, C pre-filled with garbage (a kernel that accumulates into C fails),
// C's guard cells, and the componentwise GEMM error bound.
template <typename Kernel>
void check_gemm(Kernel kernel, const std::string& what, GemmShape s, std::size_t misalign = 0) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE(what + ", pointers " + std::to_string(misalign) + " float(s) off alignment, " + check::seed_note(seed));
  const check::GuardedBuffer a = random_buffer(s.m * s.k, seed, misalign);
  const check::GuardedBuffer b = random_buffer(s.k * s.n, seed + 1, misalign);
  check::GuardedBuffer c(s.m * s.n, misalign, 1234.5f);
  kernel(a.span().data(), b.span().data(), c.data(), s.m, s.n, s.k);
  ASSERT_TRUE(check::gemm_close(c.span(), a.span().data(), b.span().data(), s.m, s.n, s.k));
  ASSERT_TRUE(c.guards_intact());
}

auto tiled(std::size_t tile) {
  return [tile](const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
    s05::matmul_tiled(A, B, C, M, N, K, tile);
  };
}

// [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]: small integers, exact in any order.
template <typename Kernel>
void check_hand_checked_2x2(Kernel kernel) {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  float c[4] = {};
  kernel(a, b, c, 2, 2, 2);
  EXPECT_EQ(std::vector<float>(c, c + 4), (std::vector<float>{19, 22, 43, 50}));
}

// A NaN at A[row][·] reaches all of C's row `row` and nothing else; a NaN at B[·][col]
// all of column `col` and nothing else. C starts as NaN, so every other element must be
// written, not left over.
template <typename Kernel>
void check_nan_stays_in_its_row_and_column(Kernel kernel, const std::string& what, GemmShape s) {
  const std::size_t row = s.m - 2, col = s.n / 2;
  for (const bool in_a : {true, false}) {
    SCOPED_TRACE(what + (in_a ? ", NaN at A[" + std::to_string(row) + "][1]" :
                                ", NaN at B[" + std::to_string(s.k - 1) + "][" + std::to_string(col) + "]"));
    std::vector<float> a(s.m * s.k, 0.5f), b(s.k * s.n, 0.25f);
    if (in_a) {
      a[row * s.k + 1] = kNaN;
    } else {
      b[(s.k - 1) * s.n + col] = kNaN;
    }
    check::GuardedBuffer c(s.m * s.n, 0, kNaN);
    kernel(a.data(), b.data(), c.data(), s.m, s.n, s.k);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < s.m; ++i) {
      for (std::size_t j = 0; j < s.n; ++j) {
        const float got = c.data()[i * s.n + j];
        const bool nan_expected = in_a ? i == row : j == col;
        const bool ok = nan_expected ? std::isnan(got) : got == 0.125f * float(s.k);
        if (!ok && wrong++ == 0) {
          ADD_FAILURE() << "C[" << i << "][" << j << "] = " << got << ", expected "
                        << (nan_expected ? "NaN" : std::to_string(0.125 * double(s.k)));
        }
      }
    }
    EXPECT_EQ(wrong, 0u) << "elements of C wrong";
    EXPECT_TRUE(c.guards_intact());
  }
}

// Around every tile and register block (4, 6, 8, 12, 14, 16, 32 and ±1), odd and
// non-square shapes, K = 0 (C must become zeros) and empty outputs.
const std::vector<GemmShape> kShapes = {
    {1, 1, 1},    {2, 3, 4},     {3, 5, 7},     {6, 16, 16},  {7, 17, 9},   {8, 12, 9},    {9, 13, 10},
    {13, 31, 7},  {14, 32, 16},  {15, 33, 17},  {28, 64, 5},  {29, 65, 3},  {31, 63, 33},  {33, 47, 64},
    {63, 65, 64}, {64, 64, 64},  {65, 63, 65},  {1, 130, 7},  {130, 1, 7},  {97, 100, 103}, {130, 67, 129},
    {3, 5, 0},    {0, 5, 3},     {4, 0, 2},     {0, 0, 0}};
const std::vector<std::size_t> kTiles = {1, 3, 8, 16, 64, 100000};

TEST(MatmulTiled, HandChecked2x2) {
  for (std::size_t tile : {1, 2, 5}) check_hand_checked_2x2(tiled(tile));
}

class MatmulTiled : public ::testing::TestWithParam<GemmShape> {};
TEST_P(MatmulTiled, MatchesDoubleReferenceForEveryTile) {
  for (std::size_t tile : kTiles) {
    check_gemm(tiled(tile), describe("matmul_tiled", GetParam()) + " tile=" + std::to_string(tile), GetParam());
  }
}
INSTANTIATE_TEST_SUITE_P(Sizes, MatmulTiled, ::testing::ValuesIn(kShapes), gemm_name);

TEST(MatmulTiled, UnalignedPointers) {
  for (std::size_t misalign : {1, 3}) {
    check_gemm(tiled(5), "matmul_tiled 13x33x31 tile=5", {13, 33, 31}, misalign);
    check_gemm(tiled(16), "matmul_tiled 64x64x64 tile=16", {64, 64, 64}, misalign);
  }
}

TEST(MatmulTiled, NaNStaysInItsRowAndColumn) {
  check_nan_stays_in_its_row_and_column(tiled(4), "matmul_tiled 9x19x6 tile=4", {9, 19, 6});
}

TEST(MatmulTiled, ZeroTileIsRejected) {
  float a[4] = {}, b[4] = {}, c[4] = {};
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s05::matmul_tiled(a, b, c, 2, 2, 2, 0); }, "tile"));
}

// ---- choose_tile ----

TEST(ChooseTile, ReturnsTheFastestCandidateOfItsSweep) {
  constexpr std::size_t n = 64;
  const std::vector<std::size_t> candidates = {4, 16, 64, 100};
  const s05::TileChoice choice = s05::choose_tile(n, candidates, 2);
  ASSERT_EQ(choice.sweep.size(), candidates.size()) << "one timing per candidate";
  const s05::TileTiming* fastest = &choice.sweep.front();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const s05::TileTiming& timing = choice.sweep[i];
    SCOPED_TRACE("choose_tile sweep entry " + std::to_string(i) + " (tile " + std::to_string(candidates[i]) + ")");
    EXPECT_EQ(timing.tile, candidates[i]) << "the sweep keeps the candidates' order";
    EXPECT_GT(timing.milliseconds, 0.0);
    EXPECT_TRUE(std::isfinite(timing.gflops) && timing.gflops > 0) << timing.gflops;
    // GFLOP/s and time describe the same measurement: 2·n³ FLOPs in that many ms.
    EXPECT_NEAR(timing.gflops, 2.0 * n * n * n / (timing.milliseconds * 1e6), 1e-6 * timing.gflops);
    if (timing.gflops > fastest->gflops) fastest = &timing;
  }
  EXPECT_EQ(choice.best_tile, fastest->tile) << "best_tile must be the sweep's highest GFLOP/s";
}

TEST(ChooseTile, OneCandidateIsTheAnswer) {
  const std::vector<std::size_t> candidates = {7};
  const s05::TileChoice choice = s05::choose_tile(33, candidates, 1);
  EXPECT_EQ(choice.best_tile, 7u);
  ASSERT_EQ(choice.sweep.size(), 1u);
  EXPECT_EQ(choice.sweep.front().tile, 7u);
}

TEST(ChooseTile, RejectsWhatCannotBeTimed) {
  const std::vector<std::size_t> good = {8, 16}, with_zero = {8, 0}, none;
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s05::choose_tile(0, good); }, "n"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s05::choose_tile(64, none); }, "candidate"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s05::choose_tile(64, with_zero); }, "tile 0"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s05::choose_tile(64, good, 0); }, "repetitions"));
}

// ---- packed_blocking ----

struct Machine {
  const char* name;
  accel::CacheGeometry l1d, l2;
  std::size_t l3;
};
// This machine, two course machines' geometries, and corner cases: a tiny direct-mapped
// cache, an unknown L3 (0), a huge L3, 128-byte lines.
std::vector<Machine> machines() {
  return {{"this machine", accel::l1d_geometry(), accel::l2_geometry(), accel::cpu_info().l3_bytes},
          {"AMD Zen 3", {32 << 10, 64, 8}, {512 << 10, 64, 8}, std::size_t{32} << 20},
          {"Intel Sapphire Rapids", {48 << 10, 64, 12}, {2 << 20, 64, 16}, std::size_t{105} << 20},
          {"Apple M1 (128-byte lines)", {128 << 10, 128, 8}, {12 << 20, 128, 12}, 0},
          {"direct-mapped toy", {4 << 10, 64, 1}, {64 << 10, 64, 1}, 0},
          {"2-way, huge L3", {16 << 10, 32, 2}, {256 << 10, 64, 4}, std::size_t{1} << 30}};
}

TEST(PackedBlocking, EveryBlockFitsItsCache) {
  const s05::Blocking first = s05::packed_blocking(accel::l1d_geometry(), accel::l2_geometry(), 0);
  for (const Machine& machine : machines()) {
    const s05::Blocking b = s05::packed_blocking(machine.l1d, machine.l2, machine.l3);
    const std::size_t l3 = machine.l3 ? machine.l3 : std::size_t{8} << 20;
    SCOPED_TRACE(std::string("packed_blocking for ") + machine.name + ": mr=" + std::to_string(b.mr) +
                 " nr=" + std::to_string(b.nr) + " kc=" + std::to_string(b.kc) + " mc=" + std::to_string(b.mc) +
                 " nc=" + std::to_string(b.nc));
    EXPECT_EQ(b.mr, first.mr) << "mr is the compiled micro-kernel's, whatever the caches";
    EXPECT_EQ(b.nr, first.nr) << "nr is the compiled micro-kernel's, whatever the caches";
    ASSERT_GE(b.mr, 1u);
    ASSERT_GE(b.nr, 1u);
    EXPECT_GE(b.kc, 1u);
    EXPECT_LE(b.kc * b.nr * 4, machine.l1d.size_bytes) << "B's kc×nr micro-panel must fit in L1";
    EXPECT_EQ(b.mc % b.mr, 0u) << "mc must be a multiple of mr";
    EXPECT_GE(b.mc, b.mr);
    if (b.mc > b.mr) {
      EXPECT_LE(b.mc * b.kc * 4, machine.l2.size_bytes) << "A's mc×kc block must fit in L2";
    }
    EXPECT_EQ(b.nc % b.nr, 0u) << "nc must be a multiple of nr";
    EXPECT_GE(b.nc, b.nr);
    EXPECT_LE(b.nc, 4096u);
    if (b.nc > b.nr) {
      EXPECT_LE(b.kc * b.nc * 4, l3) << "B's kc×nc panel must fit in L3";
    }
  }
}

TEST(PackedBlocking, FollowsTheCaches) {
  const accel::CacheGeometry l2{1 << 20, 64, 16};
  const s05::Blocking small = s05::packed_blocking({16 << 10, 64, 8}, l2, 0);
  const s05::Blocking big = s05::packed_blocking({256 << 10, 64, 8}, l2, 0);
  EXPECT_GT(big.kc, small.kc) << "an L1 16 times bigger must give a deeper kc";
  const s05::Blocking small_l2 = s05::packed_blocking({32 << 10, 64, 8}, {256 << 10, 64, 8}, 0);
  const s05::Blocking big_l2 = s05::packed_blocking({32 << 10, 64, 8}, {8 << 20, 64, 8}, 0);
  EXPECT_GT(big_l2.mc, small_l2.mc) << "an L2 32 times bigger must give a taller mc";
}

TEST(PackedBlocking, RejectsGeometryWithoutSets) {
  const accel::CacheGeometry good{32 << 10, 64, 8};
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [&] { s05::packed_blocking({0, 64, 8}, good, 0); }, "packed_blocking"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [&] { s05::packed_blocking(good, {1 << 20, 64, 0}, 0); }, "packed_blocking"));
}

// ---- matmul_packed ----

void packed(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  s05::matmul_packed(A, B, C, M, N, K);
}

TEST(MatmulPacked, HandChecked2x2) { check_hand_checked_2x2(packed); }

class MatmulPacked : public ::testing::TestWithParam<GemmShape> {};
TEST_P(MatmulPacked, MatchesDoubleReference) { check_gemm(packed, describe("matmul_packed", GetParam()), GetParam()); }
INSTANTIATE_TEST_SUITE_P(Sizes, MatmulPacked, ::testing::ValuesIn(kShapes), gemm_name);

TEST(MatmulPacked, EveryEdgeShapeUpTo29x65) {
  // Every M in 1..29 and N in 1..65: all edge rows of register blocks up to 14 rows (two
  // blocks and one more) and all edge columns of blocks up to 32 columns, with K = 1 and 5.
  for (std::size_t k : {1, 5}) {
    for (std::size_t m = 1; m <= 29; ++m) {
      for (std::size_t n = 1; n <= 65; ++n) check_gemm(packed, describe("matmul_packed", {m, n, k}), {m, n, k});
    }
  }
}

TEST(MatmulPacked, CrossesEveryCacheBlock) {
  // Shapes one register block past each cache block of this machine's blocking, so every
  // loop of the five runs a partial last iteration: M past MC, N past NC, K past 2·KC.
  const s05::Blocking b = s05::packed_blocking(accel::l1d_geometry(), accel::l2_geometry(), accel::cpu_info().l3_bytes);
  for (const GemmShape s : {GemmShape{b.mc + b.mr + 1, 2 * b.nr + 3, 2 * b.kc + 1},
                            GemmShape{b.mr + 1, b.nc + b.nr + 1, b.kc + 3}}) {
    check_gemm(packed, describe("matmul_packed", s) + " (kc=" + std::to_string(b.kc) + " mc=" + std::to_string(b.mc) +
                           " nc=" + std::to_string(b.nc) + ")", s);
  }
}

TEST(MatmulPacked, LargeSquare) { check_gemm(packed, "matmul_packed 255x255x255", {255, 255, 255}); }

TEST(MatmulPacked, UnalignedPointers) {
  for (std::size_t misalign : {1, 3}) {
    for (const GemmShape s : {GemmShape{13, 33, 31}, GemmShape{29, 65, 70}, GemmShape{64, 64, 64}}) {
      check_gemm(packed, describe("matmul_packed", s), s, misalign);
    }
  }
}

TEST(MatmulPacked, NaNStaysInItsRowAndColumn) {
  // Edge blocks in both directions; K crosses a KC block on most machines.
  check_nan_stays_in_its_row_and_column(packed, "matmul_packed 31x70x300", {31, 70, 300});
}

TEST(MatmulPacked, InfinityPropagates) {
  // inf at A[3][2] with positive B makes row 3 +inf; with B[2][5] = 0 that one is inf·0 = NaN.
  constexpr std::size_t m = 17, n = 35, k = 9;
  std::vector<float> a(m * k, 1.0f), b(k * n, 0.5f);
  a[3 * k + 2] = kInf;
  b[2 * n + 5] = 0.0f;
  check::GuardedBuffer c(m * n);
  s05::matmul_packed(a.data(), b.data(), c.data(), m, n, k);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      SCOPED_TRACE("matmul_packed with inf at A[3][2] and 0 at B[2][5]: C[" + std::to_string(i) + "][" +
                   std::to_string(j) + "]");
      const float got = c.data()[i * n + j];
      if (i == 3 && j == 5) {
        EXPECT_TRUE(std::isnan(got)) << "inf · 0 must give NaN, got " << got;
      } else if (i == 3) {
        EXPECT_EQ(got, kInf);
      } else {
        EXPECT_EQ(got, j == 5 ? 4.0f : 4.5f);
      }
    }
  }
  EXPECT_TRUE(c.guards_intact());
}

TEST(MatmulPacked, CallsOfDifferentSizesDoNotInterfere) {
  // Whatever a kernel keeps between calls (packing buffers) must not leak into the next.
  for (const GemmShape s : {GemmShape{200, 300, 260}, GemmShape{3, 4, 5}, GemmShape{70, 90, 600}, GemmShape{1, 1, 1}}) {
    check_gemm(packed, describe("matmul_packed", s), s);
  }
}

}  // namespace
