#include "grading.hpp"

#include <chrono>

#include "child_process.hpp"
#include "text.hpp"

namespace accel::grader {
namespace {

namespace fs = std::filesystem;
using Kind = CheckResult::Kind;

constexpr std::size_t kStderrLines = 5;  // tail of a crashed child's stderr shown to the student

// "cmake --build --preset reference" when grading build/reference/bin, else student's.
std::string build_hint(const fs::path& bin_dir) {
  const std::string build = fs::absolute(bin_dir).lexically_normal().parent_path().filename().string();
  return "cmake --build --preset " + std::string(build == "reference" ? "reference" : "student");
}

std::string not_found(const std::string& binary, const GradeOptions& options) {
  return binary + " not found in " + options.bin_dir.string() + ": build it first (" + build_hint(options.bin_dir) +
         ")";
}

// Why a child produced no usable report: its fate, plus what it said last. A stub that
// throws out of a benchmark aborts; its stderr then names the unimplemented function.
std::string child_failure(const std::string& binary, const ChildResult& result, const fs::path& stderr_file) {
  std::string text = binary + " " + result.describe();
  const std::string err = read_text_file(stderr_file);
  if (const std::string function = not_implemented_function(err); !function.empty()) {
    return text + ": not implemented: " + function;
  }
  if (const std::string tail = last_lines(err, kStderrLines); !tail.empty()) text += "\nlast lines of stderr:\n" + tail;
  return text;
}

// The table's short "measured" cell for a child that failed.
std::string short_fate(const ChildResult& result) {
  switch (result.outcome) {
    case ChildResult::Outcome::signaled: return "crashed";
    case ChildResult::Outcome::timed_out: return "timed out";
    case ChildResult::Outcome::failed_to_start: return "not run";
    case ChildResult::Outcome::exited: break;
  }
  return "no report";
}

void say(const GradeOptions& options, const std::string& line) {
  if (options.progress != nullptr) *options.progress << line << std::endl;
}

std::vector<CheckResult> grade_speed(const Stage& stage, const GradeOptions& options) {
  const fs::path binary = options.bin_dir / stage.bench_binary;
  if (!fs::exists(binary)) return zero_checks(stage, Kind::speed, "not run", not_found(stage.bench_binary, options));

  std::vector<std::string> case_names;
  for (const SpeedCheck& check : stage.speed) {
    case_names.push_back(check.baseline);
    case_names.push_back(check.candidate);
  }
  const fs::path report = options.work_dir / (stage.bench_binary + ".json");
  const fs::path out = options.work_dir / (stage.bench_binary + ".stdout");
  const fs::path err = options.work_dir / (stage.bench_binary + ".stderr");
  fs::remove(report);
  say(options, "stage " + stage.id + ": running " + stage.bench_binary + " (" + std::to_string(options.repetitions) +
                   " interleaved repetitions)");
  // Interleaved repetitions spread a noisy neighbour's load over both cases instead of
  // letting it land on one; the ratio of medians is what is graded.
  const ChildResult result = run_child(
      {binary.string(), "--benchmark_filter=" + exact_filter(case_names),
       "--benchmark_repetitions=" + std::to_string(options.repetitions), "--benchmark_enable_random_interleaving=true",
       "--benchmark_format=json", "--benchmark_out=" + report.string(), "--benchmark_out_format=json"},
      out, err, std::chrono::duration<double>(options.bench_timeout_seconds));
  if (!result.exited_normally() || result.exit_code != 0) {
    return zero_checks(stage, Kind::speed, short_fate(result), child_failure(stage.bench_binary, result, err));
  }
  try {
    return score_speed(stage, parse_bench_json(read_text_file(report)));
  } catch (const ReportError& error) {
    return zero_checks(stage, Kind::speed, "no report",
                       stage.bench_binary + " " + result.describe() + " but its report is unusable: " + error.what());
  }
}

}  // namespace

GradeOptions options_from(const Rubric& rubric) {
  GradeOptions options;
  options.repetitions = rubric.bench_repetitions;
  options.test_timeout_seconds = rubric.test_timeout_seconds;
  options.bench_timeout_seconds = rubric.bench_timeout_seconds;
  return options;
}

std::vector<CheckResult> grade_stage(const Stage& stage, const GradeOptions& options) {
  const std::string skipped = "skipped: correctness tests fail";
  auto with_speed_skipped = [&](std::vector<CheckResult> checks) {
    for (CheckResult& check : zero_checks(stage, Kind::speed, "skipped", skipped)) checks.push_back(std::move(check));
    return checks;
  };

  const fs::path binary = options.bin_dir / stage.test_binary;
  if (!fs::exists(binary)) {
    return with_speed_skipped(zero_checks(stage, Kind::tests, "not run", not_found(stage.test_binary, options)));
  }
  const fs::path report = options.work_dir / (stage.test_binary + ".json");
  const fs::path out = options.work_dir / (stage.test_binary + ".stdout");
  const fs::path err = options.work_dir / (stage.test_binary + ".stderr");
  fs::remove(report);  // a stale report must not stand in for a run that wrote none
  say(options, "stage " + stage.id + ": running " + stage.test_binary);
  const ChildResult result = run_child({binary.string(), "--gtest_output=json:" + report.string()}, out, err,
                                       std::chrono::duration<double>(options.test_timeout_seconds));
  // Exit code 1 only means "some tests failed"; a signal, a timeout or a missing report
  // means the run itself broke.
  if (!result.exited_normally() || !fs::exists(report)) {
    std::string reason = child_failure(stage.test_binary, result, err);
    if (result.exited_normally()) reason += " without writing its GoogleTest report";
    return with_speed_skipped(zero_checks(stage, Kind::tests, short_fate(result), reason));
  }
  std::vector<TestOutcome> outcomes;
  try {
    outcomes = parse_gtest_json(read_text_file(report));
  } catch (const ReportError& error) {
    return with_speed_skipped(zero_checks(stage, Kind::tests, "no report", stage.test_binary + ": " + error.what()));
  }
  std::vector<CheckResult> checks = score_tests(stage, outcomes);
  if (stage.speed.empty()) return checks;
  if (!correctness_complete(checks, outcomes)) return with_speed_skipped(std::move(checks));
  for (CheckResult& check : grade_speed(stage, options)) checks.push_back(std::move(check));
  return checks;
}

}  // namespace accel::grader
