#pragma once
// Grading one stage: run its test binary, score the groups, and only when every test
// passed run the bench binary and score the speed checks. Whatever happens to the
// children (crash, timeout, missing binary), the stage gets rows with a reason, and the
// caller goes on with the next stage.

#include <filesystem>
#include <ostream>
#include <vector>

#include "rubric.hpp"
#include "scoring.hpp"

namespace accel::grader {

struct GradeOptions {
  std::filesystem::path bin_dir;   // where stageNN_test and stageNN_grade_bench live
  std::filesystem::path work_dir;  // scratch space for reports and captured output
  int repetitions = 7;             // --benchmark_repetitions
  double test_timeout_seconds = 300;
  double bench_timeout_seconds = 600;
  std::ostream* progress = nullptr;  // one line per child started, for long runs
};

// Options from the rubric's top-level settings (the caller may then override repetitions).
GradeOptions options_from(const Rubric& rubric);

std::vector<CheckResult> grade_stage(const Stage& stage, const GradeOptions& options);

}  // namespace accel::grader
