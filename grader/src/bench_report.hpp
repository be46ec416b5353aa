#pragma once
// Reads the report Google Benchmark writes with --benchmark_out_format=json, under the
// same rule as the GoogleTest reader (gtest_report.hpp): one document, structured values
// only where Google Benchmark puts them, or the report is not trusted.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gtest_report.hpp"  // ReportError

namespace accel::grader {

struct BenchRun {
  std::string name;             // as printed: "student/matmul_ikj/512/iterations:40"
  std::uint64_t iterations = 0;
  double real_time_ns = 0;      // per iteration
  double flops_per_second = 0;  // the FLOPS counter, when reported
  double bytes_per_second = 0;
  double untimed_seconds = 0;   // the harness's counter: time between timed calls
  std::string error;            // Google Benchmark's error_message when the run was skipped with one
};

// The "iteration" runs of the report, in order (aggregates are left out).
std::vector<BenchRun> parse_bench_json(std::string_view json_text);

// Median of a non-empty list (mean of the two middle values for an even count).
double median(std::vector<double> values);

}  // namespace accel::grader
