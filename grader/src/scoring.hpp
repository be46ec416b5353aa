#pragma once
// Turning a stage's test reports into points. Pure functions: no processes, no files, so
// every rule here is unit-tested on small fixtures.

#include <initializer_list>
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
  // A speedup check's bar, for a calibration: the reference's speedup it was judged
  // against, and whether that was timed beside the student in this run.
  double reference_figure = 0;
  bool reference_timed_here = false;
  double fraction = 0;         // what its points were judged on: its share of the reference's speedup (gain, when scaling)
  double student_gflops = 0;   // its candidate's rate, where the rubric puts it on the leaderboard
  std::string leaderboard = {};  // that entry's name ("" when none)

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

// "+1.8 %": a candidate's time over a baseline's, less one, as a rubric states overheads.
std::string overhead_text(double overhead);
// "12.0x", "3.25x".
std::string ratio_text(double ratio);
// The table's "required" cell of a speed check, for full marks: "5.55x (ref 11.1x)" once
// the reference's speedup is known, "0.50 of ref" before; "<= +25.0 % (ref +0.7 %)".
std::string requirement_text(const SpeedCheck& check);
std::string requirement_text(const SpeedCheck& check, double reference_speedup);
std::string requirement_text(const MeasureCheck& check);  // "0.80x (ref 1.50x)", "<= 25 % (ref 14 %)"

// Whether a value measured over rounds (per_round, and `value` over all of them) is too
// close to one of a ramp's bars to be scored yet: a bar within the middle half of the
// rounds' values, or within 5 % of the value. A noisy minute could put it either side.
bool close_to_a_bar(std::vector<double> per_round, double value, std::initializer_list<double> bars);

// True when every test group has full marks: the condition for running speed checks.
bool correctness_complete(const std::vector<CheckResult>& test_checks);

// Every check of one kind at 0 points, each with the same reason (a crash, a timeout,
// a missing binary, "skipped: correctness tests fail") and flag.
std::vector<CheckResult> zero_checks(const Stage& stage, CheckResult::Kind kind, const std::string& measured,
                                     const std::string& reason, const std::string& flag = {});

}  // namespace accel::grader
