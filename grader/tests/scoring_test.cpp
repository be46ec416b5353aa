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
  stage.tests = {{"matmul_ijk", "^(Sizes/)?MatmulIjk\\.", 10}, {"add", "^Add\\.", 6}, {"relu", "^Relu\\.", 4}};
  stage.speed = {{"ikj vs ijk", "baseline/ijk/512", "student/ikj/512", 10, 26.9, 20}};
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

TEST(Scoring, GroupPointsAreProportionalToPassedTests) {
  const std::vector<TestOutcome> outcomes = {
      pass("MatmulIjk.HandChecked2x2"), pass("Sizes/MatmulIjk.MatchesDoubleReference/1x1x1"),
      pass("Sizes/MatmulIjk.MatchesDoubleReference/2x3x4"),
      fail("Sizes/MatmulIjk.MatchesDoubleReference/7x9x5", "mismatch at (3, 4): expected 1.5, got 2.5\nseed 42"),
      pass("Add.Works"), pass("Add.LengthMismatch"), pass("Relu.A"), pass("MatmulIkj.NotInAnyGroup")};
  const auto checks = score_tests(make_stage(), outcomes);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].name, "matmul_ijk");
  EXPECT_DOUBLE_EQ(checks[0].points, 7.5);  // 10 × 3/4
  EXPECT_EQ(checks[0].max_points, 10);
  EXPECT_EQ(checks[0].measured, "3/4 passed");
  EXPECT_EQ(checks[0].required, "4/4 pass");
  EXPECT_FALSE(checks[0].full_marks());
  EXPECT_EQ(checks[0].output,
            "1 of 4 tests failed: Sizes/MatmulIjk.MatchesDoubleReference/7x9x5\n"
            "first failure:\nmismatch at (3, 4): expected 1.5, got 2.5\nseed 42");
  EXPECT_EQ(checks[1].points, 6);
  EXPECT_TRUE(checks[1].full_marks());
  EXPECT_EQ(checks[2].points, 4);
}

TEST(Scoring, StubsAreReportedAsNotImplemented) {
  const std::vector<TestOutcome> outcomes = {fail("Add.A", stub_message("add")), fail("Add.B", stub_message("add")),
                                             pass("Relu.A"), fail("Relu.B", stub_message("relu")),
                                             fail("Relu.C", "Expected: 0\n  Actual: 7")};
  const auto checks = score_tests(make_stage(), outcomes);
  EXPECT_EQ(checks[1].points, 0);
  EXPECT_EQ(checks[1].measured, "not implemented");
  EXPECT_EQ(checks[1].output, "not implemented: add\n2 of 2 tests failed: Add.A, Add.B");
  EXPECT_DOUBLE_EQ(checks[2].points, 4.0 / 3);
  EXPECT_EQ(checks[2].measured, "1/3 passed");
  EXPECT_EQ(checks[2].output,
            "not implemented: relu\n2 of 3 tests failed: Relu.B, Relu.C\nfirst failure:\nExpected: 0\n  Actual: 7");
}

TEST(Scoring, LongFailureListsAndMessagesAreCut) {
  std::vector<TestOutcome> outcomes;
  std::string long_message;
  for (int line = 0; line < 20; ++line) long_message += "line " + std::to_string(line) + "\n";
  for (int i = 0; i < 8; ++i) outcomes.push_back(fail("Add.T" + std::to_string(i), long_message));
  const auto checks = score_tests(make_stage(), outcomes);
  EXPECT_EQ(checks[1].measured, "0/8 passed");  // failing, but not for want of code
  EXPECT_EQ(checks[1].output,
            "8 of 8 tests failed: Add.T0, Add.T1, Add.T2, and 5 more\n"
            "first failure:\nline 0\nline 1\nline 2\nline 3\nline 4\nline 5");
}

TEST(Scoring, GroupMatchingNoTestScoresZero) {
  const auto checks = score_tests(make_stage(), {pass("Add.A"), pass("Relu.A")});
  EXPECT_EQ(checks[0].points, 0);
  EXPECT_EQ(checks[0].output, "no tests matched /^(Sizes/)?MatmulIjk\\./ in stage01_test");
  EXPECT_FALSE(checks[0].full_marks());
}

TEST(Scoring, SpeedNeedsEveryTestToPass) {
  const std::vector<TestOutcome> all_pass = {pass("MatmulIjk.A"), pass("Add.A"), pass("Relu.A")};
  EXPECT_TRUE(correctness_complete(score_tests(make_stage(), all_pass), all_pass));
  // A failing test outside every group still blocks the speed checks.
  auto with_stray = all_pass;
  with_stray.push_back(fail("Stray.Test", "boom"));
  EXPECT_FALSE(correctness_complete(score_tests(make_stage(), with_stray), with_stray));
  // So does a group that matched nothing.
  const std::vector<TestOutcome> no_relu = {pass("MatmulIjk.A"), pass("Add.A")};
  EXPECT_FALSE(correctness_complete(score_tests(make_stage(), no_relu), no_relu));
}

std::map<std::string, BenchCase> timings(double baseline_ms, double candidate_ms) {
  std::map<std::string, BenchCase> cases;
  cases["baseline/ijk/512"].real_times_ns = {baseline_ms * 1e6, baseline_ms * 2e6, baseline_ms * 0.5e6};
  cases["student/ikj/512"].real_times_ns = {candidate_ms * 1e6};
  return cases;
}

TEST(Scoring, SpeedIsAllOrNothingAtTheThreshold) {
  const Stage stage = make_stage();
  const auto fast = score_speed(stage, timings(500, 25));  // 20x
  ASSERT_EQ(fast.size(), 1u);
  EXPECT_EQ(fast[0].points, 20);
  EXPECT_EQ(fast[0].measured, "20.0x");
  EXPECT_EQ(fast[0].required, "10.0x (ref 26.9x)");
  EXPECT_EQ(fast[0].output,
            "median baseline/ijk/512 500.00 ms, student/ikj/512 25.00 ms: speedup 20.0x >= required 10.0x "
            "(the reference reached 26.9x)");

  EXPECT_EQ(score_speed(stage, timings(500, 50))[0].points, 20);  // exactly 10x passes
  const auto slow = score_speed(stage, timings(500, 51));         // 9.8x
  EXPECT_EQ(slow[0].points, 0);
  EXPECT_EQ(slow[0].measured, "9.80x");
  EXPECT_NE(slow[0].output.find("speedup 9.80x < required 10.0x"), std::string::npos) << slow[0].output;
}

TEST(Scoring, SpeedProblemsAreNamed) {
  const Stage stage = make_stage();
  auto cases = timings(500, 25);
  cases.erase("student/ikj/512");
  EXPECT_EQ(score_speed(stage, cases)[0].output,
            "case \"student/ikj/512\" is not in the output of stage01_grade_bench (check the case names in the rubric)");

  cases["student/ikj/512"].error = "stage 01: matmul_ikj is not implemented yet (...)";
  const auto stub = score_speed(stage, cases);
  EXPECT_EQ(stub[0].points, 0);
  EXPECT_EQ(stub[0].output, "not implemented: matmul_ikj");

  cases["student/ikj/512"].error = "out of memory";
  EXPECT_EQ(score_speed(stage, cases)[0].output, "case \"student/ikj/512\" failed: out of memory");
}

TEST(Scoring, ZeroChecksCarryTheReason) {
  const auto checks = zero_checks(make_stage(), CheckResult::Kind::tests, "crashed", "stage01_test crashed (SIGSEGV)");
  ASSERT_EQ(checks.size(), 3u);
  for (const CheckResult& check : checks) {
    EXPECT_EQ(check.points, 0);
    EXPECT_EQ(check.measured, "crashed");
    EXPECT_EQ(check.output, "stage01_test crashed (SIGSEGV)");
  }
  EXPECT_EQ(checks[0].max_points + checks[1].max_points + checks[2].max_points, 20);
  const auto speed = zero_checks(make_stage(), CheckResult::Kind::speed, "skipped", "skipped: correctness tests fail");
  ASSERT_EQ(speed.size(), 1u);
  EXPECT_EQ(speed[0].max_points, 20);
  EXPECT_EQ(speed[0].kind, CheckResult::Kind::speed);
}

}  // namespace
