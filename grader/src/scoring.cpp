#include "scoring.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <string_view>

#include "accel/table.hpp"
#include "text.hpp"

namespace accel::grader {
namespace {

constexpr std::size_t kNamedFailures = 3;    // failing tests listed by name before "and N more"
constexpr std::size_t kMessageLines = 6;     // lines kept of the first failure message

// '*' matches any run of characters, '?' any one character, as in GoogleTest's filters.
bool wildcard_match(std::string_view text, std::string_view pattern) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t skip = 0; skip <= text.size(); ++skip) {
      if (wildcard_match(text.substr(skip), pattern.substr(1))) return true;
    }
    return false;
  }
  return !text.empty() && (pattern.front() == '?' || pattern.front() == text.front()) &&
         wildcard_match(text.substr(1), pattern.substr(1));
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

CheckResult make_check(const Stage& stage, CheckResult::Kind kind, const std::string& name, double max_points) {
  CheckResult check;
  check.stage = stage.id;
  check.stage_name = stage.name;
  check.kind = kind;
  check.name = name;
  check.max_points = max_points;
  return check;
}

std::string not_implemented_function(const std::string& message) {
  static const std::regex pattern("stage [0-9]+: ([A-Za-z_][A-Za-z0-9_:]*) is not implemented yet");
  std::smatch match;
  return std::regex_search(message, match, pattern) ? match[1].str() : std::string();
}

bool matches_filter(std::string_view test_name, std::string_view filter) {
  const auto dash = filter.find('-');
  const std::string_view positive = filter.substr(0, dash);
  const std::string_view negative = dash == std::string_view::npos ? std::string_view() : filter.substr(dash + 1);
  auto any_pattern = [&](std::string_view patterns) {
    while (true) {
      const auto colon = patterns.find(':');
      if (wildcard_match(test_name, patterns.substr(0, colon))) return true;
      if (colon == std::string_view::npos) return false;
      patterns.remove_prefix(colon + 1);
    }
  };
  return any_pattern(positive.empty() ? "*" : positive) && (negative.empty() || !any_pattern(negative));
}

CheckResult score_test_group(const Stage& stage, const TestGroup& group, const std::vector<TestOutcome>& outcomes) {
  CheckResult check = make_check(stage, CheckResult::Kind::tests, group.name, group.points);
  const std::string expected = std::to_string(group.expected_tests);
  check.required = expected + "/" + expected + " pass";
  std::vector<std::string> names;
  for (const TestOutcome& test : outcomes) {
    if (!matches_filter(test.full_name, group.filter) || std::ranges::count(names, test.full_name) > 0) {
      check.measured = "not trusted";
      check.flag = "report not trusted";
      check.output = "the report of this group's run lists " + test.full_name + (matches_filter(test.full_name, group.filter)
                         ? " twice" : ", which the group's filter " + group.filter + " does not select") +
                     ": not trusted";
      return check;
    }
    names.push_back(test.full_name);
  }
  if (outcomes.size() != group.expected_tests) {
    check.measured = "ran " + std::to_string(outcomes.size()) + " of " + expected;
    check.output = "ran " + std::to_string(outcomes.size()) + " of " + expected + " expected tests (filter " +
                   group.filter + " in " + stage.test_binary + ")";
    if (outcomes.size() > group.expected_tests) {
      check.output += ": the course's test binary has more tests than grader/rubric.json expects";
    }
    return check;
  }
  std::vector<const TestOutcome*> failing;
  for (const TestOutcome& test : outcomes) {
    if (!test.passed) failing.push_back(&test);
  }
  const std::size_t passed = outcomes.size() - failing.size();
  check.measured = std::to_string(passed) + "/" + expected + " passed";
  check.points = group.points * double(passed) / double(group.expected_tests);
  const FailureSummary summary = summarize(failing);
  check.todo_only = !summary.todo.empty() && summary.other_failure == nullptr;
  if (passed == 0 && check.todo_only) check.measured = "not implemented";
  check.output = failing.empty() ? "all " + expected + " tests passed" : describe_failures(failing, outcomes.size(), summary);
  return check;
}

std::string overhead_text(double overhead) { return (overhead < 0 ? "" : "+") + fixed(100 * overhead, 1) + " %"; }

std::string ratio_text(double ratio) { return fixed(ratio, ratio < 10 ? 2 : 1) + "x"; }

std::string requirement_text(const SpeedCheck& check) {
  if (check.unscored) return "unscored";
  if (check.overhead_check()) {
    return "<= " + overhead_text(check.max_overhead) + " (ref " + overhead_text(check.reference_overhead) + ")";
  }
  return fixed(check.ramp.full_from, 2) + " of ref";
}

std::string requirement_text(const SpeedCheck& check, double reference_speedup) {
  if (check.unscored || check.overhead_check()) return requirement_text(check);
  return ratio_text(check.speedup_at(check.ramp.full_from, reference_speedup)) + " (ref " + ratio_text(reference_speedup) +
         ")";
}

std::string requirement_text(const MeasureCheck& check) {
  if (check.kind == "prediction") {
    return "<= " + fixed(100 * check.threshold, 0) + " % (ref " + fixed(100 * check.reference, 0) + " %)";
  }
  return fixed(check.threshold, 2) + "x (ref " + fixed(check.reference, 2) + "x)";
}

bool close_to_a_bar(std::vector<double> per_round, double value, std::initializer_list<double> bars) {
  if (per_round.empty()) return false;
  std::ranges::sort(per_round);
  const std::size_t last = per_round.size() - 1;
  const double low = per_round[last / 4], high = per_round[last - last / 4];
  return std::ranges::any_of(bars, [&](double bar) {
    return (low <= bar && bar <= high) || std::abs(value - bar) <= 0.05 * std::abs(bar);
  });
}

bool correctness_complete(const std::vector<CheckResult>& test_checks) {
  return std::ranges::all_of(test_checks, [](const CheckResult& check) { return check.full_marks(); });
}

std::vector<CheckResult> zero_checks(const Stage& stage, CheckResult::Kind kind, const std::string& measured,
                                     const std::string& reason, const std::string& flag) {
  std::vector<CheckResult> checks;
  if (kind == CheckResult::Kind::tests) {
    for (const TestGroup& group : stage.tests) {
      checks.push_back(make_check(stage, kind, group.name, group.points));
      checks.back().required = std::to_string(group.expected_tests) + "/" + std::to_string(group.expected_tests) + " pass";
    }
  } else if (kind == CheckResult::Kind::speed) {
    for (const SpeedCheck& speed : stage.speed) {
      checks.push_back(make_check(stage, kind, speed.name, speed.points));
      checks.back().required = requirement_text(speed);
    }
  } else {
    for (const MeasureCheck& measure : stage.measures) {
      checks.push_back(make_check(stage, kind, measure.name, measure.points));
      checks.back().required = requirement_text(measure);
    }
  }
  for (CheckResult& check : checks) {
    check.measured = measured;
    check.output = reason;
    check.flag = flag;
  }
  return checks;
}

}  // namespace accel::grader
