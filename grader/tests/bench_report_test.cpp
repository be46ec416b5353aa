#include "bench_report.hpp"

#include <regex>

#include <gtest/gtest.h>

#include "gtest_report.hpp"

namespace {

using namespace accel::grader;

TEST(BenchReport, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(median({5, 1, 3}), 3);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median({7}), 7);
}

// Shaped like Google Benchmark 1.7's JSON with repetitions: iteration entries carry
// run_name, aggregates add a suffix to name.
constexpr const char* kReport = R"json({
  "context": {},
  "benchmarks": [
    {"name": "baseline/ijk/512", "run_name": "baseline/ijk/512", "run_type": "iteration", "repetition_index": 0,
     "real_time": 500, "cpu_time": 250, "time_unit": "ms"},
    {"name": "student/ikj/512", "run_name": "student/ikj/512", "run_type": "iteration", "repetition_index": 0,
     "real_time": 20000, "time_unit": "us"},
    {"name": "baseline/ijk/512", "run_name": "baseline/ijk/512", "run_type": "iteration", "repetition_index": 1,
     "real_time": 900, "time_unit": "ms"},
    {"name": "baseline/ijk/512", "run_name": "baseline/ijk/512", "run_type": "iteration", "repetition_index": 2,
     "real_time": 400, "time_unit": "ms"},
    {"name": "student/ikj/512", "run_name": "student/ikj/512", "run_type": "iteration", "repetition_index": 1,
     "real_time": 30000, "time_unit": "us"},
    {"name": "baseline/ijk/512_mean", "run_name": "baseline/ijk/512", "run_type": "aggregate",
     "aggregate_name": "mean", "real_time": 600, "time_unit": "ms"},
    {"name": "baseline/ijk/512_median", "run_name": "baseline/ijk/512", "run_type": "aggregate",
     "aggregate_name": "median", "real_time": 500, "time_unit": "ms"},
    {"name": "only/aggregate_median", "run_name": "only/aggregate", "run_type": "aggregate",
     "aggregate_name": "median", "real_time": 3, "time_unit": "s"},
    {"name": "student/broken/512", "run_name": "student/broken/512", "run_type": "iteration",
     "error_occurred": true, "error_message": "stage 02: dot is not implemented yet (...)"}
  ]})json";

TEST(BenchReport, MedianOfRepetitionsInNanoseconds) {
  const auto cases = parse_bench_json(kReport);
  ASSERT_EQ(cases.size(), 4u);
  const BenchCase& baseline = cases.at("baseline/ijk/512");
  EXPECT_EQ(baseline.real_times_ns, (std::vector<double>{500e6, 900e6, 400e6}));
  EXPECT_EQ(baseline.median_ns(), 500e6);
  EXPECT_EQ(cases.at("student/ikj/512").median_ns(), 25e6);  // even count, microseconds
}

TEST(BenchReport, FallsBackToTheMedianAggregate) {
  const auto cases = parse_bench_json(kReport);
  EXPECT_TRUE(cases.at("only/aggregate").real_times_ns.empty());
  EXPECT_EQ(cases.at("only/aggregate").median_ns(), 3e9);
}

TEST(BenchReport, KeepsTheErrorMessage) {
  const auto cases = parse_bench_json(kReport);
  EXPECT_EQ(cases.at("student/broken/512").error, "stage 02: dot is not implemented yet (...)");
  EXPECT_FALSE(cases.at("student/broken/512").median_ns().has_value());
}

TEST(BenchReport, MalformedReportsThrow) {
  EXPECT_THROW(parse_bench_json("{"), ReportError);
  EXPECT_THROW(parse_bench_json("{\"context\": {}}"), ReportError);
  EXPECT_THROW(parse_bench_json(R"({"benchmarks": [{"name": "a", "real_time": 1, "time_unit": "fortnights"}]})"),
               ReportError);
}

TEST(BenchReport, ExactFilterSelectsOnlyTheNamedCases) {
  const std::string filter = exact_filter({"baseline/matmul_ijk/512", "student/f(x).y/8"});
  EXPECT_EQ(filter, "^(baseline/matmul_ijk/512|student/f\\(x\\)\\.y/8)$");
  const std::regex pattern(filter);
  EXPECT_TRUE(std::regex_search("baseline/matmul_ijk/512", pattern));
  EXPECT_TRUE(std::regex_search("student/f(x).y/8", pattern));
  EXPECT_FALSE(std::regex_search("baseline/matmul_ijk/5120", pattern));
  EXPECT_FALSE(std::regex_search("xbaseline/matmul_ijk/512", pattern));
  EXPECT_FALSE(std::regex_search("student/f(x)zy/8", pattern));
}

}  // namespace
