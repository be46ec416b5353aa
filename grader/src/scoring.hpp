#pragma once
// Turning a stage's test and benchmark reports into points. Pure functions: no
// processes, no files, so every rule here is unit-tested on small fixtures.

#include <map>
#include <string>
#include <vector>

#include "bench_report.hpp"
#include "gtest_report.hpp"
#include "rubric.hpp"

namespace accel::grader {

// One row of the score table and one entry of results.json.
struct CheckResult {
  enum class Kind { tests, speed };
  std::string stage;       // "01"
  std::string stage_name;  // "naive_loops"
  Kind kind = Kind::tests;
  std::string name;        // the rubric's group or speed-check name
  std::string measured;    // "15/17 passed", "23.4x", "crashed", "skipped"
  std::string required;    // "17/17", "10x (ref 26.9x)"
  double points = 0;
  double max_points = 0;
  std::string output;      // what the student needs: failing tests, reasons, timings

  bool full_marks() const { return points >= max_points; }
};

// The function a NotImplemented message names ("stage 01: matmul_ijk is not implemented
// yet (...)" -> "matmul_ijk"); "" when the message is not one.
std::string not_implemented_function(const std::string& message);

// Points × passed ÷ matched per test group, with a message naming what failed.
std::vector<CheckResult> score_tests(const Stage& stage, const std::vector<TestOutcome>& outcomes);

// True when every test in the report passed and every group matched at least one test:
// the condition for a stage's speed checks to be run at all.
bool correctness_complete(const std::vector<CheckResult>& test_checks, const std::vector<TestOutcome>& outcomes);

// Median(baseline) / median(candidate) per speed check, all-or-nothing at min_speedup.
std::vector<CheckResult> score_speed(const Stage& stage, const std::map<std::string, BenchCase>& cases);

// Every check of one kind at 0 points, each with the same reason (a crash, a timeout,
// a missing binary, "skipped: correctness tests fail").
std::vector<CheckResult> zero_checks(const Stage& stage, CheckResult::Kind kind, const std::string& measured,
                                     const std::string& reason);

}  // namespace accel::grader
