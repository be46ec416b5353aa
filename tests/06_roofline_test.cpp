// Stage 06 public tests: the probes (for sanity only: no test asserts a speed), the
// roofline model and the kernels' costs against numbers worked out by hand, and the SVG
// read back with an XML parser: every roof and dot where the axes say it must be.

#include "roofline.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "accel/check.hpp"

namespace {

namespace check = accel::check;
namespace s06 = accel::stage06;
using accel::OpCost;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const s06::Roofs kSeedRoofs{400, 45};  // the seed's example machine: 400 GFLOP/s, 45 GB/s

// ---------------------------------------------------------------------------------------
// Task 1 and 2: the probes

TEST(FmaGflops, OneChainAndManyChainsGiveAFiniteRate) {
  for (std::size_t chains : {1, 2, 16}) {
    const double rate = s06::fma_gflops(chains);
    EXPECT_TRUE(std::isfinite(rate) && rate > 0) << "fma_gflops(" << chains << ") returned " << rate;
  }
}

TEST(FmaGflops, AccumulatorsOutsideOneToSixteenAreRejected) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::fma_gflops(0); }, "0"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::fma_gflops(17); }, "17"));
}

TEST(PeakGflops, IsFiniteAndPositive) {
  const double peak = s06::peak_gflops();
  EXPECT_TRUE(std::isfinite(peak) && peak > 0) << "peak_gflops() returned " << peak;
}

TEST(StreamTriad, SmallestAndCacheSizedFootprintsGiveAFiniteRate) {
  for (std::size_t bytes : {std::size_t{192}, std::size_t{1000}, std::size_t{1} << 20}) {
    const double rate = s06::stream_triad_gbps(bytes);
    EXPECT_TRUE(std::isfinite(rate) && rate > 0) << "stream_triad_gbps(" << bytes << ") returned " << rate;
  }
}

TEST(StreamTriad, FootprintBelowSixteenFloatsPerArrayIsRejected) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::stream_triad_gbps(0); }, "0"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::stream_triad_gbps(191); }, "191"));
}

// ---------------------------------------------------------------------------------------
// Task 3: the model, on the seed's machine (400 GFLOP/s, 45 GB/s) and round numbers

TEST(ArithmeticIntensity, FlopsPerByte) {
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity({1000, 12000}), 1.0 / 12);  // add: the seed's "0.08"
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity({2, 8}), 0.25);
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity({0, 8}), 0.0);  // a copy
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity({2e9, 1.2e7}), 2e9 / 1.2e7);
}

TEST(ArithmeticIntensity, NoBytesOrBadCountsAreRejected) {
  for (const OpCost& cost : {OpCost{10, 0}, OpCost{-1, 8}, OpCost{1, -8}, OpCost{kNaN, 8}, OpCost{1, kInf}}) {
    EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s06::arithmetic_intensity(cost); }, "arithmetic"))
        << "cost {" << cost.flops << ", " << cost.bytes << "}";
  }
}

TEST(AttainableGflops, MinimumOfPeakAndIntensityTimesBandwidth) {
  EXPECT_DOUBLE_EQ(s06::attainable_gflops(1.0 / 12, kSeedRoofs), 3.75);  // add: the seed's "3.6"
  EXPECT_DOUBLE_EQ(s06::attainable_gflops(1.0, kSeedRoofs), 45.0);        // fused GELU's AI in the seed
  EXPECT_DOUBLE_EQ(s06::attainable_gflops(1024.0 / 6, kSeedRoofs), 400.0);  // matmul N = 1024: the peak
  EXPECT_DOUBLE_EQ(s06::attainable_gflops(400.0 / 45, kSeedRoofs), 400.0);  // at the ridge both agree
  EXPECT_DOUBLE_EQ(s06::attainable_gflops(0.0, kSeedRoofs), 0.0);
}

TEST(AttainableGflops, BadIntensityOrRoofsAreRejected) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::attainable_gflops(-1, kSeedRoofs); }, "-1"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::attainable_gflops(kNaN, kSeedRoofs); }, "nan"));
  for (const s06::Roofs& roofs : {s06::Roofs{0, 45}, s06::Roofs{400, 0}, s06::Roofs{-400, 45}, s06::Roofs{400, kInf}}) {
    EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s06::attainable_gflops(1, roofs); }, "roofs"))
        << "roofs {" << roofs.peak_gflops << ", " << roofs.bandwidth_gbps << "}";
  }
}

TEST(RidgePoint, PeakOverBandwidth) {
  EXPECT_DOUBLE_EQ(s06::ridge_point(kSeedRoofs), 400.0 / 45);  // 8.9 FLOP/byte
  EXPECT_DOUBLE_EQ(s06::ridge_point({100, 20}), 5.0);
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::ridge_point({100, 0}); }, "roofs"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::ridge_point({kNaN, 20}); }, "roofs"));
}

TEST(Classify, MemoryBoundBelowTheRidgeComputeBoundFromIt) {
  const s06::Roofs roofs{100, 20};  // ridge at 5 FLOP/byte
  EXPECT_EQ(s06::classify(0.0, roofs), s06::Bound::memory);
  EXPECT_EQ(s06::classify(1.0 / 12, roofs), s06::Bound::memory);  // add
  EXPECT_EQ(s06::classify(4.99, roofs), s06::Bound::memory);
  EXPECT_EQ(s06::classify(5.0, roofs), s06::Bound::compute);
  EXPECT_EQ(s06::classify(1024.0 / 6, roofs), s06::Bound::compute);  // matmul N = 1024
  EXPECT_EQ(s06::classify(1.125, kSeedRoofs), s06::Bound::memory);   // fused GELU
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s06::classify(-0.5, roofs); }, "-0.5"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::classify(1, {100, -20}); }, "roofs"));
}

TEST(PredictSeconds, LongerOfComputeTimeAndMemoryTime) {
  const s06::Roofs roofs{100, 10};  // 100 GFLOP/s, 10 GB/s
  // add of a million floats: 12 MB at 10 GB/s = 1.2 ms (its 1 MFLOP would take 10 us).
  EXPECT_NEAR(s06::predict_seconds({1e6, 12e6}, roofs), 1.2e-3, 1e-15);
  // matmul N = 1024, ideal traffic: 2.147 GFLOP at 100 GFLOP/s = 21.47 ms (12.6 MB: 1.26 ms).
  EXPECT_NEAR(s06::predict_seconds({2.0 * 1024 * 1024 * 1024, 12.0 * 1024 * 1024}, roofs), 0.021474836480, 1e-15);
  EXPECT_NEAR(s06::predict_seconds({0, 8e6}, roofs), 0.8e-3, 1e-15);  // a copy: no FLOPs, still time
  EXPECT_EQ(s06::predict_seconds({0, 0}, roofs), 0.0);
  // At the ridge (10 FLOP/byte) compute and memory take the same time.
  EXPECT_NEAR(s06::predict_seconds({1e9, 1e8}, roofs), 0.01, 1e-15);
}

TEST(PredictSeconds, BadCostOrRoofsAreRejected) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::predict_seconds({-1, 8}, {100, 10}); }, "-1"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::predict_seconds({1, kNaN}, {100, 10}); }, "nan"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::predict_seconds({1, 8}, {0, 10}); }, "roofs"));
}

// ---------------------------------------------------------------------------------------
// Task 4: the course's kernels, counted by hand

void expect_cost(const OpCost& got, double flops, double bytes, const std::string& what) {
  EXPECT_DOUBLE_EQ(got.flops, flops) << what << ": FLOPs";
  EXPECT_DOUBLE_EQ(got.bytes, bytes) << what << ": bytes";
}

TEST(KernelCosts, ElementWise) {
  expect_cost(s06::add_cost(1000), 1000, 12000, "add_cost(1000): read a and b, write out");
  expect_cost(s06::dot_cost(1000), 2000, 8000, "dot_cost(1000): read a and b, no array written");
  expect_cost(s06::triad_cost(1000), 2000, 12000, "triad_cost(1000)");
  expect_cost(s06::add_cost(0), 0, 0, "add_cost(0)");
  EXPECT_NEAR(s06::arithmetic_intensity(s06::add_cost(1 << 20)), 0.08, 0.004);  // the seed's table
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity(s06::dot_cost(4096)), 0.25);
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity(s06::triad_cost(4096)), 1.0 / 6);
}

TEST(KernelCosts, GeluFusionCutsTrafficEightfold) {
  // Stage 04's count: 9 FLOPs per element; 9 reads + 7 writes of 4 bytes for the seven
  // passes, 1 read + 1 write fused.
  expect_cost(s06::gelu_unfused_cost(1000), 9000, 64000, "gelu_unfused_cost(1000)");
  expect_cost(s06::gelu_fused_cost(1000), 9000, 8000, "gelu_fused_cost(1000)");
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity(s06::gelu_unfused_cost(4000000)), 9.0 / 64);  // 0.14
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity(s06::gelu_fused_cost(4000000)), 9.0 / 8);     // 1.1
}

TEST(KernelCosts, MatmulIdealIsTheSeedsNOverSix) {
  const double n = 1024;
  expect_cost(s06::matmul_ideal_cost(1024), 2 * n * n * n, 12 * n * n, "matmul_ideal_cost(1024)");
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity(s06::matmul_ideal_cost(1024)), 1024.0 / 6);  // the seed's 171
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity(s06::matmul_ideal_cost(6)), 1.0);
}

TEST(KernelCosts, MatmulNaiveLoadsTwoFloatsPerMultiplyAdd) {
  // n = 2: 8 multiply-adds, each loading an A and a B element (16 floats), and 4 C writes.
  expect_cost(s06::matmul_naive_cost(2), 16, 4 * (16 + 4), "matmul_naive_cost(2)");
  EXPECT_DOUBLE_EQ(s06::arithmetic_intensity(s06::matmul_naive_cost(1024)), 2.0 / (8 + 4.0 / 1024));  // about 0.25
}

TEST(KernelCosts, MatmulTiledLiesBetweenNaiveAndIdeal) {
  // n = 4, tile = 2: 8 block products, each loading 2 blocks of 4 floats (64 floats), and
  // C's 16 floats written once: 80 floats.
  expect_cost(s06::matmul_tiled_cost(4, 2), 128, 4 * 80, "matmul_tiled_cost(4, 2)");
  const double n = 1024;
  expect_cost(s06::matmul_tiled_cost(1024, 64), 2 * n * n * n, 4 * (2 * n * n * n / 64 + n * n),
              "matmul_tiled_cost(1024, 64)");
  EXPECT_NEAR(s06::arithmetic_intensity(s06::matmul_tiled_cost(1024, 64)), 16.0 / (1 + 64.0 / 2048), 1e-9);
  const OpCost naive = s06::matmul_naive_cost(96), ideal = s06::matmul_ideal_cost(96);
  expect_cost(s06::matmul_tiled_cost(96, 1), naive.flops, naive.bytes, "matmul_tiled_cost(96, 1) = naive");
  expect_cost(s06::matmul_tiled_cost(96, 96), ideal.flops, ideal.bytes, "matmul_tiled_cost(96, 96) = ideal");
}

TEST(KernelCosts, TileOutsideOneToNIsRejected) {
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::matmul_tiled_cost(64, 0); }, "0"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([] { s06::matmul_tiled_cost(64, 65); }, "65"));
}

// ---------------------------------------------------------------------------------------
// Task 5: the picture, read back as XML

// Where the axes put a value: pixel = origin + per_decade·log10(value), fitted from the
// first and last tick of an axis after checking that every tick sits on that line.
struct AxisScale {
  double origin = 0, per_decade = 0;
  double at(double value) const { return origin + per_decade * std::log10(value); }
};

// Reads the ticks of one axis ("x" or "y"), checks they are consecutive decades, evenly
// spaced, and returns the scale with the first and last decade.
AxisScale read_axis(const pugi::xml_document& svg, const std::string& axis, int& first, int& last) {
  std::vector<std::pair<double, double>> ticks;  // (log10 value, pixel)
  for (const pugi::xpath_node& node : svg.select_nodes(("//text[@class='" + axis + "-tick']").c_str())) {
    const double value = std::stod(node.node().child_value());
    ticks.emplace_back(std::log10(value), node.node().attribute(axis.c_str()).as_double());
  }
  AxisScale scale;
  if (ticks.size() < 2) {
    ADD_FAILURE() << "the " << axis << " axis has " << ticks.size() << " tick labels (class=\"" << axis
                  << "-tick\"); a log axis needs at least two decades";
    return scale;
  }
  scale.per_decade = (ticks.back().second - ticks.front().second) / (ticks.back().first - ticks.front().first);
  scale.origin = ticks.front().second - scale.per_decade * ticks.front().first;
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    EXPECT_NEAR(ticks[i].first, ticks.front().first + double(i), 1e-9) << axis << " tick " << i << " is not the next decade";
    EXPECT_NEAR(ticks[i].second, scale.at(std::pow(10.0, ticks[i].first)), 0.5) << axis << " tick " << i
                                                                                << " is off the log scale";
  }
  first = int(std::lround(ticks.front().first));
  last = int(std::lround(ticks.back().first));
  return scale;
}

pugi::xml_node element(const pugi::xml_document& svg, const std::string& tag, const std::string& cls,
                       const std::string& label) {
  return svg.select_node(("//" + tag + "[@class='" + cls + "'][@data-label='" + label + "']").c_str()).node();
}

bool has_visible_text(const pugi::xml_document& svg, const std::string& label) {
  for (const pugi::xpath_node& node : svg.select_nodes("//text")) {
    if (std::string(node.node().child_value()).find(label) != std::string::npos) return true;
  }
  return false;
}

class RooflineSvg : public ::testing::Test {
 protected:
  // Hand-picked roofs: the x decades must cover the points (1/12 to 170.7) and the ridge
  // points (160/400 = 0.4, 160/200 = 0.8, 160/12.5 = 12.8): 0.01 to 1000. The y decades
  // cover the points (1 and 120) and the compute roofs (10, 80, 160): 1 to 1000.
  const s06::MachineRoofs roofs{{{"FMA peak", 160}, {"no FMA", 80}, {"no SIMD", 10}},
                                {{"L1", 400}, {"L2", 200}, {"DRAM", 12.5}}};
  const std::vector<s06::KernelPoint> points{{"add (DRAM)", 1.0 / 12, 1.0}, {"matmul 1024", 1024.0 / 6, 120}};
  const std::string path = ::testing::TempDir() + "stage06_roofline_test.svg";

  void TearDown() override { std::filesystem::remove(path); }

  pugi::xml_document write_and_parse() {
    s06::write_roofline_svg(roofs, points, path);
    pugi::xml_document svg;
    const pugi::xml_parse_result parsed = svg.load_file(path.c_str());
    EXPECT_TRUE(parsed) << path << " is not well-formed XML: " << parsed.description() << " at byte " << parsed.offset;
    return svg;
  }
};

TEST_F(RooflineSvg, IsAnSvgOfTheDocumentedSizeWithAxisTitles) {
  const pugi::xml_document svg = write_and_parse();
  const pugi::xml_node root = svg.child("svg");
  ASSERT_TRUE(root) << "the root element must be <svg>";
  EXPECT_STREQ(root.attribute("width").value(), "800");
  EXPECT_STREQ(root.attribute("height").value(), "560");
  EXPECT_NE(std::string(svg.select_node("//text[@class='x-title']").node().child_value()).find("FLOP/byte"),
            std::string::npos);
  EXPECT_NE(std::string(svg.select_node("//text[@class='y-title']").node().child_value()).find("GFLOP/s"),
            std::string::npos);
}

TEST_F(RooflineSvg, AxesAreWholeDecadesCoveringPointsRoofsAndRidges) {
  const pugi::xml_document svg = write_and_parse();
  int x_first = 0, x_last = 0, y_first = 0, y_last = 0;
  const AxisScale x = read_axis(svg, "x", x_first, x_last), y = read_axis(svg, "y", y_first, y_last);
  EXPECT_EQ(x_first, -2) << "the x axis must start at 0.01 (the smallest intensity is 1/12)";
  EXPECT_EQ(x_last, 3) << "the x axis must end at 1000 (the largest intensity is 170.7)";
  EXPECT_EQ(y_first, 0) << "the y axis must start at 1 GFLOP/s";
  EXPECT_EQ(y_last, 3) << "the y axis must end at 1000 GFLOP/s";
  EXPECT_GT(x.per_decade, 0) << "intensity grows to the right";
  EXPECT_LT(y.per_decade, 0) << "GFLOP/s grows upwards (SVG's y grows downwards)";
}

TEST_F(RooflineSvg, EveryKernelDotSitsAtItsIntensityAndRate) {
  const pugi::xml_document svg = write_and_parse();
  int first = 0, last = 0;
  const AxisScale x = read_axis(svg, "x", first, last), y = read_axis(svg, "y", first, last);
  EXPECT_EQ(svg.select_nodes("//circle[@class='kernel']").size(), points.size());
  for (const s06::KernelPoint& point : points) {
    SCOPED_TRACE("kernel \"" + point.label + "\"");
    const pugi::xml_node dot = element(svg, "circle", "kernel", point.label);
    ASSERT_TRUE(dot) << "no <circle class=\"kernel\" data-label=\"" << point.label << "\">";
    EXPECT_NEAR(dot.attribute("cx").as_double(), x.at(point.intensity), 0.5);
    EXPECT_NEAR(dot.attribute("cy").as_double(), y.at(point.gflops), 0.5);
    EXPECT_TRUE(has_visible_text(svg, point.label)) << "no <text> shows the label";
  }
}

TEST_F(RooflineSvg, ComputeRoofsAreHorizontalFromTheFastestMemoryRoofToTheRightEdge) {
  const pugi::xml_document svg = write_and_parse();
  int x_first = 0, x_last = 0, y_first = 0, y_last = 0;
  const AxisScale x = read_axis(svg, "x", x_first, x_last), y = read_axis(svg, "y", y_first, y_last);
  for (const s06::ComputeRoof& roof : roofs.compute) {
    SCOPED_TRACE("compute roof \"" + roof.label + "\"");
    const pugi::xml_node line = element(svg, "line", "compute-roof", roof.label);
    ASSERT_TRUE(line) << "no <line class=\"compute-roof\" data-label=\"" << roof.label << "\">";
    EXPECT_NEAR(line.attribute("y1").as_double(), y.at(roof.gflops), 0.5);
    EXPECT_NEAR(line.attribute("y2").as_double(), y.at(roof.gflops), 0.5);
    // It starts where the L1 roof (400 GB/s) reaches its height: at gflops / 400 FLOP/byte.
    EXPECT_NEAR(line.attribute("x1").as_double(), x.at(roof.gflops / 400), 0.5);
    EXPECT_NEAR(line.attribute("x2").as_double(), x.at(std::pow(10.0, x_last)), 0.5);
    EXPECT_TRUE(has_visible_text(svg, roof.label)) << "no <text> shows the label";
  }
}

TEST_F(RooflineSvg, MemoryRoofsRiseWithTheirBandwidthUpToTheirRidgePoint) {
  const pugi::xml_document svg = write_and_parse();
  int x_first = 0, x_last = 0, y_first = 0, y_last = 0;
  const AxisScale x = read_axis(svg, "x", x_first, x_last), y = read_axis(svg, "y", y_first, y_last);
  // Where each line must start: L1 and L2 at the left edge (0.01 FLOP/byte: 4 and 2
  // GFLOP/s, above the bottom); DRAM (0.125 GFLOP/s at 0.01) where it crosses 1 GFLOP/s,
  // at 0.08 FLOP/byte. Each ends at its ridge point, at the 160 GFLOP/s peak.
  const std::vector<std::pair<double, double>> starts{{0.01, 4}, {0.01, 2}, {0.08, 1}};
  for (std::size_t i = 0; i < roofs.memory.size(); ++i) {
    const s06::MemoryRoof& roof = roofs.memory[i];
    SCOPED_TRACE("memory roof \"" + roof.label + "\"");
    const pugi::xml_node line = element(svg, "line", "memory-roof", roof.label);
    ASSERT_TRUE(line) << "no <line class=\"memory-roof\" data-label=\"" << roof.label << "\">";
    EXPECT_NEAR(line.attribute("x1").as_double(), x.at(starts[i].first), 0.5);
    EXPECT_NEAR(line.attribute("y1").as_double(), y.at(starts[i].second), 0.5);
    EXPECT_NEAR(line.attribute("x2").as_double(), x.at(160 / roof.gbps), 0.5);
    EXPECT_NEAR(line.attribute("y2").as_double(), y.at(160), 0.5);
    EXPECT_TRUE(has_visible_text(svg, roof.label)) << "no <text> shows the label";
  }
}

TEST_F(RooflineSvg, LabelsWithMarkupCharactersAreEscaped) {
  const std::vector<s06::KernelPoint> tricky{{"a<b & \"c\">", 1, 1}};
  s06::write_roofline_svg(roofs, tricky, path);
  pugi::xml_document svg;
  ASSERT_TRUE(svg.load_file(path.c_str())) << "a label with <, &, \" and > must still give well-formed XML";
  EXPECT_STREQ(svg.select_node("//circle[@class='kernel']").node().attribute("data-label").value(), "a<b & \"c\">");
}

TEST_F(RooflineSvg, BadRoofsOrPointsAreRejectedAndNothingIsWritten) {
  const auto rejects = [&](const s06::MachineRoofs& bad_roofs, const std::vector<s06::KernelPoint>& bad_points,
                           const char* expected) {
    EXPECT_TRUE(check::throws_with<std::invalid_argument>(
        [&] { s06::write_roofline_svg(bad_roofs, bad_points, path); }, expected));
    EXPECT_FALSE(std::filesystem::exists(path)) << "a rejected call must not write " << path;
  };
  rejects({{}, roofs.memory}, points, "compute roof");
  rejects({roofs.compute, {}}, points, "memory roof");
  rejects({roofs.compute, {{"DRAM", 0}}}, points, "DRAM");
  rejects({{{"FMA peak", 160}, {"turbo", 200}}, roofs.memory}, points, "turbo");
  rejects(roofs, {{"zero", 0, 1}}, "zero");
  rejects(roofs, {{"nan", 1, kNaN}}, "nan");
  rejects(roofs, {{"twice", 1, 1}, {"twice", 2, 2}}, "twice");
}

TEST_F(RooflineSvg, UnwritablePathIsReported) {
  const std::string unwritable = ::testing::TempDir() + "no-such-directory/roofline.svg";
  EXPECT_TRUE(check::throws_with<std::runtime_error>([&] { s06::write_roofline_svg(roofs, points, unwritable); },
                                                     unwritable));
}

}  // namespace
