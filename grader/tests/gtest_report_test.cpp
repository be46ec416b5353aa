#include "gtest_report.hpp"

#include <gtest/gtest.h>

namespace {

using namespace accel::grader;

// Shaped like GoogleTest 1.12's --gtest_output=json, cut to the fields that matter.
constexpr const char* kReport = R"json({
  "tests": 5, "failures": 2, "name": "AllTests",
  "testsuites": [
    {"name": "MatmulIjk", "testsuite": [
      {"name": "HandChecked2x2", "status": "RUN", "result": "COMPLETED", "classname": "MatmulIjk",
       "failures": [{"failure": "unknown file\nC++ exception with description \"stage 01: matmul_ijk is not implemented yet (TODO in stages/01_naive_loops/naive_loops.cpp)\" thrown in the test body.", "type": ""}]}
    ]},
    {"name": "Sizes/MatmulIjk", "testsuite": [
      {"name": "MatchesDoubleReference/1x1x1", "status": "RUN", "result": "COMPLETED"},
      {"name": "MatchesDoubleReference/2x3x4", "status": "RUN", "result": "COMPLETED",
       "failures": [{"failure": "first", "type": ""}, {"failure": "second", "type": ""}]}
    ]},
    {"name": "Relu", "testsuite": [
      {"name": "DISABLED_Slow", "status": "NOTRUN", "result": "SUPPRESSED"},
      {"name": "Skipped", "status": "RUN", "result": "SKIPPED"}
    ]}
  ]})json";

TEST(GtestReport, ReadsFullNamesAndFailures) {
  const auto outcomes = parse_gtest_json(kReport);
  ASSERT_EQ(outcomes.size(), 4u);  // the disabled test is left out
  EXPECT_EQ(outcomes[0].full_name, "MatmulIjk.HandChecked2x2");
  EXPECT_FALSE(outcomes[0].passed);
  ASSERT_EQ(outcomes[0].failures.size(), 1u);
  EXPECT_NE(outcomes[0].failures[0].find("matmul_ijk is not implemented yet"), std::string::npos);

  EXPECT_EQ(outcomes[1].full_name, "Sizes/MatmulIjk.MatchesDoubleReference/1x1x1");
  EXPECT_TRUE(outcomes[1].passed);
  EXPECT_TRUE(outcomes[1].failures.empty());

  EXPECT_FALSE(outcomes[2].passed);
  EXPECT_EQ(outcomes[2].failures, (std::vector<std::string>{"first", "second"}));
}

TEST(GtestReport, SkippedTestHasNotPassed) {
  const auto outcomes = parse_gtest_json(kReport);
  EXPECT_EQ(outcomes[3].full_name, "Relu.Skipped");
  EXPECT_FALSE(outcomes[3].passed);
  EXPECT_EQ(outcomes[3].failures, (std::vector<std::string>{"the test was skipped"}));
}

TEST(GtestReport, MalformedReportsThrow) {
  EXPECT_THROW(parse_gtest_json("{\"testsuites\": ["), ReportError);
  EXPECT_THROW(parse_gtest_json("{\"tests\": 3}"), ReportError);
  EXPECT_THROW(parse_gtest_json("{\"testsuites\": [{\"testsuite\": []}]}"), ReportError);  // suite without a name
}

bool untrusted(const std::string& report) {
  try {
    parse_gtest_json(report);
  } catch (const ReportError& error) {
    return error.untrusted();
  }
  return false;
}

// What student code in the test process could add to GoogleTest's report is rejected as
// untrusted, not read: text before or after it, a second report, the real report wrapped
// inside a made-up one, structured values where GoogleTest writes plain ones.
TEST(GtestReport, AReportGoogleTestCouldNotHaveWrittenIsNotTrusted) {
  const std::string real = kReport;
  const std::string fake_suite = R"({"name": "MatmulIjk", "testsuite": [{"name": "HandChecked2x2"}]})";
  EXPECT_TRUE(untrusted(real + "\n{\"testsuites\": []}"));               // a second document after it
  EXPECT_TRUE(untrusted("{\"testsuites\": []}" + real));                  // ... or before it
  EXPECT_TRUE(untrusted(real + " trailing"));
  EXPECT_TRUE(untrusted(R"({"testsuites": [)" + fake_suite + "], \"x\": " + real + "}"));  // wrapped as a value
  EXPECT_TRUE(untrusted(R"({"testsuites": [)" + fake_suite + ", " + real + "]}"));           // ... or as a suite
  EXPECT_TRUE(untrusted(R"({"testsuites": [{"name": "S", "testsuite": [{"name": "T", "failures": 0}]}]})"));
  EXPECT_TRUE(untrusted(R"({"testsuites": [{"name": "S", "testsuite": [{"name": "T", "status": {"a": 1}}]}]})"));
  EXPECT_FALSE(untrusted(""));  // no report at all is missing, not forged
  EXPECT_THROW(parse_gtest_json(""), ReportError);
  EXPECT_NO_THROW(parse_gtest_json(real + "\n"));
}

}  // namespace
