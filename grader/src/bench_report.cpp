#include "bench_report.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "report_schema.hpp"

namespace accel::grader {
namespace {

double nanoseconds_per(const std::string& unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  throw ReportError("unreadable Google Benchmark report: unknown time_unit \"" + unit + "\"", true);
}

double number(const nlohmann::json& run, const char* key) {
  return run.contains(key) && run.at(key).is_number() ? run.at(key).get<double>() : 0.0;
}

}  // namespace

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::vector<BenchRun> parse_bench_json(std::string_view json_text) {
  using nlohmann::json;
  const json root = parse_single_document(json_text, "Google Benchmark");
  require_shape(root, {{"context", Shape::object}, {"benchmarks", Shape::array_of_objects}},
                "the Google Benchmark report");
  if (root.contains("context")) {
    const json& context = root.at("context");
    require_shape(context, {{"caches", Shape::array_of_objects}, {"load_avg", Shape::array_of_scalars}},
                  "the report's context");
    if (context.contains("caches")) {
      for (const json& cache : context.at("caches")) require_shape(cache, {}, "a cache of the context");
    }
  }
  if (!root.contains("benchmarks")) throw ReportError("the Google Benchmark report has no benchmarks", true);
  std::vector<BenchRun> runs;
  for (const json& entry : root.at("benchmarks")) {
    require_shape(entry, {}, "a benchmark run");
    BenchRun run;
    run.name = entry.contains("run_name") ? require_string(entry, "run_name", "a benchmark run")
                                          : require_string(entry, "name", "a benchmark run");
    if (entry.value("error_occurred", false)) {
      run.error = entry.value("error_message", "unknown error");
      runs.push_back(std::move(run));
      continue;
    }
    if (entry.value("run_type", "iteration") != "iteration") continue;
    const double scale = nanoseconds_per(entry.value("time_unit", "ns"));
    run.iterations = std::uint64_t(number(entry, "iterations"));
    run.real_time_ns = number(entry, "real_time") * scale;
    run.flops_per_second = number(entry, "FLOPS");
    run.bytes_per_second = number(entry, "bytes_per_second");
    run.untimed_seconds = number(entry, "untimed_seconds");
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace accel::grader
