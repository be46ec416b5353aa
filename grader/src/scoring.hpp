#pragma once
// Turning a stage's test reports into points. Pure functions: no processes, no files, so
// every rule here is unit-tested on small fixtures.

#include <string>
#include <string_view>
#include <vector>

#include "gtest_report.hpp"
#include "rubric.hpp"

namespace accel::grader {

// One row of the score table and one entry of results.json.
struct CheckResult {
  enum class Kind { tests, speed, measure };
  std::string stage;       // "01"
  std::string stage_name;  // "naive_loops"
  Kind kind = Kind::tests;
  std::string name;        // the rubric's group or speed-check name
  std::string measured;    // "15/17 passed", "23.4x", "crashed", "skipped"
  std::string required;    // "17/17", "10x (ref 26.9x)"
  double points = 0;
  double max_points = 0;
  std::string output;      // what the student needs: failing tests, reasons, timings
  std::string flag;        // for the instructor: "implausible speed", "rule broken", ... ("" when none)
  bool todo_only = false;  // a test group whose every failure is a function still a TODO

  bool full_marks() const { return points >= max_points; }
};

CheckResult make_check(const Stage& stage, CheckResult::Kind kind, const std::string& name, double max_points);

// The function a NotImplemented message names ("stage 01: matmul_ijk is not implemented
// yet (...)" -> "matmul_ijk"); "" when the message is not one.
std::string not_implemented_function(const std::string& message);

// GoogleTest's filter rule: ':'-separated wildcard patterns ('*', '?'), and after a '-'
// the patterns that are excluded. "MatmulIjk.*:Sizes/MatmulIjk.*" selects both suites.
bool matches_filter(std::string_view test_name, std::string_view filter);

// One group, from the outcomes its own run reported: points × passed ÷ expected, and 0
// when the run did not run exactly the expected number of tests, each selected by the
// group's filter ("ran 1 of 16 expected tests").
CheckResult score_test_group(const Stage& stage, const TestGroup& group, const std::vector<TestOutcome>& outcomes);

// The table's "required" cell of a speed check: "6.00x (ref 20.7x)".
// "+1.8 %": a candidate's time over a baseline's, less one, as a rubric states overheads.
std::string overhead_text(double overhead);
std::string requirement_text(const SpeedCheck& check);
std::string requirement_text(const MeasureCheck& check);  // "0.80x (ref 1.50x)", "<= 25 % (ref 14 %)"

// True when every test group has full marks: the condition for running speed checks.
bool correctness_complete(const std::vector<CheckResult>& test_checks);

// Every check of one kind at 0 points, each with the same reason (a crash, a timeout,
// a missing binary, "skipped: correctness tests fail") and flag.
std::vector<CheckResult> zero_checks(const Stage& stage, CheckResult::Kind kind, const std::string& measured,
                                     const std::string& reason, const std::string& flag = {});

}  // namespace accel::grader
