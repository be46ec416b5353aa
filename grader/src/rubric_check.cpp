#include "rubric_check.hpp"

#include <algorithm>
#include <sstream>

#include "audit.hpp"
#include "child_process.hpp"
#include "text.hpp"

namespace accel::grader {

int audit_and_report(const std::vector<const Stage*>& stages, const GradeOptions& options,
                     const std::vector<std::string>& expected_uses, std::ostream& out) {
  int problems = 0;
  for (const Stage* stage : stages) {
    std::vector<std::string> used;
    std::string error;
    const auto violations = audit_stage(*stage, options, &used, &error);
    if (!violations) {
      out << "stage " << stage->id << ": cannot check: " << error << '\n';
      ++problems;
      continue;
    }
    const std::string source = StageSource{stage->id, stage->name}.relative_source().string();
    for (const Violation& violation : *violations) out << describe(violation, stage->id, source) << '\n';
    problems += int(violations->size());
    std::vector<std::string> categories;  // what this stage must use
    for (const std::string& expected : expected_uses) {
      const auto colon = expected.find(':');
      if (expected == "*") {
        categories.insert(categories.end(), stage->may_call.begin(), stage->may_call.end());
      } else if (expected.substr(0, colon) == stage->id) {
        categories.push_back(expected.substr(colon + 1));
      }
    }
    for (const std::string& category : categories) {
      if (std::ranges::find(used, category) == used.end()) {
        out << "stage " << stage->id << " does not use " << category << ", which it must\n";
        ++problems;
      }
    }
    if (violations->empty()) {
      std::string uses;
      for (const std::string& category : used) uses += (uses.empty() ? "" : ", ") + category;
      out << "stage " << stage->id << ": keeps its rules" << (uses.empty() ? "" : " (uses " + uses + ")") << '\n';
    }
  }
  return problems == 0 ? 0 : 1;
}

std::vector<std::string> parse_test_list(const std::string& listing) {
  std::vector<std::string> names;
  std::istringstream lines(listing);
  std::string suite;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.rfind("Running main()", 0) == 0) continue;
    if (line[0] != ' ') {
      suite = line.substr(0, line.find_first_of(" #"));  // "Suite." (with a "# TypeParam" comment)
    } else {
      const auto start = line.find_first_not_of(' ');
      names.push_back(suite + line.substr(start, line.find_first_of(" #", start) - start));
    }
  }
  return names;
}

int check_rubric_counts(const std::vector<const Stage*>& stages, const GradeOptions& options, std::ostream& out) {
  int problems = 0;
  for (const Stage* stage : stages) {
    ChildCommand command;
    command.argv = {(options.bin_dir / stage->test_binary).string(), "--gtest_list_tests"};
    command.stdout_file = options.work_dir / "list.txt";
    command.stderr_file = options.work_dir / "list.stderr";
    const ChildResult result = run_child(command);
    if (!result.exited_normally() || result.exit_code != 0) {
      out << "stage " << stage->id << ": " << stage->test_binary << " --gtest_list_tests " << result.describe() << '\n';
      ++problems;
      continue;
    }
    const std::vector<std::string> tests = parse_test_list(read_text_file(command.stdout_file));
    for (const TestGroup& group : stage->tests) {
      const auto selected = std::ranges::count_if(tests, [&](const std::string& t) { return matches_filter(t, group.filter); });
      const bool right = std::size_t(selected) == group.expected_tests;
      out << "stage " << stage->id << " group " << group.name << ": " << selected << " tests, rubric expects "
          << group.expected_tests << (right ? "" : "  <-- update grader/rubric.json") << '\n';
      problems += right ? 0 : 1;
    }
    for (const std::string& test : tests) {
      const auto groups = std::ranges::count_if(stage->tests, [&](const TestGroup& g) { return matches_filter(test, g.filter); });
      if (groups != 1) {
        out << "stage " << stage->id << ": " << test << " is in " << groups << " test groups; every test must be in one\n";
        ++problems;
      }
    }
  }
  return problems == 0 ? 0 : 1;
}

}  // namespace accel::grader
