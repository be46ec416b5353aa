// A stage bench binary with canned timings: "baseline/work/64" takes 10 ms and
// "student/work/64" 2 ms (a 5x speedup), in milliseconds and with five interleaved-style
// repetitions plus aggregates. Only cases matching --benchmark_filter are written, so a
// wrong filter shows up as a missing case.
#include <fstream>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  std::string filter = ".*", out_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--benchmark_filter=", 0) == 0) filter = arg.substr(19);
    if (arg.rfind("--benchmark_out=", 0) == 0) out_file = arg.substr(16);
  }
  if (out_file.empty()) return 3;
  const std::regex pattern(filter);
  nlohmann::json benchmarks = nlohmann::json::array();
  const std::pair<const char*, double> cases[] = {{"baseline/work/64", 10.0}, {"student/work/64", 2.0}};
  const double noise[] = {0.9, 1.0, 1.3, 1.1, 0.95};  // the median is the 1.0 entry
  for (const auto& [name, ms] : cases) {
    if (!std::regex_search(name, pattern)) continue;
    for (const double factor : noise) {
      benchmarks.push_back({{"name", name}, {"run_name", name}, {"run_type", "iteration"},
                            {"real_time", ms * factor}, {"cpu_time", ms * factor}, {"time_unit", "ms"}});
    }
    benchmarks.push_back({{"name", std::string(name) + "_median"}, {"run_name", name}, {"run_type", "aggregate"},
                          {"aggregate_name", "median"}, {"real_time", ms}, {"time_unit", "ms"}});
  }
  std::ofstream(out_file) << nlohmann::json{{"context", nlohmann::json::object()}, {"benchmarks", benchmarks}};
  return 0;
}
