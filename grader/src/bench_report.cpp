#include "bench_report.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gtest_report.hpp"

namespace accel::grader {
namespace {

double nanoseconds_per(const std::string& unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  throw ReportError("unreadable Google Benchmark report: unknown time_unit \"" + unit + "\"");
}

}  // namespace

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::optional<double> BenchCase::median_ns() const {
  if (!real_times_ns.empty()) return median(real_times_ns);
  return median_aggregate_ns;
}

std::map<std::string, BenchCase> parse_bench_json(std::string_view json_text) {
  using nlohmann::json;
  std::map<std::string, BenchCase> cases;
  try {
    const json root = json::parse(json_text);
    for (const json& entry : root.at("benchmarks")) {
      // Repetitions and aggregates share run_name; "name" of an aggregate has a suffix.
      const std::string name = entry.value("run_name", entry.at("name").get<std::string>());
      BenchCase& bench_case = cases[name];
      if (entry.value("error_occurred", false)) {
        if (bench_case.error.empty()) bench_case.error = entry.value("error_message", "unknown error");
        continue;
      }
      const double scale = nanoseconds_per(entry.value("time_unit", "ns"));
      const std::string run_type = entry.value("run_type", "iteration");
      if (run_type == "iteration") {
        bench_case.real_times_ns.push_back(entry.at("real_time").get<double>() * scale);
      } else if (run_type == "aggregate" && entry.value("aggregate_name", "") == "median") {
        bench_case.median_aggregate_ns = entry.at("real_time").get<double>() * scale;
      }
    }
  } catch (const json::exception& error) {
    throw ReportError(std::string("unreadable Google Benchmark report: ") + error.what());
  }
  return cases;
}

std::string exact_filter(const std::vector<std::string>& case_names) {
  std::string filter = "^(";
  for (std::size_t i = 0; i < case_names.size(); ++i) {
    if (i > 0) filter += '|';
    for (const char c : case_names[i]) {
      if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) filter += '\\';
      filter += c;
    }
  }
  return filter + ")$";
}

}  // namespace accel::grader
