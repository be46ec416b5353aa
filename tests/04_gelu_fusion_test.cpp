// Stage 04 public tests: gelu_unfused, gelu_fused, gelu_fused_simd, bias_gelu and the
// traffic formulas. Accuracy is judged against the tanh form of GELU in double precision
// (not the erf form: the two differ by up to ~5e-4, more than the tolerance).

#include "gelu_fusion.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accel/check.hpp"
#include "accel/compare.hpp"
#include "accel/heap_counter.hpp"

namespace {

using accel::Tensor;
using accel::gelu_reference;
namespace check = accel::check;
namespace s04 = accel::stage04;

// The tests run the branch of gelu_fused_simd this build compiled; say which, so a run
// under qemu shows that the NEON code, not the scalar fallback, was checked.
[[maybe_unused]] const bool kAnnounced = check::announce_simd_path("04", [] { return s04::gelu_fused_simd_path(); });

constexpr double kAtol = 1e-5, kRtol = 1e-4;
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<double> gelu_reference(std::span<const float> x) {
  std::vector<double> expected(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) expected[i] = gelu_reference(double(x[i]));
  return expected;
}

// [-10, 10] in steps of 1/4096 (81,921 points): every float GELU sees in practice, densely.
std::vector<float> dense_sweep() {
  std::vector<float> x;
  for (int i = -40960; i <= 40960; ++i) x.push_back(float(i) / 4096.0f);
  return x;
}

// Values a kernel meets at the edges: infinities, NaN, huge and tiny magnitudes, signed
// zeros, denormals, the point where tanh saturates in float, and where x³ overflows.
std::vector<float> extreme_values() {
  return {kInf, -kInf, kNaN, -kNaN, 1e4f, -1e4f, 1e13f, -1e13f, std::numeric_limits<float>::max(),
          std::numeric_limits<float>::lowest(), 0.0f, -0.0f, 1e-40f, -1e-40f, 1e-20f, -1e-20f,
          9.0f, -9.0f, 10.0f, -10.0f, 10.5f, -10.5f, 20.0f, -20.0f, 100.0f, -100.0f, 5e12f, -5e12f};
}

using SpanKernel = void (*)(std::span<const float>, std::span<float>);

// Runs a span kernel on x into a guarded, possibly misaligned output pre-filled with
// garbage, and checks every value and the guard cells.
void check_span_kernel(SpanKernel kernel, const char* name, std::span<const float> x, std::size_t misalign,
                       const std::string& context) {
  SCOPED_TRACE(std::string(name) + " with n=" + std::to_string(x.size()) + ", output offset " +
               std::to_string(misalign) + " floats, " + context);
  check::GuardedBuffer out(x.size(), misalign, 1234.5f);
  kernel(x, out.span());
  EXPECT_TRUE(check::allclose(out.span(), gelu_reference(x), kAtol, kRtol));
  EXPECT_TRUE(out.guards_intact());
}

// A copy of values starting `misalign` floats past a 64-byte boundary.
class OffsetInput {
 public:
  OffsetInput(std::span<const float> values, std::size_t misalign) : buffer_(values.size(), misalign) {
    std::copy(values.begin(), values.end(), buffer_.data());
  }
  std::span<const float> span() const { return buffer_.span(); }

 private:
  check::GuardedBuffer buffer_;
};

// The checks gelu_fused and gelu_fused_simd share.
void check_every_length_and_offset(SpanKernel kernel, const char* name) {
  const std::uint64_t seed = check::seed();
  for (std::size_t n = 0; n <= 70; ++n) {
    const Tensor x = Tensor::random({n}, seed + n, -6.0f, 6.0f);
    for (std::size_t x_offset : {0, 1, 3}) {
      const OffsetInput input(x.span(), x_offset);
      for (std::size_t out_offset : {0, 1, 2, 5, 7}) {
        check_span_kernel(kernel, name, input.span(), out_offset,
                          "input offset " + std::to_string(x_offset) + " floats, x = Tensor::random(n, seed + n), " +
                              check::seed_note(seed));
        if (::testing::Test::HasFailure()) return;  // one report is enough
      }
    }
  }
}

void check_extremes_in_every_lane(SpanKernel kernel, const char* name) {
  // Each special value at each position of a 19-element array (two AVX2 vectors and a
  // tail, four NEON vectors and a tail), among ordinary values: lanes must not leak.
  for (float special : extreme_values()) {
    for (std::size_t position = 0; position < 19; ++position) {
      std::vector<float> x(19);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i) * 0.37f - 3.0f;
      x[position] = special;
      std::ostringstream context;
      context << "value " << special << " at index " << position;
      check_span_kernel(kernel, name, x, 0, context.str());
      if (::testing::Test::HasFailure()) return;
    }
  }
}

void check_named_extremes(SpanKernel kernel) {
  const std::vector<float> x{kInf, -kInf, kNaN, 1e4f, -1e4f};
  std::vector<float> out(x.size(), 7.0f);
  kernel(x, out);
  EXPECT_EQ(out[0], kInf) << "GELU(+inf) must be +inf";
  EXPECT_EQ(out[1], 0.0f) << "GELU(-inf) must be 0 (-inf·0 is NaN: handle it)";
  EXPECT_TRUE(std::isnan(out[2])) << "GELU(NaN) must be NaN, got " << out[2];
  EXPECT_FLOAT_EQ(out[3], 1e4f) << "GELU(1e4) must be 1e4 (x³ = 1e12 must not turn into NaN)";
  EXPECT_NEAR(out[4], 0.0f, kAtol) << "GELU(-1e4) must be 0 (to within 1e-5)";
}

// ---------------------------------------------------------------------------------------
// Task 1: gelu_unfused

TEST(GeluUnfused, HandCheckedValues) {
  const Tensor y = s04::gelu_unfused(Tensor({5}, {0.0f, 1.0f, -1.0f, 2.0f, -3.0f}));
  ASSERT_EQ(y.shape(), (accel::Shape{5}));
  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) worked out in double precision.
  const std::vector<double> expected{0.0, 0.8411919906082768, -0.15880800939172324, 1.954597694087775,
                                     -0.0036373920817729943};
  EXPECT_TRUE(check::allclose(y.span(), expected, kAtol, kRtol));
}

TEST(GeluUnfused, DenseSweepMatchesDoubleReference) {
  const std::vector<float> values = dense_sweep();
  const Tensor x({values.size()}, values);
  const Tensor y = s04::gelu_unfused(x);
  EXPECT_TRUE(check::allclose(y.span(), gelu_reference(values), kAtol, kRtol));
}

TEST(GeluUnfused, KeepsShapeOfMatricesAndBatches) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE("gelu_unfused on (3, 5) and (2, 3, 7), " + check::seed_note(seed));
  for (const accel::Shape& shape : {accel::Shape{3, 5}, accel::Shape{2, 3, 7}}) {
    const Tensor x = Tensor::random(shape, seed, -4.0f, 4.0f);
    const Tensor y = s04::gelu_unfused(x);
    ASSERT_EQ(y.shape(), x.shape()) << "gelu_unfused must return a tensor of x's shape";
    EXPECT_TRUE(check::allclose(y.span(), gelu_reference(x.span()), kAtol, kRtol, shape.back()));
  }
}

TEST(GeluUnfused, EmptyTensor) {
  const Tensor y = s04::gelu_unfused(Tensor({0}));
  EXPECT_EQ(y.shape(), (accel::Shape{0}));
}

TEST(GeluUnfused, ExtremeValues) {
  const std::vector<float> values = extreme_values();
  const Tensor y = s04::gelu_unfused(Tensor({values.size()}, values));
  EXPECT_TRUE(check::allclose(y.span(), gelu_reference(values), kAtol, kRtol));
  check_named_extremes([](std::span<const float> x, std::span<float> out) {
    const Tensor y = s04::gelu_unfused(Tensor({x.size()}, x));
    std::copy(y.span().begin(), y.span().end(), out.begin());
  });
}

// Proves the heap counter works, and that the seven steps really make seven tensors.
TEST(GeluUnfused, AllocatesSevenIntermediateTensors) {
  constexpr std::size_t n = 10'000;
  const Tensor x = Tensor::random({n}, 1);
  const accel::HeapUse use = accel::heap_use_of([&] { const Tensor y = s04::gelu_unfused(x); });
  EXPECT_GE(use.bytes, 7 * n * sizeof(float))
      << "gelu_unfused allocated " << use.bytes << " bytes in " << use.calls << " allocations; seven steps "
      << "that each produce a new Tensor of " << n << " floats allocate at least " << 7 * n * sizeof(float);
}

// ---------------------------------------------------------------------------------------
// Task 2: gelu_fused

TEST(GeluFused, EveryLengthAndOffset) { check_every_length_and_offset(s04::gelu_fused, "gelu_fused"); }

TEST(GeluFused, DenseSweepMatchesDoubleReference) {
  check_span_kernel(s04::gelu_fused, "gelu_fused", dense_sweep(), 0, "sweep of [-10, 10] in steps of 1/4096");
}

TEST(GeluFused, LargeRandom) {
  const std::uint64_t seed = check::seed();
  const Tensor x = Tensor::random({100'003}, seed, -8.0f, 8.0f);
  check_span_kernel(s04::gelu_fused, "gelu_fused", x.span(), 3, check::seed_note(seed));
}

TEST(GeluFused, ExtremeValues) {
  check_span_kernel(s04::gelu_fused, "gelu_fused", extreme_values(), 0, "extreme values");
  check_named_extremes(s04::gelu_fused);
}

TEST(GeluFused, LengthMismatchIsRejected) {
  std::vector<float> x(5), out(4);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s04::gelu_fused(x, out); }, "5"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s04::gelu_fused(out, x); }, "4"));
}

TEST(GeluFused, AllocatesNothing) {
  const Tensor x = Tensor::random({10'000}, 1);
  Tensor out({10'000});
  const accel::HeapUse use = accel::heap_use_of([&] { s04::gelu_fused(x.span(), out.span()); });
  EXPECT_EQ(use.bytes, 0u) << "gelu_fused made " << use.calls << " heap allocations (" << use.bytes
                           << " bytes); one pass into the caller's out needs none";
}

// ---------------------------------------------------------------------------------------
// Task 3: gelu_fused_simd

TEST(GeluFusedSimd, EveryLengthAndOffset) { check_every_length_and_offset(s04::gelu_fused_simd, "gelu_fused_simd"); }

TEST(GeluFusedSimd, DenseSweepMatchesDoubleReference) {
  check_span_kernel(s04::gelu_fused_simd, "gelu_fused_simd", dense_sweep(), 0,
                    "sweep of [-10, 10] in steps of 1/4096");
}

TEST(GeluFusedSimd, WideSweepMatchesDoubleReference) {
  // Past the saturation points on both sides, out to where x³ overflows float.
  std::vector<float> x;
  for (float v = 10.0f; v < 1e13f; v *= 1.01f) {
    x.push_back(v);
    x.push_back(-v);
  }
  check_span_kernel(s04::gelu_fused_simd, "gelu_fused_simd", x, 1, "geometric sweep of ±[10, 1e13]");
}

TEST(GeluFusedSimd, LargeRandom) {
  const std::uint64_t seed = check::seed();
  const Tensor x = Tensor::random({100'003}, seed, -8.0f, 8.0f);
  check_span_kernel(s04::gelu_fused_simd, "gelu_fused_simd", x.span(), 3, check::seed_note(seed));
}

TEST(GeluFusedSimd, ExtremeValues) {
  check_span_kernel(s04::gelu_fused_simd, "gelu_fused_simd", extreme_values(), 0, "extreme values");
  check_named_extremes(s04::gelu_fused_simd);
}

TEST(GeluFusedSimd, ExtremeValuesInEveryLane) {
  check_extremes_in_every_lane(s04::gelu_fused_simd, "gelu_fused_simd");
}

TEST(GeluFusedSimd, LengthMismatchIsRejected) {
  std::vector<float> x(9), out(8);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s04::gelu_fused_simd(x, out); }, "9"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s04::gelu_fused_simd(out, x); }, "8"));
}

TEST(GeluFusedSimd, AllocatesNothing) {
  const Tensor x = Tensor::random({10'003}, 1);
  Tensor out({10'003});
  const accel::HeapUse use = accel::heap_use_of([&] { s04::gelu_fused_simd(x.span(), out.span()); });
  EXPECT_EQ(use.bytes, 0u) << "gelu_fused_simd made " << use.calls << " heap allocations (" << use.bytes
                           << " bytes); the tail fits in a few registers or a small array on the stack";
}

// ---------------------------------------------------------------------------------------
// Task 4: bias_gelu

std::vector<double> bias_gelu_reference(std::span<const float> x, std::span<const float> bias) {
  std::vector<double> expected(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) expected[i] = gelu_reference(double(x[i]) + double(bias[i % bias.size()]));
  return expected;
}

TEST(BiasGelu, HandChecked2x3) {
  const std::vector<float> x{0, 1, -1, 2, 0, 0.5f}, bias{1, -1, 0};
  std::vector<float> out(6, 7.0f);
  s04::bias_gelu(x, bias, out);
  // Row 0: GELU(1), GELU(0), GELU(-1); row 1: GELU(3), GELU(-1), GELU(0.5).
  const std::vector<double> expected{0.8411919906082768, 0.0, -0.15880800939172324, 2.996362607918227,
                                     -0.15880800939172324, 0.34571400982514394};
  EXPECT_TRUE(check::allclose(out, expected, kAtol, kRtol, 3));
}

TEST(BiasGelu, RowsAndColumns) {
  const std::uint64_t seed = check::seed();
  for (std::size_t cols : {1, 3, 7, 8, 9, 15, 16, 17, 33, 64, 65}) {
    for (std::size_t rows : {1, 2, 5}) {
      SCOPED_TRACE("bias_gelu with x (" + std::to_string(rows) + ", " + std::to_string(cols) + "), " +
                   check::seed_note(seed));
      const Tensor x = Tensor::random({rows, cols}, seed, -5.0f, 5.0f);
      const Tensor bias = Tensor::random({cols}, seed + 1, -2.0f, 2.0f);
      const OffsetInput x_input(x.span(), 1), bias_input(bias.span(), 3);
      check::GuardedBuffer out(rows * cols, 2, 1234.5f);
      s04::bias_gelu(x_input.span(), bias_input.span(), out.span());
      ASSERT_TRUE(check::allclose(out.span(), bias_gelu_reference(x.span(), bias.span()), kAtol, kRtol, cols));
      ASSERT_TRUE(out.guards_intact());
    }
  }
}

TEST(BiasGelu, ExtremeValues) {
  const std::vector<float> x = extreme_values();
  const std::vector<float> bias{0.0f, 1.0f};  // x.size() is even: two columns
  ASSERT_EQ(x.size() % 2, 0u);
  std::vector<float> out(x.size());
  s04::bias_gelu(x, bias, out);
  EXPECT_TRUE(check::allclose(out, bias_gelu_reference(x, bias), kAtol, kRtol, 2));
  const std::vector<float> saturating_bias{kInf, -kInf, kNaN, 0.0f};
  const std::vector<float> ones(4, 1.0f);
  std::vector<float> out4(4);
  s04::bias_gelu(ones, saturating_bias, out4);
  EXPECT_EQ(out4[0], kInf);
  EXPECT_EQ(out4[1], 0.0f);
  EXPECT_TRUE(std::isnan(out4[2]));
}

TEST(BiasGelu, EmptyInputWithEmptyBias) {
  std::vector<float> none;
  EXPECT_NO_THROW(s04::bias_gelu(none, none, none));
}

TEST(BiasGelu, BadLengthsAreRejected) {
  std::vector<float> x(12), bias(5), out(12), short_out(11), no_bias;
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s04::bias_gelu(x, bias, out); }, "5"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s04::bias_gelu(x, no_bias, out); }, "12"));
  std::vector<float> bias4(4);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s04::bias_gelu(x, bias4, short_out); }, "11"));
}

TEST(BiasGelu, AllocatesNothing) {
  const Tensor x = Tensor::random({64, 129}, 1);
  const Tensor bias = Tensor::random({129}, 2);
  Tensor out({64, 129});
  const accel::HeapUse use = accel::heap_use_of([&] { s04::bias_gelu(x.span(), bias.span(), out.span()); });
  EXPECT_EQ(use.bytes, 0u) << "bias_gelu made " << use.calls << " heap allocations (" << use.bytes << " bytes)";
}

// ---------------------------------------------------------------------------------------
// Task 5: the traffic formulas (README.md, "The memory tax")

TEST(TrafficBytes, UnfusedCountsSixteenArrayTripsPerElement) {
  // 9 reads + 7 writes of 4-byte floats per element: 64 bytes.
  EXPECT_EQ(s04::traffic_bytes_unfused(0), 0u);
  EXPECT_EQ(s04::traffic_bytes_unfused(1), 64u);
  EXPECT_EQ(s04::traffic_bytes_unfused(1000), 64'000u);
  EXPECT_EQ(s04::traffic_bytes_unfused(2000 * 2000), 256'000'000u);  // the seed's 2000×2000 tensor
}

TEST(TrafficBytes, FusedReadsOnceAndWritesOnce) {
  EXPECT_EQ(s04::traffic_bytes_fused(0), 0u);
  EXPECT_EQ(s04::traffic_bytes_fused(1), 8u);
  EXPECT_EQ(s04::traffic_bytes_fused(1000), 8'000u);
  EXPECT_EQ(s04::traffic_bytes_fused(2000 * 2000), 32'000'000u);
}

TEST(TrafficBytes, FusionCutsTrafficEightfold) {
  for (std::size_t n : {1, 7, 4096, 1 << 24}) EXPECT_EQ(s04::traffic_bytes_unfused(n), 8 * s04::traffic_bytes_fused(n));
}

}  // namespace
