#include "gtest_report.hpp"

#include <nlohmann/json.hpp>

namespace accel::grader {

std::vector<TestOutcome> parse_gtest_json(std::string_view json_text) {
  using nlohmann::json;
  std::vector<TestOutcome> outcomes;
  try {
    const json root = json::parse(json_text);
    for (const json& suite : root.at("testsuites")) {
      const std::string suite_name = suite.at("name").get<std::string>();
      for (const json& test : suite.at("testsuite")) {
        if (test.value("status", "RUN") == "NOTRUN") continue;
        TestOutcome outcome;
        outcome.full_name = suite_name + "." + test.at("name").get<std::string>();
        if (test.contains("failures")) {
          for (const json& failure : test.at("failures")) outcome.failures.push_back(failure.value("failure", ""));
        }
        const bool skipped = test.value("result", "COMPLETED") == "SKIPPED";
        if (skipped && outcome.failures.empty()) outcome.failures.push_back("the test was skipped");
        outcome.passed = outcome.failures.empty();
        outcomes.push_back(std::move(outcome));
      }
    }
  } catch (const json::exception& error) {
    throw ReportError(std::string("unreadable GoogleTest report: ") + error.what());
  }
  return outcomes;
}

}  // namespace accel::grader
