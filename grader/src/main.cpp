// grader: runs each stage's tests and speed checks against a build and prints the score.
// Exit 0 whenever grading ran (whatever the score), 1 with --require-full when anything
// is under full marks, 2 on usage errors (bad arguments, rubric, or bin directory),
// 130 when interrupted.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "accel/cpu_info.hpp"
#include "child_process.hpp"
#include "grading.hpp"
#include "report.hpp"
#include "rubric.hpp"

#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

namespace fs = std::filesystem;
using namespace accel::grader;

namespace {

constexpr int kUsageError = 2;

int usage_error(const std::string& message) {
  std::cerr << "grader: " << message << '\n';
  return kUsageError;
}

// The directory this executable is in: build/reference/bin/grader grades the reference
// build, build/student/bin/grader the student build, with no arguments.
fs::path own_directory(const char* argv0) {
  std::error_code error;
#if defined(__APPLE__)
  char path[4096];
  std::uint32_t size = sizeof path;
  if (_NSGetExecutablePath(path, &size) == 0) return fs::canonical(path, error).parent_path();
#else
  if (const fs::path self = fs::read_symlink("/proc/self/exe", error); !error) return self.parent_path();
#endif
  return fs::absolute(argv0).parent_path();
}

// A fresh scratch directory for reports and captured output, removed when grading ends.
struct WorkDir {
  fs::path path;
  WorkDir() {
    std::string pattern = (fs::temp_directory_path() / "accel-grader-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a directory in " + pattern);
    path = pattern;
  }
  ~WorkDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// "1" -> "01", so --stage 1 and --stage 01 mean the same stage.
std::string stage_id(std::string text) { return text.size() == 1 ? "0" + text : text; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Grade the course's stages: run each stage's tests and speed checks, print a score table."};
  std::string bin_dir, build, json_file;
  std::string rubric_file = ACCEL_SOURCE_DIR "/grader/rubric.json";
  std::vector<std::string> stage_args;
  bool require_full = false;
  int repetitions = 0;
  auto* bin_option = app.add_option("--bin-dir", bin_dir, "Directory with the stage binaries (default: the grader's own)");
  app.add_option("--build", build, "Grade <source>/build/NAME/bin instead")
      ->check(CLI::IsMember({"student", "reference"}))
      ->excludes(bin_option);
  app.add_option("--rubric", rubric_file, "Rubric file")->capture_default_str();
  app.add_option("--stage", stage_args, "Grade only this stage (repeatable), e.g. --stage 01");
  app.add_option("--json", json_file, "Also write Gradescope results.json to this file");
  app.add_flag("--require-full", require_full, "Exit 1 when any check is under full marks");
  app.add_option("--repetitions", repetitions, "Benchmark repetitions (default: the rubric's)")
      ->check(CLI::Range(1, 1000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kUsageError;  // --help is not an error
  }

  Rubric rubric;
  try {
    rubric = load_rubric(rubric_file);
  } catch (const RubricError& error) {
    return usage_error(error.what());
  }
  std::vector<const Stage*> stages;
  for (const std::string& arg : stage_args) {
    const Stage* stage = rubric.find_stage(stage_id(arg));
    if (stage == nullptr) {
      std::string known;
      for (const Stage& s : rubric.stages) known += (known.empty() ? "" : ", ") + s.id;
      return usage_error("unknown stage \"" + arg + "\"; the rubric has " + known);
    }
    stages.push_back(stage);
  }
  if (stage_args.empty()) {
    for (const Stage& stage : rubric.stages) stages.push_back(&stage);
  }

  GradeOptions options = options_from(rubric);
  options.bin_dir = !bin_dir.empty() ? fs::path(bin_dir)
                    : !build.empty() ? fs::path(ACCEL_SOURCE_DIR) / "build" / build / "bin"
                                     : own_directory(argv[0]);
  if (!fs::is_directory(options.bin_dir)) {
    return usage_error("bin directory " + options.bin_dir.string() + " does not exist: configure and build first (" +
                       "cmake --workflow --preset " + (build.empty() ? "student" : build) + ")");
  }
  if (repetitions > 0) options.repetitions = repetitions;
  options.progress = &std::cerr;

  const auto start = std::chrono::steady_clock::now();
  std::vector<CheckResult> checks;
  try {
    WorkDir work_dir;
    options.work_dir = work_dir.path;
    forward_interrupts_to_children();
    for (const Stage* stage : stages) {
      for (CheckResult& check : grade_stage(*stage, options)) checks.push_back(std::move(check));
    }
  } catch (const Interrupted&) {
    std::cerr << "grader: interrupted\n";
    return 130;  // the shell's code for death by SIGINT
  } catch (const std::exception& error) {  // the grader's own failure, not the student's
    std::cerr << "grader: " << error.what() << '\n';
    return kUsageError;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ostringstream report;
  report << accel::describe_machine() << "Graded:   " << options.bin_dir.string() << "\n\n";
  print_report(report, checks);
  std::cout << report.str();
  if (!json_file.empty()) {
    std::ofstream out(json_file);
    out << results_json(checks, seconds, report.str());
    if (!out) return usage_error("cannot write " + json_file);
  }
  return require_full && total_points(checks) < total_max_points(checks) ? 1 : 0;
}
