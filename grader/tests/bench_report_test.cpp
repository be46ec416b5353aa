#include "bench_report.hpp"

#include <gtest/gtest.h>

namespace {

using namespace accel::grader;

TEST(BenchReport, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(median({5, 1, 3}), 3);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median({7}), 7);
}

// Shaped like Google Benchmark 1.7's JSON for one run of a case with a fixed count.
constexpr const char* kReport = R"json({
  "context": {"date": "2026-11-21", "num_cpus": 2, "caches": [{"type": "Data", "level": 1, "size": 49152}],
              "load_avg": [1.5, 1.0, 0.7], "library_build_type": "debug", "cpu_model": "Xeon"},
  "benchmarks": [
    {"name": "student/matmul_ikj/512/iterations:40", "run_name": "student/matmul_ikj/512/iterations:40",
     "run_type": "iteration", "iterations": 40, "real_time": 6.5, "cpu_time": 6.4, "time_unit": "ms",
     "FLOPS": 4.1e10, "bytes_per_second": 5.2e8},
    {"name": "student/matmul_ikj/512/iterations:40_mean", "run_name": "student/matmul_ikj/512/iterations:40",
     "run_type": "aggregate", "aggregate_name": "mean", "real_time": 6.5, "time_unit": "ms"},
    {"name": "student/broken/512", "run_name": "student/broken/512", "run_type": "iteration",
     "error_occurred": true, "error_message": "stage 02: dot is not implemented yet (...)"}
  ]})json";

TEST(BenchReport, ReadsRunsInNanosecondsWithTheirCounters) {
  const auto runs = parse_bench_json(kReport);
  ASSERT_EQ(runs.size(), 2u);  // the aggregate is left out
  EXPECT_EQ(runs[0].name, "student/matmul_ikj/512/iterations:40");
  EXPECT_EQ(runs[0].iterations, 40u);
  EXPECT_DOUBLE_EQ(runs[0].real_time_ns, 6.5e6);
  EXPECT_DOUBLE_EQ(runs[0].flops_per_second, 4.1e10);
  EXPECT_DOUBLE_EQ(runs[0].bytes_per_second, 5.2e8);
  EXPECT_TRUE(runs[0].error.empty());
}

TEST(BenchReport, KeepsTheErrorMessage) {
  const auto runs = parse_bench_json(kReport);
  EXPECT_EQ(runs[1].name, "student/broken/512");
  EXPECT_EQ(runs[1].error, "stage 02: dot is not implemented yet (...)");
}

TEST(BenchReport, MalformedReportsThrow) {
  EXPECT_THROW(parse_bench_json("{"), ReportError);
  EXPECT_THROW(parse_bench_json("{\"context\": {}}"), ReportError);
  EXPECT_THROW(parse_bench_json(R"({"benchmarks": [{"name": "a", "real_time": 1, "time_unit": "fortnights"}]})"),
               ReportError);
}

bool untrusted(const std::string& report) {
  try {
    parse_bench_json(report);
  } catch (const ReportError& error) {
    return error.untrusted();
  }
  return false;
}

// As for GoogleTest's report: only what Google Benchmark writes, and nothing more.
TEST(BenchReport, AReportTheLibraryCouldNotHaveWrittenIsNotTrusted) {
  const std::string real = kReport;
  EXPECT_TRUE(untrusted(real + real));
  EXPECT_TRUE(untrusted(real + "\n]"));
  EXPECT_TRUE(untrusted(R"({"benchmarks": [], "context": )" + real + "}"));
  EXPECT_TRUE(untrusted(R"({"benchmarks": [)" + real + "]}"));
  EXPECT_TRUE(untrusted(R"({"benchmarks": [{"name": "a", "real_time": [1]}]})"));
  EXPECT_TRUE(untrusted(R"({"context": {"caches": [{"size": {"x": 1}}]}, "benchmarks": []})"));
  EXPECT_FALSE(untrusted(""));
  EXPECT_NO_THROW(parse_bench_json(real));
}

}  // namespace
