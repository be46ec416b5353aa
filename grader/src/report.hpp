#pragma once
// What the grader shows: the score table for a terminal, and Gradescope's results.json
// (https://gradescope-autograders.readthedocs.io/en/latest/specs/).

#include <ostream>
#include <string>
#include <vector>

#include "scoring.hpp"

namespace accel::grader {

double total_points(const std::vector<CheckResult>& checks);
double total_max_points(const std::vector<CheckResult>& checks);

// "10.0/10": points earned with one decimal (partial credit is fractional) over the maximum.
std::string points_text(double points, double max_points);

// The table (stage, check, measured, required, points, and a flag column when a check is
// flagged) with a total row, the list of flags, then the output of every check that did
// not get full marks and of every speed check.
void print_report(std::ostream& out, const std::vector<CheckResult>& checks);

// "Stage 01 (naive_loops) correctness: matmul_ijk" / "... speed: ...": the Gradescope entry name.
std::string entry_name(const CheckResult& check);

// results.json: score, max_score, output, execution_time, one tests[] entry per check (the
// speed and measurement checks with `speed_visibility`), and a leaderboard where speed was
// measured.
std::string results_json(const std::vector<CheckResult>& checks, double execution_seconds,
                         const std::string& output, const std::string& speed_visibility = "visible");

// JUnit XML for any CI: one <testsuite> per stage, one <testcase> per check; a check under
// full marks is a <failure> whose text is the check's output (points in the message).
std::string junit_xml(const std::vector<CheckResult>& checks, double execution_seconds);

// The student's progress view (grader --status, ./lab status): per stage and test group
// "passing", "TODO" or "failing" with the failure in one line, then the next thing to do.
void print_status(std::ostream& out, const std::vector<CheckResult>& test_checks);

}  // namespace accel::grader
