#pragma once
// Grading one stage:
//   1. its build: the grader (re)builds the stage's programs itself, so a stage whose
//      sources do not compile scores 0 with the compiler's first errors, never with a
//      stale binary from an earlier build;
//   2. its rules: the stage library's symbols are checked before anything of it runs
//      (audit.hpp); a broken rule costs the stage's speed checks, naming the symbol;
//   3. its tests: each test group runs in its own process, with its own filter and a
//      clean environment, and must run exactly the tests the rubric expects;
//   4. its speed checks (speed.hpp), only when every test group has full marks.
// Whatever happens to the children (crash, timeout, missing binary), the stage gets rows
// with a reason, and the caller goes on with the next stage.

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "audit.hpp"
#include "builder.hpp"
#include "rubric.hpp"
#include "scoring.hpp"
#include "speed.hpp"

namespace accel::grader {

struct GradeOptions {
  std::filesystem::path bin_dir;   // where stageNN_test, stageNN_grade_bench and grade_baselines live
  std::filesystem::path lib_dir;   // where libstageNN.a lives, for the rule check
  std::filesystem::path work_dir;  // scratch space for reports and captured output
  std::filesystem::path nm = "nm";
  std::filesystem::path objdump = "objdump";  // for the machine-code rule
  double test_timeout_seconds = 300;
  std::uint64_t seed = 1;  // ACCEL_SEED of the tests, and the seed of the speed cases
  std::ostream* progress = nullptr;
  // What could not be built, per stage id, with the reason shown ("does not compile:
  // ..."); filled by the caller's build step. The test program and the grade bench are
  // built apart: a bench that does not link costs the speed checks only.
  std::map<std::string, BuildFailure> not_built;
  bool tests_only = false;  // no speed or measurement checks (the status view)
  // A submission's folder of stage sources, and its aarch64 cross build: on an x86-64
  // grading machine, a test group whose functions are a TODO here is graded on the
  // stage's NEON branch under qemu-aarch64, if it has one. Speed is measured on this
  // machine's instruction set only. Unset outside submission grading.
  std::filesystem::path sources;
  CrossBuild* cross = nullptr;
  std::string only_check;   // grade this check alone (its stage's tests still gate a speed check)
};

// Options from the rubric's top-level settings.
GradeOptions options_from(const Rubric& rubric);

std::vector<CheckResult> grade_stage(const Stage& stage, const GradeOptions& options, SpeedLab& speed);

// Whether a stage source has a NEON branch (#if/#elif on __ARM_NEON) with code in it, not
// only comments, #includes and ACCEL_TODO: the stubs' NEON branches are TODOs.
bool has_written_neon_branch(std::string_view source);

// The rule check alone: the violations of a stage's library (empty when it keeps every
// rule), or nullopt with `error` set when the library cannot be read.
std::optional<std::vector<Violation>> audit_stage(const Stage& stage, const GradeOptions& options,
                                                  std::vector<std::string>* used = nullptr,
                                                  std::string* error = nullptr);

}  // namespace accel::grader
