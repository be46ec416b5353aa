#include "scoring.hpp"

#include <algorithm>
#include <regex>

#include "accel/table.hpp"
#include "text.hpp"

namespace accel::grader {
namespace {

constexpr std::size_t kNamedFailures = 3;    // failing tests listed by name before "and N more"
constexpr std::size_t kMessageLines = 6;     // lines kept of the first failure message

std::string ratio_text(double ratio) { return fixed(ratio, ratio < 10 ? 2 : 1) + "x"; }

// The table's "required" cell: the threshold, and beside it what the reference reached.
std::string requirement_text(const SpeedCheck& speed) {
  return ratio_text(speed.min_speedup) + " (ref " + ratio_text(speed.reference_speedup) + ")";
}

std::string duration_text(double ns) {
  if (ns < 1e3) return fixed(ns, 0) + " ns";
  if (ns < 1e6) return fixed(ns / 1e3, 2) + " us";
  if (ns < 1e9) return fixed(ns / 1e6, 2) + " ms";
  return fixed(ns / 1e9, 2) + " s";
}

CheckResult make_check(const Stage& stage, CheckResult::Kind kind, const std::string& name, double max_points) {
  CheckResult check;
  check.stage = stage.id;
  check.stage_name = stage.name;
  check.kind = kind;
  check.name = name;
  check.max_points = max_points;
  return check;
}

// What the failing tests of a group have in common: which functions are still TODO
// stubs, and the first failure that is not one.
struct FailureSummary {
  std::vector<std::string> todo;  // in order of first appearance
  const std::string* other_failure = nullptr;
};

FailureSummary summarize(const std::vector<const TestOutcome*>& failing) {
  FailureSummary summary;
  for (const TestOutcome* test : failing) {
    for (const std::string& message : test->failures) {
      if (message.find("not implemented") != std::string::npos) {
        std::string function = not_implemented_function(message);
        if (function.empty()) function = "(see " + test->full_name + ")";
        if (std::find(summary.todo.begin(), summary.todo.end(), function) == summary.todo.end()) {
          summary.todo.push_back(function);
        }
      } else if (summary.other_failure == nullptr) {
        summary.other_failure = &message;
      }
    }
  }
  return summary;
}

// For stubs: which functions are still TODO, first. Otherwise the first failure, which
// carries function, shape, seed and first wrong index. Then the failing tests by name.
std::string describe_failures(const std::vector<const TestOutcome*>& failing, std::size_t matched,
                              const FailureSummary& summary) {
  std::string text;
  if (!summary.todo.empty()) {
    text += "not implemented: ";
    for (std::size_t i = 0; i < summary.todo.size(); ++i) text += (i == 0 ? "" : ", ") + summary.todo[i];
    text += '\n';
  }
  text += std::to_string(failing.size()) + " of " + std::to_string(matched) + " tests failed: ";
  for (std::size_t i = 0; i < failing.size() && i < kNamedFailures; ++i) {
    text += (i == 0 ? "" : ", ") + failing[i]->full_name;
  }
  if (failing.size() > kNamedFailures) text += ", and " + std::to_string(failing.size() - kNamedFailures) + " more";
  if (summary.other_failure != nullptr) text += "\nfirst failure:\n" + first_lines(*summary.other_failure, kMessageLines);
  return text;
}

}  // namespace

std::string not_implemented_function(const std::string& message) {
  static const std::regex pattern("stage [0-9]+: ([A-Za-z_][A-Za-z0-9_:]*) is not implemented yet");
  std::smatch match;
  return std::regex_search(message, match, pattern) ? match[1].str() : std::string();
}

std::vector<CheckResult> score_tests(const Stage& stage, const std::vector<TestOutcome>& outcomes) {
  std::vector<CheckResult> checks;
  for (const TestGroup& group : stage.tests) {
    CheckResult check = make_check(stage, CheckResult::Kind::tests, group.name, group.points);
    const std::regex pattern(group.pattern, std::regex::ECMAScript);
    std::size_t matched = 0;
    std::vector<const TestOutcome*> failing;
    for (const TestOutcome& test : outcomes) {
      if (!std::regex_search(test.full_name, pattern)) continue;
      ++matched;
      if (!test.passed) failing.push_back(&test);
    }
    const std::size_t passed = matched - failing.size();
    check.measured = std::to_string(passed) + "/" + std::to_string(matched) + " passed";
    check.required = std::to_string(matched) + "/" + std::to_string(matched) + " pass";
    if (matched == 0) {
      check.measured = "no tests";
      check.required = "-";
      check.output = "no tests matched /" + group.pattern + "/ in " + stage.test_binary;
    } else {
      check.points = group.points * double(passed) / double(matched);
      const FailureSummary summary = summarize(failing);
      if (passed == 0 && !summary.todo.empty() && summary.other_failure == nullptr) check.measured = "not implemented";
      check.output = failing.empty() ? "all " + std::to_string(matched) + " tests passed"
                                     : describe_failures(failing, matched, summary);
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

bool correctness_complete(const std::vector<CheckResult>& test_checks, const std::vector<TestOutcome>& outcomes) {
  for (const CheckResult& check : test_checks) {
    if (!check.full_marks()) return false;
  }
  for (const TestOutcome& test : outcomes) {
    if (!test.passed) return false;
  }
  return true;
}

std::vector<CheckResult> score_speed(const Stage& stage, const std::map<std::string, BenchCase>& cases) {
  std::vector<CheckResult> checks;
  for (const SpeedCheck& speed : stage.speed) {
    CheckResult check = make_check(stage, CheckResult::Kind::speed, speed.name, speed.points);
    check.required = requirement_text(speed);
    check.measured = "-";
    // Both cases must have a median; the first problem found is the one reported.
    std::string problem;
    double medians[2] = {0, 0};
    const std::string* names[2] = {&speed.baseline, &speed.candidate};
    for (int i = 0; i < 2 && problem.empty(); ++i) {
      const auto found = cases.find(*names[i]);
      if (found == cases.end()) {
        problem = "case \"" + *names[i] + "\" is not in the output of " + stage.bench_binary +
                  " (check the case names in the rubric)";
      } else if (!found->second.error.empty()) {
        const std::string function = not_implemented_function(found->second.error);
        problem = function.empty() ? "case \"" + *names[i] + "\" failed: " + first_lines(found->second.error, 3)
                                   : "not implemented: " + function;
      } else if (const auto median_ns = found->second.median_ns(); median_ns && *median_ns > 0) {
        medians[i] = *median_ns;
      } else {
        problem = "case \"" + *names[i] + "\" reported no timings";
      }
    }
    if (!problem.empty()) {
      check.output = problem;
    } else {
      const double speedup = medians[0] / medians[1];
      const bool fast_enough = speedup >= speed.min_speedup;
      check.measured = ratio_text(speedup);
      check.points = fast_enough ? speed.points : 0;
      check.output = "median " + speed.baseline + " " + duration_text(medians[0]) + ", " + speed.candidate + " " +
                     duration_text(medians[1]) + ": speedup " + ratio_text(speedup) +
                     (fast_enough ? " >= " : " < ") + "required " + ratio_text(speed.min_speedup) +
                     " (the reference reached " + ratio_text(speed.reference_speedup) + ")";
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

std::vector<CheckResult> zero_checks(const Stage& stage, CheckResult::Kind kind, const std::string& measured,
                                     const std::string& reason) {
  std::vector<CheckResult> checks;
  if (kind == CheckResult::Kind::tests) {
    for (const TestGroup& group : stage.tests) checks.push_back(make_check(stage, kind, group.name, group.points));
  } else {
    for (const SpeedCheck& speed : stage.speed) {
      checks.push_back(make_check(stage, kind, speed.name, speed.points));
      checks.back().required = requirement_text(speed);
    }
  }
  for (CheckResult& check : checks) {
    check.measured = measured;
    if (check.required.empty()) check.required = "-";
    check.output = reason;
  }
  return checks;
}

}  // namespace accel::grader
