#pragma once
// An upload as a student makes it to an autograder (Gradescope puts it in
// /autograder/submission): the stage sources found anywhere in it, laid out as a copy of the
// course (DIR/stages/NN_slug/slug.cpp) for grader --submission. Students upload what they
// have: a few .cpp files, their stages/ folder, a zip of their whole repository. What is
// taken and what is not is said, never guessed silently:
//   - a file named after a stage's source (naive_loops.cpp) is that stage's; where several
//     are, the one in stages/NN_slug/ wins (a copy of the whole repository holds solutions/
//     or build/ copies too, which are never taken);
//   - a .cpp in a stages/NN_*/ folder of a stage the course does not have, or named like no
//     stage's source, is named and left out;
//   - a file over 1 MiB is left out (no stage source is that long; an upload that is, is
//     something else).

#include <filesystem>
#include <string>
#include <vector>

#include "rubric.hpp"

namespace accel::grader {

struct Upload {
  std::filesystem::path copy;       // the course-shaped copy to grade with --submission
  std::vector<std::string> taken;   // "stages/01_naive_loops/naive_loops.cpp (from my-work/naive_loops.cpp)"
  std::vector<std::string> problems;  // what was left out, and why
  bool empty() const { return taken.empty(); }
};

inline constexpr std::uintmax_t kMaxSourceBytes = std::uintmax_t{1} << 20;

// Collects the stage sources of `upload` into `into` (created; emptied first).
Upload collect_upload(const std::filesystem::path& upload, const Rubric& rubric, const std::filesystem::path& into);

}  // namespace accel::grader
