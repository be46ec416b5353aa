#pragma once
// Maintainer checks that keep the rubric honest, run by the project's tests:
//   grader --audit           every stage library keeps its rules (and, with --expect-use,
//                            a stage that must use a category does: 03:blas)
//   grader --check-rubric    every test group selects exactly the number of tests the
//                            rubric expects, and every test of a stage is in one group,
//                            so adding a test cannot silently break grading

#include <ostream>
#include <string>
#include <vector>

#include "grading.hpp"

namespace accel::grader {

// Exit code: 0 when every stage keeps its rules and uses what it must, else 1.
int audit_and_report(const std::vector<const Stage*>& stages, const GradeOptions& options,
                     const std::vector<std::string>& expected_uses, std::ostream& out);

// The test names a GoogleTest binary lists (--gtest_list_tests output), as "Suite.Test".
std::vector<std::string> parse_test_list(const std::string& listing);

// Exit code: 0 when the rubric's groups match the test binaries, else 1.
int check_rubric_counts(const std::vector<const Stage*>& stages, const GradeOptions& options, std::ostream& out);

}  // namespace accel::grader
