#include "gtest_report.hpp"

#include <nlohmann/json.hpp>

#include "report_schema.hpp"

namespace accel::grader {

std::vector<TestOutcome> parse_gtest_json(std::string_view json_text) {
  using nlohmann::json;
  const json root = parse_single_document(json_text, "GoogleTest");
  require_shape(root, {{"testsuites", Shape::array_of_objects}}, "the GoogleTest report");
  if (!root.contains("testsuites")) throw ReportError("the GoogleTest report has no \"testsuites\": not trusted", true);
  std::vector<TestOutcome> outcomes;
  for (const json& suite : root.at("testsuites")) {
    require_shape(suite, {{"testsuite", Shape::array_of_objects}}, "a test suite");
    if (!suite.contains("testsuite")) throw ReportError("a test suite has no \"testsuite\": not trusted", true);
    const std::string suite_name = require_string(suite, "name", "a test suite");
    for (const json& test : suite.at("testsuite")) {
      require_shape(test, {{"failures", Shape::array_of_objects}}, "a test");
      if (test.value("status", "RUN") == "NOTRUN") continue;
      TestOutcome outcome;
      outcome.full_name = suite_name + "." + require_string(test, "name", "a test");
      if (test.contains("failures")) {
        for (const json& failure : test.at("failures")) {
          require_shape(failure, {}, "a failure");
          outcome.failures.push_back(failure.value("failure", ""));
        }
      }
      const bool skipped = test.value("result", "COMPLETED") == "SKIPPED";
      if (skipped && outcome.failures.empty()) outcome.failures.push_back("the test was skipped");
      outcome.passed = outcome.failures.empty();
      outcomes.push_back(std::move(outcome));
    }
  }
  return outcomes;
}

}  // namespace accel::grader
