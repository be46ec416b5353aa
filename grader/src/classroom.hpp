#pragma once
// Grading a whole class, and the configuration GitHub Classroom grades a handout with.
//
//   grader --class DIR   every student folder in DIR (a copy of the handout, or a clone),
//                        one after another, each built hermetically in one reused tree;
//                        DIR/results/<student>.json (Gradescope's format) per student and
//                        DIR/gradebook.csv for all. Resumable: a student with a results
//                        file is not graded again unless --force. A student whose code
//                        does not build gets zeros with the reason; nothing stops the class.

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "rubric.hpp"
#include "scoring.hpp"

namespace accel::grader {

// Grades one student's folder; throws for the grader's own failures.
using GradeSubmission = std::function<std::vector<CheckResult>(const std::filesystem::path& student)>;

struct ClassRun {
  std::filesystem::path dir;
  bool force = false;
};

// Returns the number of students in the gradebook.
std::size_t grade_class(const ClassRun& run, const Rubric& rubric, const GradeSubmission& grade,
                        std::ostream& progress);

// One gradebook row per student: student, the points of each stage, total, max, and flags
// (the grader's flags, stages that do not compile, or why the student was not graded).
std::string gradebook_header(const Rubric& rubric);
std::string gradebook_row(const std::string& student, const Rubric& rubric, const std::vector<CheckResult>& checks,
                          const std::string& problem = {});

// .github/classroom/autograding.json for a handout: one test per check of the rubric,
// each running the grader on that check with its points.
std::string classroom_autograding(const Rubric& rubric);

}  // namespace accel::grader
