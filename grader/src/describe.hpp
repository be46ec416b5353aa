#pragma once
// What the grader checks, stated as rules from the rubric: the one source of every number
// a lesson gives about grading. `grader --describe [--stage NN]` prints it; each stage's
// README carries its stage's table between two markers, which `grader --update-lessons`
// rewrites and the project test project.lessons_describe_the_rubric compares.

#include <filesystem>
#include <string>
#include <vector>

#include "rubric.hpp"

namespace accel::grader {

// A stage's checks as a Markdown table: each check, what it measures, its points and the
// rule that turns the measurement into points. No machine's figures: those are in the grade
// report, measured where the grading runs.
std::string describe_stage(const Stage& stage);

// The markers around the table in a README.
inline constexpr const char* kDescribeBegin = "<!-- grader --describe: begin (generated from grader/rubric.json) -->";
inline constexpr const char* kDescribeEnd = "<!-- grader --describe: end -->";

// `readme` with the text between the markers replaced by `table`; throws std::runtime_error
// when the README has no such markers.
std::string with_description(const std::string& readme, const std::string& table);

// The stage's lesson: <course>/stages/<id>_<name>/README.md.
std::filesystem::path lesson_of(const std::filesystem::path& course, const Stage& stage);

}  // namespace accel::grader
