#pragma once
// Reads the report a Google Benchmark binary writes with --benchmark_out_format=json and
// reduces each case to the median real time over its repetitions.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accel::grader {

struct BenchCase {
  std::vector<double> real_times_ns;       // one per repetition ("iteration" entries)
  std::optional<double> median_aggregate_ns;  // the "median" aggregate, when reported
  std::string error;                       // Google Benchmark's error_message, if any repetition failed

  // Median of the repetitions when there are any, else the median aggregate; nullopt when
  // neither exists.
  std::optional<double> median_ns() const;
};

// Median of a non-empty list (mean of the two middle values for an even count).
double median(std::vector<double> values);

// Cases by name as printed ("baseline/matmul_ijk/512"). Throws ReportError (see
// gtest_report.hpp) on malformed JSON or an unknown time unit.
std::map<std::string, BenchCase> parse_bench_json(std::string_view json_text);

// The anchored --benchmark_filter that selects exactly these cases.
std::string exact_filter(const std::vector<std::string>& case_names);

}  // namespace accel::grader
