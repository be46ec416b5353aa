#include "grading.hpp"

#include <algorithm>
#include <chrono>

#include "audit.hpp"
#include "child_process.hpp"
#include "text.hpp"

namespace accel::grader {
namespace {

namespace fs = std::filesystem;
using Kind = CheckResult::Kind;

constexpr std::size_t kStderrLines = 5;  // tail of a crashed child's stderr shown to the student
constexpr int kReportFd = 3;

// Why a child produced no usable report: its fate, plus what it said last. A stub that
// throws out of a test names the unimplemented function.
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
  if (result.capture_overflow) return "not trusted";
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

// One test group: its own process, its own filter, GoogleTest's report on a pipe.
CheckResult grade_group(const Stage& stage, const TestGroup& group, const GradeOptions& options) {
  const fs::path binary = options.bin_dir / stage.test_binary;
  ChildCommand command;
  command.argv = {binary.string(), "--gtest_filter=" + group.filter,
                  "--gtest_output=json:/dev/fd/" + std::to_string(kReportFd), "--gtest_color=no"};
  command.stdout_file = options.work_dir / (stage.test_binary + ".stdout");
  command.stderr_file = options.work_dir / (stage.test_binary + ".stderr");
  command.time_limit = std::chrono::duration<double>(options.test_timeout_seconds);
  command.environment = {{"ACCEL_SEED", std::to_string(options.seed)}};
  command.capture_fds = {kReportFd};
  const ChildResult result = run_child(command);

  CheckResult check = make_check(stage, Kind::tests, group.name, group.points);
  check.required = std::to_string(group.expected_tests) + "/" + std::to_string(group.expected_tests) + " pass";
  // Exit code 1 only means "some tests failed"; a signal or a timeout means the run
  // itself broke, whatever it wrote before.
  if (!result.exited_normally()) {
    check.measured = short_fate(result);
    check.output = child_failure(stage.test_binary, result, command.stderr_file);
    if (result.capture_overflow) check.flag = "report not trusted";
    return check;
  }
  try {
    return score_test_group(stage, group, parse_gtest_json(result.captured.at(kReportFd)));
  } catch (const ReportError& error) {
    check.measured = error.untrusted() ? "not trusted" : "no report";
    check.output = child_failure(stage.test_binary, result, command.stderr_file) + ": " + error.what();
    if (error.untrusted()) check.flag = "report not trusted";
    return check;
  }
}

}  // namespace

GradeOptions options_from(const Rubric& rubric) {
  GradeOptions options;
  options.test_timeout_seconds = rubric.test_timeout_seconds;
  return options;
}

std::optional<std::vector<Violation>> audit_stage(const Stage& stage, const GradeOptions& options,
                                                  std::vector<std::string>* used, std::string* error) {
  const fs::path library = options.lib_dir / ("libstage" + stage.id + ".a");
  ChildCommand command;
  command.argv = {options.nm.string(), "-g", "-P", library.string()};
  command.stdout_file = options.work_dir / ("stage" + stage.id + ".nm");
  command.stderr_file = options.work_dir / ("stage" + stage.id + ".nm.stderr");
  const ChildResult result = fs::exists(library) ? run_child(command) : ChildResult{};
  if (!result.exited_normally() || result.exit_code != 0) {
    if (error != nullptr) {
      *error = fs::exists(library) ? options.nm.string() + " " + result.describe() + " on " + library.string() + ": " +
                                         first_lines(read_text_file(command.stderr_file), 3)
                                   : library.string() + " has not been built";
    }
    return std::nullopt;
  }
  const std::vector<Symbol> symbols = parse_nm(read_text_file(command.stdout_file));
  if (used != nullptr) *used = categories_used(symbols);
  return check_symbols(symbols, stage.id, stage.may_call);
}

std::vector<CheckResult> grade_stage(const Stage& stage, const GradeOptions& options, SpeedLab& speed) {
  const auto failure = options.not_built.find(stage.id);
  if (failure != options.not_built.end() && !failure->second.tests.empty()) {
    const std::string& reason = failure->second.tests;
    std::vector<CheckResult> checks = zero_checks(stage, Kind::tests, "does not compile", reason);
    for (CheckResult& check : zero_checks(stage, Kind::speed, "does not compile", reason)) checks.push_back(std::move(check));
    return checks;
  }

  say(options, "stage " + stage.id + ": checking the rules on its library");
  std::string audit_error;
  const auto violations = audit_stage(stage, options, nullptr, &audit_error);

  std::vector<CheckResult> checks;
  const bool have_tests = fs::exists(options.bin_dir / stage.test_binary);
  const bool only_a_group = std::ranges::any_of(stage.tests, [&](const TestGroup& g) { return g.name == options.only_check; });
  for (const TestGroup& group : stage.tests) {
    if (only_a_group && group.name != options.only_check) continue;
    if (!have_tests) {
      CheckResult missing = make_check(stage, Kind::tests, group.name, group.points);
      missing.measured = "not run";
      missing.required = "-";
      missing.output = stage.test_binary + " not found in " + options.bin_dir.string();
      checks.push_back(std::move(missing));
      continue;
    }
    say(options, "stage " + stage.id + ": running " + stage.test_binary + " --gtest_filter=" + group.filter);
    checks.push_back(grade_group(stage, group, options));
  }

  // Speed and measurement checks share their gate: rules kept, the bench built, every test
  // group at full marks.
  if ((stage.speed.empty() && stage.measures.empty()) || options.tests_only || only_a_group) return checks;
  auto zero_all = [&](const std::string& measured, const std::string& reason, const std::string& flag = {}) {
    std::vector<CheckResult> zeros = zero_checks(stage, Kind::speed, measured, reason, flag);
    for (CheckResult& check : zero_checks(stage, Kind::measure, measured, reason, flag)) zeros.push_back(std::move(check));
    return zeros;
  };
  std::vector<CheckResult> speed_checks;
  if (!violations) {
    speed_checks = zero_all("not checked", "the stage's rules could not be checked: " + audit_error);
  } else if (!violations->empty()) {
    std::string reasons;
    const std::string source = StageSource{stage.id, stage.name}.relative_source().string();
    for (const Violation& violation : *violations) reasons += describe(violation, stage.id, source) + "\n";
    speed_checks = zero_all("rule broken", "rule broken: " + reasons.substr(0, reasons.size() - 1), "rule broken");
  } else if (failure != options.not_built.end() && !failure->second.bench.empty()) {
    speed_checks = zero_all("does not compile", failure->second.bench);
  } else if (!correctness_complete(checks)) {
    speed_checks = zero_all("skipped", "skipped: correctness tests fail");
  } else if (!fs::exists(options.bin_dir / stage.bench_binary)) {
    speed_checks = zero_all("not run", stage.bench_binary + " not found in " + options.bin_dir.string());
  } else {
    const bool threads_allowed = std::ranges::find(stage.may_call, "threads") != stage.may_call.end();
    for (const SpeedCheck& check : stage.speed) {
      if (options.only_check.empty() || check.name == options.only_check) {
        speed_checks.push_back(speed.measure(stage, check, threads_allowed));
      }
    }
    const bool measures_wanted = options.only_check.empty() ||
                                 std::ranges::any_of(stage.measures, [&](const MeasureCheck& m) { return m.name == options.only_check; });
    if (!stage.measures.empty() && measures_wanted) {
      for (CheckResult& check : speed.measure_roofline(stage, threads_allowed)) speed_checks.push_back(std::move(check));
    }
  }
  for (CheckResult& check : speed_checks) checks.push_back(std::move(check));
  return checks;
}

}  // namespace accel::grader
