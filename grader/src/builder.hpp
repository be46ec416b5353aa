#pragma once
// Building what the grader runs, so that a grade never comes from a stale binary.
//
// A submission is built in a build tree of its own (reusable from one submission to the
// next): the grader copies the submission's stage sources into <build>/submission, deletes
// every stage's earlier outputs (libraries, objects, programs), then builds each stage's
// programs on their own, so a stage that does not compile costs that stage only and is
// reported with the compiler's first errors. The course's own code (toolkit, tests,
// harness, baselines) stays built between submissions: nothing of it comes from a student.

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace accel::grader {

struct BuildTools {
  std::filesystem::path cmake;       // the cmake the course was configured with
  std::filesystem::path ninja;
  std::filesystem::path course_dir;  // the course's source tree (tests, headers, grader)
  std::string arch = "native";       // ACCEL_ARCH of the submission's build: the grader's own
  double time_limit_seconds = 900;   // per build command
};

// A stage's folder: stages/<id>_<slug>/<slug>.cpp.
struct StageSource {
  std::string id;    // "01"
  std::string slug;  // "naive_loops"
  std::filesystem::path relative_source() const;  // stages/01_naive_loops/naive_loops.cpp
};

struct StageBuild {
  bool ok = false;
  std::string errors;  // when not ok: the first compiler or linker errors, or why nothing was built
};

// Why a stage's programs are missing: "" where they were built.
struct BuildFailure {
  std::string tests;  // the stage's test program (and so its library)
  std::string bench;  // its grade bench
};

// The grader's own build problems (a configure that fails, a tree in use): not a student's.
class BuildError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where prepare_submission copies a submission's stage sources: <build_dir>/submission.
std::filesystem::path submission_copy(const std::filesystem::path& build_dir);

// Prepares `build_dir` for `submission` (a folder holding stages/): fresh copies of the
// stage sources, every stage's earlier outputs deleted, the tree configured. Returns, per
// stage id, why a stage cannot be built (its source is missing from the submission).
std::map<std::string, std::string> prepare_submission(const BuildTools& tools,
                                                      const std::filesystem::path& submission,
                                                      const std::filesystem::path& build_dir,
                                                      const std::vector<StageSource>& stages,
                                                      const std::filesystem::path& work_dir);

// Builds the targets in an existing build tree; the log goes to `log`.
StageBuild build_targets(const BuildTools& tools, const std::filesystem::path& build_dir,
                         const std::vector<std::string>& targets, const std::filesystem::path& log);

// The first compiler or linker errors of a build log, with `strip` (the submission copy's
// folder) removed from paths so they read stages/NN_slug/slug.cpp:LINE.
std::string first_errors(std::string_view log, const std::string& strip);

// A tests-only build of a submission for aarch64, so that a stage's NEON branch can be
// graded under qemu-aarch64 on an x86-64 grading machine whose own branch of the stage is
// still a TODO (a student who worked on an Apple Silicon laptop). Built on first use, in
// a tree beside the submission's (<tree>-aarch64), from the same copy of the sources.
class CrossBuild {
 public:
  CrossBuild(BuildTools tools, const std::filesystem::path& submission_tree, std::filesystem::path work_dir);

  // The stage's aarch64 test program, built on demand; nullopt with `why` when it cannot
  // be had (no cross compiler or qemu here, or the NEON branch does not compile).
  std::optional<std::filesystem::path> test_program(const StageSource& stage, const std::string& test_binary,
                                                    std::string& why);
  // What runs an aarch64 program here: qemu-aarch64 with the target's libraries, and the
  // variables to run it with (BLAS on one thread: OpenBLAS's waiting threads spin, which
  // under qemu-user turns seconds into minutes).
  std::vector<std::string> launcher() const;
  std::vector<std::pair<std::string, std::string>> environment() const { return {{"OPENBLAS_NUM_THREADS", "1"}}; }

 private:
  BuildTools tools_;
  std::filesystem::path copy_, tree_, work_dir_, qemu_;
  std::optional<std::string> configure_error_;  // set once configured (empty when it worked)
};

// Holds an exclusive lock on a build tree while the grader uses it; throws BuildError
// when another grader holds it.
class BuildLock {
 public:
  explicit BuildLock(const std::filesystem::path& build_dir);
  ~BuildLock();
  BuildLock(const BuildLock&) = delete;
  BuildLock& operator=(const BuildLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace accel::grader
