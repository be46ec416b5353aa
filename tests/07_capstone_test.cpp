// Stage 07 public tests: mlp_naive, bias_gelu, MlpWorkspace, mlp_fast, mlp_region_costs and
// profile_mlp. The block is checked against itself computed in double precision, within the
// componentwise error bound of its two float GEMMs and the GELU tolerance (see reference()).

#include "capstone.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#include "accel/check.hpp"
#include "accel/compare.hpp"
#include "accel/heap_counter.hpp"

namespace {

using accel::Shape;
using accel::Tensor;
using accel::gelu_reference;
using accel::stage07::MlpVariant;
namespace check = accel::check;
namespace s07 = accel::stage07;

// The tests run the branch of bias_gelu this build compiled; say which, so a run under
// qemu shows that the NEON code, not the scalar fallback, was checked.
[[maybe_unused]] const bool kAnnounced = check::announce_simd_path("07", [] { return s07::bias_gelu_path(); });

constexpr double kGeluAtol = 1e-5, kGeluRtol = 1e-4;  // the GELU tolerance of stage 04
constexpr double kGeluSlope = 1.13;                    // max |GELU'(x)|: how far an error in h moves GELU(h)
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct BlockShape {
  std::size_t batch, d_model, d_ff;
};
void PrintTo(const BlockShape& s, std::ostream* out) {
  *out << "batch=" << s.batch << " d_model=" << s.d_model << " d_ff=" << s.d_ff;
}
std::string describe(const BlockShape& s) {
  return "x (" + std::to_string(s.batch) + ", " + std::to_string(s.d_model) + "), W1 (" + std::to_string(s.d_ff) +
         ", " + std::to_string(s.d_model) + "), b1 (" + std::to_string(s.d_ff) + "), W2 (" +
         std::to_string(s.d_model) + ", " + std::to_string(s.d_ff) + "), b2 (" + std::to_string(s.d_model) + ")";
}

struct Block {
  Tensor x, W1, b1, W2, b2;
};

// Weights scaled by 2/√fan-in, as a trained layer's are of that order: h spreads over
// GELU's curved part and both tails.
Block random_block(BlockShape s, std::uint64_t seed) {
  const float w1 = 2.0f / std::sqrt(float(std::max<std::size_t>(s.d_model, 1)));
  const float w2 = 2.0f / std::sqrt(float(std::max<std::size_t>(s.d_ff, 1)));
  return {Tensor::random({s.batch, s.d_model}, seed, -2, 2), Tensor::random({s.d_ff, s.d_model}, seed + 1, -w1, w1),
          Tensor::random({s.d_ff}, seed + 2), Tensor::random({s.d_model, s.d_ff}, seed + 3, -w2, w2),
          Tensor::random({s.d_model}, seed + 4)};
}

struct Reference {
  std::vector<double> y, bound;
};

// The block in double precision, and how far a correct float block may be from it:
//   h error  ≤ γ(D+1)·(|x|·|W1ᵀ| + |b1|)                    (a float sum of D+1 terms, any order)
//   GELU     ≤ 1.13·(h error) + 1e-5 + 1e-4·|GELU(h)|         (slope, then the kernel's own error)
//   y error  ≤ γ(F+1)·((|g| + g error)·|W2ᵀ| + |b2|) + (g error)·|W2ᵀ|
// An infinite or NaN h is exact under IEEE rules, so it carries no error of its own.
Reference reference(const Block& b) {
  const std::size_t B = b.x.dim(0), D = b.x.dim(1), F = b.W1.dim(0);
  std::vector<double> g(B * F), g_error(B * F);
  for (std::size_t i = 0; i < B; ++i) {
    for (std::size_t k = 0; k < F; ++k) {
      double sum = b.b1(k), magnitude = std::abs(double(b.b1(k)));
      for (std::size_t p = 0; p < D; ++p) {
        const double term = double(b.x(i, p)) * double(b.W1(k, p));
        sum += term;
        magnitude += std::abs(term);
      }
      const double h_error = std::isfinite(sum) ? accel::float_sum_bound_factor(D + 1) * magnitude : 0.0;
      g[i * F + k] = gelu_reference(sum);
      g_error[i * F + k] = kGeluSlope * h_error + kGeluAtol + kGeluRtol * std::abs(g[i * F + k]);
    }
  }
  Reference ref{std::vector<double>(B * D), std::vector<double>(B * D)};
  for (std::size_t i = 0; i < B; ++i) {
    for (std::size_t j = 0; j < D; ++j) {
      double sum = b.b2(j), magnitude = std::abs(double(b.b2(j))), propagated = 0;
      for (std::size_t k = 0; k < F; ++k) {
        const double w = b.W2(j, k);
        sum += g[i * F + k] * w;
        magnitude += (std::abs(g[i * F + k]) + g_error[i * F + k]) * std::abs(w);
        propagated += g_error[i * F + k] * std::abs(w);
      }
      ref.y[i * D + j] = sum;
      ref.bound[i * D + j] = accel::float_sum_bound_factor(F + 1) * magnitude + propagated;
    }
  }
  return ref;
}

// y against the reference, naming the first element out of bounds as (row, column).
::testing::AssertionResult matches_reference(const Tensor& y, const Block& b) {
  const std::size_t B = b.x.dim(0), D = b.x.dim(1);
  if (y.shape() != Shape{B, D}) {
    return ::testing::AssertionFailure() << "y has shape " << y.shape_string() << ", expected (" << B << ", " << D
                                         << ")";
  }
  const Reference ref = reference(b);
  const auto miss = accel::first_mismatch(y.span(), ref.y, [&](std::size_t i) { return ref.bound[i]; });
  if (!miss) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << miss->count << " element(s) wrong; the first at (" << miss->index / D
                                       << ", " << miss->index % D << "): expected " << miss->expected << ", got "
                                       << miss->got << " (allowed error " << miss->tolerance << ")";
}

// The hand-checked block: x = [[1, -1], [0.5, 2]], h = x·W1ᵀ + b1 = [[1, -0.5, -1], [0.5, 2.5, 1.5]].
Block hand_block() {
  return {Tensor{{1, -1}, {0.5f, 2}}, Tensor{{1, 0}, {0, 1}, {1, 1}}, Tensor({3}, {0, 0.5f, -1}),
          Tensor{{1, 1, 1}, {2, 0, -1}}, Tensor({2}, {0.25f, -0.25f})};
}
const std::vector<double> kHandY = {0.7780979910416974, 1.5911919906082768, 4.480201320715378, -0.9581435573299449};

using BlockFn = Tensor (*)(const Block&);
Tensor run_naive(const Block& b) { return s07::mlp_naive(b.x, b.W1, b.b1, b.W2, b.b2); }
// y starts as NaN: mlp_fast must not read what y held.
Tensor run_fast(const Block& b) {
  s07::MlpWorkspace workspace;
  Tensor y({b.x.dim(0), b.x.dim(1)});
  std::fill(y.data(), y.data() + y.size(), kNaN);
  s07::mlp_fast(b.x, b.W1, b.b1, b.W2, b.b2, workspace, y);
  return y;
}

void check_hand_block(BlockFn run) {
  const Tensor y = run(hand_block());
  EXPECT_TRUE(check::allclose(y.span(), kHandY, 1e-5, 1e-5, 2))
      << "x = [[1, -1], [0.5, 2]], W1 = [[1, 0], [0, 1], [1, 1]], b1 = [0, 0.5, -1], W2 = [[1, 1, 1], [2, 0, -1]], "
         "b2 = [0.25, -0.25]";
}

void check_shape(BlockFn run, BlockShape s) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE(describe(s) + ", " + check::seed_note(seed));
  const Block b = random_block(s, seed);
  EXPECT_TRUE(matches_reference(run(b), b));
}

void check_degenerate_shapes(BlockFn run) {
  for (const BlockShape s : {BlockShape{0, 8, 16}, BlockShape{1, 8, 16}, BlockShape{3, 0, 5}, BlockShape{3, 5, 0},
                             BlockShape{0, 0, 0}}) {
    check_shape(run, s);
  }
  Block b = random_block({2, 3, 0}, 1);
  const Tensor y = run(b);
  for (std::size_t i = 0; i < y.size(); ++i) ASSERT_EQ(y.data()[i], b.b2(i % 3)) << "d_ff = 0: y must be b2 in every row";
}

void check_non_finite(BlockFn run) {
  const BlockShape s{4, 9, 17};
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE(describe(s) + ", " + check::seed_note(seed));
  const auto with = [&](auto change, const std::string& what) {
    Block b = random_block(s, seed);
    change(b);
    SCOPED_TRACE(what);
    const Tensor y = run(b);
    EXPECT_TRUE(matches_reference(y, b));
    return y;
  };
  const Tensor nan_row = with([](Block& b) { b.x(2, 4) = kNaN; }, "x(2, 4) = NaN");
  for (std::size_t i = 0; i < nan_row.size(); ++i) {
    ASSERT_EQ(std::isnan(nan_row.data()[i]), i / 9 == 2) << "x(2, 4) is NaN: only row 2 of y may be NaN; y("
                                                         << i / 9 << ", " << i % 9 << ") = " << nan_row.data()[i];
  }
  with([](Block& b) { b.b1(5) = kNaN; }, "b1(5) = NaN: all of y is NaN");
  with([](Block& b) { b.b1(5) = -kInf; }, "b1(5) = -inf: GELU(-inf) = 0 switches unit 5 off; y stays finite");
  with([](Block& b) { b.b1(5) = kInf; }, "b1(5) = +inf: y(i, j) = ±inf by the sign of W2(j, 5)");
  with([](Block& b) { b.b2(3) = kNaN; }, "b2(3) = NaN: column 3 of y is NaN");
}

// The error must name the operands that disagree, beside the others.
template <typename Call>
void check_shape_errors(Call call) {
  const auto rejects = [&](BlockShape s, Shape x, Shape b1, const std::string& expected) {
    Block b = random_block(s, 1);
    b.x = Tensor(x);
    b.b1 = Tensor(b1);
    EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { call(b); }, expected)) << "x " << accel::shape_string(x);
  };
  rejects({64, 512, 2048}, {64, 500}, {2048}, "x (64, 500), W1 (2048, 512)");
  rejects({4, 8, 16}, {4, 8}, {15}, "W1 (16, 8), b1 (15)");
  rejects({4, 8, 16}, {8}, {16}, "x (8)");
  rejects({4, 8, 16}, {2, 4, 8}, {16}, "x (2, 4, 8)");
  rejects({4, 8, 16}, {4, 8}, {1, 16}, "b1 (1, 16)");
  Block b = random_block({4, 8, 16}, 1);
  b.W2 = Tensor({8, 15});
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { call(b); }, "W2 (8, 15)"));
  b = random_block({4, 8, 16}, 1);
  b.b2 = Tensor({9});
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { call(b); }, "b2 (9)"));
}

const std::vector<BlockShape> kShapes = {{1, 1, 1},  {2, 3, 4},   {1, 7, 5},    {3, 16, 17},  {4, 17, 15},
                                         {5, 9, 31}, {5, 9, 33},  {2, 20, 7},   {6, 11, 8},   {3, 10, 9},
                                         {7, 33, 64}, {8, 64, 65}, {1, 64, 256}, {17, 32, 48}, {16, 128, 512}};
std::string shape_name(const ::testing::TestParamInfo<BlockShape>& info) {
  return std::to_string(info.param.batch) + "x" + std::to_string(info.param.d_model) + "x" +
         std::to_string(info.param.d_ff);
}

// ------------------------------------------------------------------------------------ mlp_naive

class MlpNaive : public ::testing::TestWithParam<BlockShape> {};
TEST_P(MlpNaive, MatchesDoubleReference) { check_shape(run_naive, GetParam()); }
INSTANTIATE_TEST_SUITE_P(Sizes, MlpNaive, ::testing::ValuesIn(kShapes), shape_name);

TEST(MlpNaive, HandChecked) { check_hand_block(run_naive); }
TEST(MlpNaive, EmptyAndZeroWidthShapes) { check_degenerate_shapes(run_naive); }
TEST(MlpNaive, NaNAndInfinity) { check_non_finite(run_naive); }
TEST(MlpNaive, ShapeErrorsNameTheShapes) { check_shape_errors(run_naive); }

TEST(MlpNaive, AllocatesGelusSevenTemporaries) {
  const Block b = random_block({4, 8, 2500}, 1);
  const accel::HeapUse use = accel::heap_use_of([&] { const Tensor y = run_naive(b); });
  const std::size_t hidden_bytes = 4 * 2500 * sizeof(float);
  EXPECT_GE(use.bytes, 7 * hidden_bytes) << "mlp_naive allocated " << use.bytes << " bytes in " << use.calls
                                         << " allocations; GELU's seven steps, each a new (4, 2500) tensor, take "
                                         << 7 * hidden_bytes;
}

// ------------------------------------------------------------------------------------ bias_gelu

std::vector<double> bias_gelu_reference(std::span<const float> h, std::span<const float> bias) {
  std::vector<double> expected(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) expected[i] = gelu_reference(double(h[i]) + double(bias[i % bias.size()]));
  return expected;
}

TEST(BiasGelu, HandChecked2x3) {
  std::vector<float> h{0, 1, -1, 2, 0, 0.5f};
  s07::bias_gelu(h, std::vector<float>{1, -1, 0});
  const std::vector<double> expected{0.8411919906082768, 0.0, -0.15880800939172324, 2.996362607918227,
                                     -0.15880800939172324, 0.34571400982514394};
  EXPECT_TRUE(check::allclose(h, expected, kGeluAtol, kGeluRtol, 3)) << "GELU(h + bias) of [[0, 1, -1], [2, 0, 0.5]]";
}

TEST(BiasGelu, RowsColumnsAndAlignment) {
  const std::uint64_t seed = check::seed();
  for (std::size_t cols = 1; cols <= 40; ++cols) {
    for (std::size_t rows : {1, 3}) {
      for (std::size_t misalign : {0, 1, 5}) {
        SCOPED_TRACE("bias_gelu with h (" + std::to_string(rows) + ", " + std::to_string(cols) + ") starting " +
                     std::to_string(misalign) + " floats past a 64-byte boundary (bias " +
                     std::to_string((misalign + 3) % 8) + "), " + check::seed_note(seed));
        const Tensor h0 = Tensor::random({rows, cols}, seed + cols, -6, 6), b0 = Tensor::random({cols}, seed, -2, 2);
        check::GuardedBuffer h(rows * cols, misalign), bias(cols, (misalign + 3) % 8);
        std::copy(h0.data(), h0.data() + h0.size(), h.data());
        std::copy(b0.data(), b0.data() + b0.size(), bias.data());
        s07::bias_gelu(h.span(), bias.span());
        ASSERT_TRUE(check::allclose(h.span(), bias_gelu_reference(h0.span(), b0.span()), kGeluAtol, kGeluRtol, cols));
        ASSERT_TRUE(h.guards_intact());
      }
    }
  }
}

TEST(BiasGelu, ExtremeValuesInEveryLane) {
  // Each value at each position of a 35-element row (two AVX-512 vectors and a tail, four
  // AVX2 vectors and a tail), among ordinary values: lanes must not leak into each other.
  const std::vector<float> extremes{kInf, -kInf, kNaN, 1e4f, -1e4f, 1e13f, -1e13f, std::numeric_limits<float>::max(),
                                    std::numeric_limits<float>::lowest(), -0.0f, 1e-40f, 10.5f, -10.5f, -9.0f};
  for (float special : extremes) {
    for (std::size_t position = 0; position < 35; ++position) {
      std::vector<float> h(35), bias(35, 0.25f);
      for (std::size_t i = 0; i < h.size(); ++i) h[i] = float(i) * 0.3f - 5.0f;
      h[position] = special;
      const std::vector<float> before = h;
      s07::bias_gelu(h, bias);
      std::ostringstream what;
      what << "h = " << special << " at index " << position << " (bias 0.25)";
      ASSERT_TRUE(check::allclose(h, bias_gelu_reference(before, bias), kGeluAtol, kGeluRtol)) << what.str();
    }
  }
}

TEST(BiasGelu, BadLengthsAreRejected) {
  std::vector<float> h(12), bias5(5), none;
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s07::bias_gelu(h, bias5); }, "5"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s07::bias_gelu(h, none); }, "12"));
  EXPECT_NO_THROW(s07::bias_gelu(none, none));
}

TEST(BiasGelu, AllocatesNothing) {
  Tensor h = Tensor::random({64, 2049}, 1);
  const Tensor bias = Tensor::random({2049}, 2);
  const accel::HeapUse use = accel::heap_use_of([&] { s07::bias_gelu(h.span(), bias.span()); });
  EXPECT_EQ(use.calls, 0u) << "bias_gelu made " << use.calls << " heap allocations (" << use.bytes << " bytes)";
}

TEST(BiasGelu, PathNamesACompiledBranch) {
  const std::string path = s07::bias_gelu_path();
  bool compiled = path == "scalar";
#if defined(__AVX512F__)
  compiled = compiled || path == "AVX-512";
#endif
#if defined(__AVX2__) && defined(__FMA__)
  compiled = compiled || path == "AVX2+FMA";
#endif
#if defined(__ARM_NEON)
  compiled = compiled || path == "NEON";
#endif
  EXPECT_TRUE(compiled) << "bias_gelu_path() says \"" << path << "\": not one of \"AVX-512\", \"AVX2+FMA\", \"NEON\", "
                        << "\"scalar\" that this build can run";
}

// ---------------------------------------------------------------------------------- MlpWorkspace

TEST(MlpWorkspace, GrowsOnlyWhenTooSmall) {
  s07::MlpWorkspace workspace;
  EXPECT_EQ(workspace.hidden(0, 16).size(), 0u);
  const std::span<float> first = workspace.hidden(8, 100);
  ASSERT_EQ(first.size(), 800u);
  EXPECT_GE(workspace.capacity(), 800u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first.data()) % 64, 0u) << "the hidden activation must be 64-byte aligned";
  first.back() = 1.0f;  // the whole span must be writable
  const accel::HeapUse smaller = accel::heap_use_of([&] {
    EXPECT_EQ(workspace.hidden(8, 100).size(), 800u);
    EXPECT_EQ(workspace.hidden(1, 800).size(), 800u);
    EXPECT_EQ(workspace.hidden(3, 7).size(), 21u);
  });
  EXPECT_EQ(smaller.calls, 0u) << "asking for at most the floats the workspace holds must not allocate";
  EXPECT_GE(workspace.capacity(), 800u) << "the workspace must never shrink";
  const accel::HeapUse larger = accel::heap_use_of([&] { EXPECT_EQ(workspace.hidden(9, 100).size(), 900u); });
  EXPECT_GE(larger.bytes, 900 * sizeof(float)) << "900 floats do not fit in 800: the workspace must grow";
  EXPECT_GE(workspace.capacity(), 900u);
}

// ------------------------------------------------------------------------------------- mlp_fast

class MlpFast : public ::testing::TestWithParam<BlockShape> {};
TEST_P(MlpFast, MatchesDoubleReference) { check_shape(run_fast, GetParam()); }
INSTANTIATE_TEST_SUITE_P(Sizes, MlpFast, ::testing::ValuesIn(kShapes), shape_name);

TEST(MlpFast, HandChecked) { check_hand_block(run_fast); }
TEST(MlpFast, CourseShape) { check_shape(run_fast, {64, 512, 2048}); }
TEST(MlpFast, EmptyAndZeroWidthShapes) { check_degenerate_shapes(run_fast); }
TEST(MlpFast, NaNAndInfinity) { check_non_finite(run_fast); }

TEST(MlpFast, ShapeErrorsNameTheShapes) {
  check_shape_errors([](const Block& b) {
    s07::MlpWorkspace workspace;
    Tensor y(b.x.rank() == 2 ? b.x.shape() : Shape{1, 1});
    s07::mlp_fast(b.x, b.W1, b.b1, b.W2, b.b2, workspace, y);
  });
  const Block b = random_block({64, 512, 16}, 1);
  s07::MlpWorkspace workspace;
  for (const Shape& wrong : {Shape{64, 511}, Shape{63, 512}, Shape{64 * 512}}) {
    Tensor y(wrong);
    EXPECT_TRUE(check::throws_with<std::invalid_argument>(
        [&] { s07::mlp_fast(b.x, b.W1, b.b1, b.W2, b.b2, workspace, y); },
        "y " + accel::shape_string(wrong)));
  }
}

TEST(MlpFast, YMayBeX) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE("x (6, 24), d_ff 50, y the same tensor as x, " + check::seed_note(seed));
  Block b = random_block({6, 24, 50}, seed);
  const Block original = b;
  s07::MlpWorkspace workspace;
  s07::mlp_fast(b.x, b.W1, b.b1, b.W2, b.b2, workspace, b.x);
  EXPECT_TRUE(matches_reference(b.x, original));
}

TEST(MlpFast, OneWorkspaceForManyShapes) {
  const std::uint64_t seed = check::seed();
  s07::MlpWorkspace workspace;
  for (const BlockShape s : {BlockShape{16, 20, 64}, BlockShape{3, 20, 64}, BlockShape{33, 8, 17},
                             BlockShape{2, 40, 100}}) {
    SCOPED_TRACE(describe(s) + ", one workspace for every call, " + check::seed_note(seed));
    const Block b = random_block(s, seed + s.batch);
    Tensor y({s.batch, s.d_model});
    s07::mlp_fast(b.x, b.W1, b.b1, b.W2, b.b2, workspace, y);
    EXPECT_TRUE(matches_reference(y, b));
  }
}

// The rule is about your code, so it is checked the way the grader runs it: with BLAS on one
// thread (a threaded OpenBLAS allocates for its threads on every call), and against what the
// two bare sgemm calls of the block allocate by themselves (nothing, on OpenBLAS).
TEST(MlpFast, NoHeapAllocationAfterTheFirstCall) {
#if defined(ACCEL_BLAS_OPENBLAS)
  openblas_set_num_threads(1);
#endif
  const Block b = random_block({64, 128, 512}, 1);
  s07::MlpWorkspace workspace;
  Tensor y({64, 128}), h({64, 512});
  s07::mlp_fast(b.x, b.W1, b.b1, b.W2, b.b2, workspace, y);
  const accel::HeapUse fast = accel::heap_use_of([&] {
    for (int call = 0; call < 3; ++call) s07::mlp_fast(b.x, b.W1, b.b1, b.W2, b.b2, workspace, y);
  });
  const accel::HeapUse gemms = accel::heap_use_of([&] {
    for (int call = 0; call < 3; ++call) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 64, 512, 128, 1, b.x.data(), 128, b.W1.data(), 128, 0,
                  h.data(), 512);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 64, 128, 512, 1, h.data(), 512, b.W2.data(), 512, 1,
                  y.data(), 128);
    }
  });
  EXPECT_LE(fast.calls, gemms.calls) << "three calls of mlp_fast with a sized workspace made " << fast.calls
                                     << " heap allocations (" << fast.bytes << " bytes); their six sgemm calls alone "
                                     << "make " << gemms.calls << " (" << accel::heap_counter_coverage() << ")";
}

// ------------------------------------------------------------------------------ mlp_region_costs

void expect_cost(const accel::OpCost& got, double flops, double bytes, const std::string& what) {
  EXPECT_DOUBLE_EQ(got.flops, flops) << what << ": FLOPs";
  EXPECT_DOUBLE_EQ(got.bytes, bytes) << what << ": bytes";
}

// batch 2, d_model 3, d_ff 4, worked out from the formulas in capstone.hpp.
void expect_hand_costs(const std::array<accel::OpCost, 3>& costs, MlpVariant variant) {
  const bool naive = variant == MlpVariant::naive;
  expect_cost(costs[0], 48, 104, "gemm 1: 2·2·4·3 FLOPs; 4·(6 + 12 + 8) bytes");
  expect_cost(costs[1], 80, naive ? 592 : 80, naive ? "bias + GELU, naive: 4·(16 + 4) + 64·8" : "bias + GELU, fast: 4·(16 + 4)");
  expect_cost(costs[2], 54, 164, "gemm 2: 2·2·3·4 + 6 FLOPs; 4·(8 + 12 + 3 + 18) bytes");
}

TEST(MlpRegionCosts, HandChecked) {
  for (MlpVariant variant : {MlpVariant::naive, MlpVariant::fast}) {
    expect_hand_costs(s07::mlp_region_costs(variant, 2, 3, 4), variant);
  }
}

TEST(MlpRegionCosts, CourseShape) {
  const auto fast = s07::mlp_region_costs(MlpVariant::fast, 64, 512, 2048);
  const auto naive = s07::mlp_region_costs(MlpVariant::naive, 64, 512, 2048);
  expect_cost(fast[0], 134217728, 4849664, "gemm 1 at (64, 512, 2048)");
  expect_cost(fast[1], 1310720, 1056768, "bias + GELU, fast, at (64, 512, 2048)");
  expect_cost(naive[1], 1310720, 9445376, "bias + GELU, naive, at (64, 512, 2048)");
  expect_cost(fast[2], 134250496, 5113856, "gemm 2 at (64, 512, 2048)");
  for (std::size_t r : {0, 2}) expect_cost(naive[r], fast[r].flops, fast[r].bytes, "naive and fast GEMM regions");
}

// ----------------------------------------------------------------------------------- profile_mlp

TEST(ProfileMlp, RegionsInOrderWithTheirCostsAndShares) {
  for (MlpVariant variant : {MlpVariant::naive, MlpVariant::fast}) {
    SCOPED_TRACE(variant == MlpVariant::naive ? "naive" : "fast");
    const Block b = random_block({2, 3, 4}, 1);
    const s07::MlpProfile profile = s07::profile_mlp(variant, b.x, b.W1, b.b1, b.W2, b.b2, 3);
    expect_hand_costs({profile.regions[0].cost, profile.regions[1].cost, profile.regions[2].cost}, variant);
    double shares = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const s07::MlpRegion& region = profile.regions[i];
      EXPECT_EQ(region.name, s07::kMlpRegionNames[i]);
      EXPECT_TRUE(std::isfinite(region.ms) && region.ms > 0) << region.name << ": " << region.ms << " ms";
      EXPECT_NEAR(region.share, region.ms / profile.total_ms(), 1e-12) << region.name;
      shares += region.share;
    }
    EXPECT_NEAR(shares, 1.0, 1e-12) << "the shares of the three regions";
  }
}

TEST(ProfileMlp, TimesTheRealBlock) {
  const std::uint64_t seed = check::seed();
  const Block b = random_block({5, 16, 40}, seed);
  for (MlpVariant variant : {MlpVariant::naive, MlpVariant::fast}) {
    SCOPED_TRACE(std::string(variant == MlpVariant::naive ? "naive" : "fast") + ", " + describe({5, 16, 40}) + ", " +
                 check::seed_note(seed));
    EXPECT_TRUE(matches_reference(s07::profile_mlp(variant, b.x, b.W1, b.b1, b.W2, b.b2, 2).output, b));
  }
}

TEST(ProfileMlp, BadArgumentsAreRejected) {
  const Block b = random_block({2, 3, 4}, 1);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>(
      [&] { s07::profile_mlp(MlpVariant::fast, b.x, b.W1, b.b1, b.W2, b.b2, 0); }, "rounds"));
  check_shape_errors([](const Block& bad) { s07::profile_mlp(MlpVariant::fast, bad.x, bad.W1, bad.b1, bad.W2, bad.b2, 1); });
}

}  // namespace
