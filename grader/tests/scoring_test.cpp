#include "scoring.hpp"

#include <gtest/gtest.h>

namespace {

using namespace accel::grader;

Stage make_stage() {
  Stage stage;
  stage.id = "01";
  stage.name = "naive_loops";
  stage.test_binary = "stage01_test";
  stage.bench_binary = "stage01_grade_bench";
  stage.tests = {{"matmul_ijk", "MatmulIjk.*:Sizes/MatmulIjk.*", 4, 10}, {"add", "Add.*", 2, 6}, {"relu", "Relu.*", 3, 4}};
  SpeedCheck speed;
  speed.name = "ikj vs ijk";
  speed.baseline = "baseline/matmul_ijk/512";
  speed.candidate = "student/matmul_ikj/512";
  speed.reference_speedup = 26.9;
  speed.points = 20;
  stage.speed = {speed};
  return stage;
}

TestOutcome pass(std::string name) { return {std::move(name), true, {}}; }
TestOutcome fail(std::string name, std::string message) { return {std::move(name), false, {std::move(message)}}; }

std::string stub_message(const std::string& function) {
  return "unknown file\nC++ exception with description \"stage 01: " + function +
         " is not implemented yet (TODO in stages/01_naive_loops/naive_loops.cpp)\" thrown in the test body.";
}

TEST(Scoring, NotImplementedFunctionIsTakenFromTheMessage) {
  EXPECT_EQ(not_implemented_function(stub_message("matmul_ijk")), "matmul_ijk");
  EXPECT_EQ(not_implemented_function("stage 12: Tiler::run is not implemented yet"), "Tiler::run");
  EXPECT_EQ(not_implemented_function("Expected equality of these values"), "");
}

TEST(Scoring, FiltersFollowGoogleTestsRules) {
  EXPECT_TRUE(matches_filter("MatmulIjk.HandChecked2x2", "MatmulIjk.*:Sizes/MatmulIjk.*"));
  EXPECT_TRUE(matches_filter("Sizes/MatmulIjk.MatchesDoubleReference/1x1x1", "MatmulIjk.*:Sizes/MatmulIjk.*"));
  EXPECT_FALSE(matches_filter("MatmulIkj.HandChecked2x2", "MatmulIjk.*:Sizes/MatmulIjk.*"));
  EXPECT_FALSE(matches_filter("MatmulIjk.HandChecked2x2", "Matmul.*"));  // the '.' is literal
  EXPECT_TRUE(matches_filter("Add.A", "Ad?.*"));
  EXPECT_TRUE(matches_filter("Add.A", "*-Relu.*"));
  EXPECT_FALSE(matches_filter("Relu.A", "*-Relu.*:Add.*"));
  EXPECT_TRUE(matches_filter("Relu.A", ""));
}

TEST(Scoring, GroupPointsAreProportionalToPassedTests) {
  const Stage stage = make_stage();
  const std::vector<TestOutcome> outcomes = {
      pass("MatmulIjk.HandChecked2x2"), pass("Sizes/MatmulIjk.MatchesDoubleReference/1x1x1"),
      pass("Sizes/MatmulIjk.MatchesDoubleReference/2x3x4"),
      fail("Sizes/MatmulIjk.MatchesDoubleReference/7x9x5", "mismatch at (3, 4): expected 1.5, got 2.5\nseed 42")};
  const CheckResult check = score_test_group(stage, stage.tests[0], outcomes);
  EXPECT_EQ(check.name, "matmul_ijk");
  EXPECT_DOUBLE_EQ(check.points, 7.5);  // 10 × 3/4
  EXPECT_EQ(check.max_points, 10);
  EXPECT_EQ(check.measured, "3/4 passed");
  EXPECT_EQ(check.required, "4/4 pass");
  EXPECT_FALSE(check.full_marks());
  EXPECT_TRUE(check.flag.empty());
  EXPECT_EQ(check.output,
            "1 of 4 tests failed: Sizes/MatmulIjk.MatchesDoubleReference/7x9x5\n"
            "first failure:\nmismatch at (3, 4): expected 1.5, got 2.5\nseed 42");
  EXPECT_EQ(score_test_group(stage, stage.tests[1], {pass("Add.A"), pass("Add.B")}).points, 6);
}

TEST(Scoring, StubsAreReportedAsNotImplemented) {
  const Stage stage = make_stage();
  const CheckResult add = score_test_group(stage, stage.tests[1], {fail("Add.A", stub_message("add")), fail("Add.B", stub_message("add"))});
  EXPECT_EQ(add.points, 0);
  EXPECT_EQ(add.measured, "not implemented");
  EXPECT_EQ(add.output, "not implemented: add\n2 of 2 tests failed: Add.A, Add.B");
  const CheckResult relu = score_test_group(
      stage, stage.tests[2], {pass("Relu.A"), fail("Relu.B", stub_message("relu")), fail("Relu.C", "Expected: 0\n  Actual: 7")});
  EXPECT_DOUBLE_EQ(relu.points, 4.0 / 3);
  EXPECT_EQ(relu.measured, "1/3 passed");
  EXPECT_EQ(relu.output,
            "not implemented: relu\n2 of 3 tests failed: Relu.B, Relu.C\nfirst failure:\nExpected: 0\n  Actual: 7");
}

TEST(Scoring, LongFailureListsAndMessagesAreCut) {
  Stage stage = make_stage();
  stage.tests[1].expected_tests = 8;
  std::vector<TestOutcome> outcomes;
  std::string long_message;
  for (int line = 0; line < 20; ++line) long_message += "line " + std::to_string(line) + "\n";
  for (int i = 0; i < 8; ++i) outcomes.push_back(fail("Add.T" + std::to_string(i), long_message));
  const CheckResult check = score_test_group(stage, stage.tests[1], outcomes);
  EXPECT_EQ(check.measured, "0/8 passed");  // failing, but not for want of code
  EXPECT_EQ(check.output,
            "8 of 8 tests failed: Add.T0, Add.T1, Add.T2, and 5 more\n"
            "first failure:\nline 0\nline 1\nline 2\nline 3\nline 4\nline 5");
}

// A run that did not run exactly the expected tests scores 0, however well they went:
// a filter changed from inside the process, or a test added without the rubric.
TEST(Scoring, AGroupMustRunExactlyItsExpectedTests) {
  const Stage stage = make_stage();
  const CheckResult fewer = score_test_group(stage, stage.tests[2], {pass("Relu.A")});
  EXPECT_EQ(fewer.points, 0);
  EXPECT_EQ(fewer.measured, "ran 1 of 3");
  EXPECT_EQ(fewer.output, "ran 1 of 3 expected tests (filter Relu.* in stage01_test)");
  const CheckResult more = score_test_group(stage, stage.tests[1], {pass("Add.A"), pass("Add.B"), pass("Add.C")});
  EXPECT_EQ(more.points, 0);
  EXPECT_NE(more.output.find("more tests than grader/rubric.json expects"), std::string::npos) << more.output;
  EXPECT_EQ(score_test_group(stage, stage.tests[1], {}).measured, "ran 0 of 2");
}

// A test the group's filter does not select, or one listed twice, cannot come from an
// honest run of that filter: the report is not trusted and the instructor is told.
TEST(Scoring, AReportNoHonestRunWritesIsNotTrusted) {
  const Stage stage = make_stage();
  const CheckResult other = score_test_group(stage, stage.tests[1], {pass("Add.A"), pass("Relu.A")});
  EXPECT_EQ(other.points, 0);
  EXPECT_EQ(other.flag, "report not trusted");
  EXPECT_NE(other.output.find("Relu.A, which the group's filter Add.* does not select"), std::string::npos) << other.output;
  const CheckResult twice = score_test_group(stage, stage.tests[1], {pass("Add.A"), pass("Add.A")});
  EXPECT_EQ(twice.points, 0);
  EXPECT_EQ(twice.flag, "report not trusted");
}

TEST(Scoring, SpeedNeedsEveryGroupAtFullMarks) {
  const Stage stage = make_stage();
  std::vector<CheckResult> checks = {score_test_group(stage, stage.tests[1], {pass("Add.A"), pass("Add.B")})};
  EXPECT_TRUE(correctness_complete(checks));
  checks.push_back(score_test_group(stage, stage.tests[2], {pass("Relu.A")}));
  EXPECT_FALSE(correctness_complete(checks));
}

TEST(Scoring, ZeroChecksCarryTheReasonAndFlag) {
  const auto checks = zero_checks(make_stage(), CheckResult::Kind::tests, "crashed", "stage01_test crashed (SIGSEGV)");
  ASSERT_EQ(checks.size(), 3u);
  for (const CheckResult& check : checks) {
    EXPECT_EQ(check.points, 0);
    EXPECT_EQ(check.measured, "crashed");
    EXPECT_EQ(check.output, "stage01_test crashed (SIGSEGV)");
    EXPECT_TRUE(check.flag.empty());
  }
  EXPECT_EQ(checks[0].max_points + checks[1].max_points + checks[2].max_points, 20);
  const auto speed = zero_checks(make_stage(), CheckResult::Kind::speed, "rule broken", "rule broken: ...", "rule broken");
  ASSERT_EQ(speed.size(), 1u);
  EXPECT_EQ(speed[0].max_points, 20);
  EXPECT_EQ(speed[0].kind, CheckResult::Kind::speed);
  EXPECT_EQ(speed[0].required, "0.50 of ref");  // the reference's speedup here is not known yet
  EXPECT_EQ(requirement_text(make_stage().speed[0], 26.9), "13.4x (ref 26.9x)");
  EXPECT_EQ(speed[0].flag, "rule broken");
}

// A ramp's bar within the middle half of the rounds, or within 5 % of the value, is too
// close to score; one outside both is not.
TEST(Scoring, CloseToABarMeansWithinTheRoundsSpread) {
  EXPECT_TRUE(close_to_a_bar({0.45, 0.48, 0.52, 0.55, 0.6}, 0.52, {0.25, 0.5}));
  EXPECT_TRUE(close_to_a_bar({0.51, 0.52, 0.52}, 0.52, {0.25, 0.5}));  // within 5 %
  EXPECT_FALSE(close_to_a_bar({0.9, 1.0, 1.1}, 1.0, {0.25, 0.5}));
  EXPECT_FALSE(close_to_a_bar({0.1, 0.12, 0.13}, 0.12, {0.25, 0.5}));
  EXPECT_FALSE(close_to_a_bar({}, 0.5, {0.5}));
}

}  // namespace
