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
#include <stdexcept>
#include <string>
#include <vector>

namespace accel::grader {

struct BuildTools {
  std::filesystem::path cmake;       // the cmake the course was configured with
  std::filesystem::path ninja;
  std::filesystem::path course_dir;  // the course's source tree (tests, headers, grader)
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
