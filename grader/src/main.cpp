// grader: builds, checks and grades the course's stages and prints the score.
//   grader                                grade the build this grader belongs to
//   grader --submission DIR               grade a student's copy (DIR/stages/...), built hermetically
//   grader --class DIR                    grade every student folder in DIR: a gradebook
//   grader --upload DIR                   grade an autograder's upload: the stage sources found in DIR
//   grader --status                       a student's progress: each function passing, TODO or failing
//   grader --audit                        only check the stages' rules on their libraries
//   grader --check-rubric                 check that the rubric's test counts match the test binaries
//   grader --classroom-config             print the GitHub Classroom autograding configuration
//   grader --calibrate                    grade, and write the reference's speedups on this machine
//                                         to grader/calibration.json (for the handout)
//   grader --describe                     what each stage's checks measure and how they score
//   grader --update-lessons               write that into each stage's README (--check-lessons: compare)
// Exit 0 whenever grading ran (whatever the score), 1 with --require-full when anything
// is under full marks (or --audit / --check-rubric find a problem), 2 on usage errors and
// on failures of the grader's own parts, 130 when interrupted.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "accel/cpu_info.hpp"
#include "builder.hpp"
#include "calibration.hpp"
#include "classroom.hpp"
#include "describe.hpp"
#include "child_process.hpp"
#include "grading.hpp"
#include "report.hpp"
#include "rubric.hpp"
#include "rubric_check.hpp"
#include "text.hpp"
#include "upload.hpp"

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

StageSource source_of(const Stage& stage) { return {stage.id, stage.name}; }

// Builds every stage's programs on their own, so one that does not compile costs only
// itself: the test program first, then the grade bench. The grader's own programs are
// built first: if they fail, that is not a student's doing.
std::map<std::string, BuildFailure> build_stages(const BuildTools& tools, const fs::path& build_dir,
                                                 const std::vector<const Stage*>& stages, const Rubric& rubric,
                                                 const fs::path& work_dir,
                                                 const std::map<std::string, std::string>& missing,
                                                 bool with_benches, std::ostream& progress) {
  progress << "building the grader's own programs in " << build_dir.string() << std::endl;
  std::vector<std::string> common_targets = {"accel_check"};
  if (with_benches) common_targets.push_back(rubric.baseline_binary);
  const StageBuild common = build_targets(tools, build_dir, common_targets, work_dir / "build-common.log");
  if (!common.ok) throw BuildError("the grader's own programs do not build:\n" + common.errors);
  std::map<std::string, BuildFailure> failures;
  for (const Stage* stage : stages) {
    if (const auto reason = missing.find(stage->id); reason != missing.end()) {
      failures[stage->id].tests = reason->second;
      continue;
    }
    const std::string source = source_of(*stage).relative_source().string();
    progress << "stage " << stage->id << ": building" << std::endl;
    const StageBuild tests = build_targets(tools, build_dir, {stage->test_binary}, work_dir / ("build-" + stage->id + ".log"));
    if (!tests.ok) {
      failures[stage->id].tests = "does not compile: " + source + "\n" + tests.errors;
      continue;
    }
    if (!with_benches || (stage->speed.empty() && stage->measures.empty())) continue;
    const StageBuild bench = build_targets(tools, build_dir, {stage->bench_binary}, work_dir / ("build-" + stage->id + "-bench.log"));
    if (!bench.ok) failures[stage->id].bench = "does not compile: " + stage->bench_binary + " with " + source + "\n" + bench.errors;
    // The reference's bench, timed beside the student's, where the course has solutions/.
    if (fs::is_directory(tools.course_dir / "solutions")) {
      const StageBuild reference = build_targets(tools, build_dir, {stage->reference_bench_binary},
                                                 work_dir / ("build-" + stage->id + "-reference.log"));
      if (!reference.ok) throw BuildError(stage->reference_bench_binary + " does not build:\n" + reference.errors);
    }
  }
  return failures;
}

// --describe prints each stage's rules; --update-lessons writes them into the stages'
// READMEs; --check-lessons (neither of the two) says which README differs, and exits 1.
int describe_lessons(const std::vector<const Stage*>& stages, bool print, bool update) {
  int differing = 0;
  for (const Stage* stage : stages) {
    const std::string table = describe_stage(*stage);
    if (print) {
      std::cout << "Stage " << stage->id << " (" << stage->name << ")\n\n" << table << '\n';
      continue;
    }
    const fs::path lesson = lesson_of(ACCEL_SOURCE_DIR, *stage);
    const std::string readme = read_text_file(lesson);
    std::string described;
    try {
      described = with_description(readme, table);
    } catch (const std::runtime_error& error) {
      std::cerr << "grader: " << lesson.string() << ": " << error.what() << '\n';
      return kUsageError;
    }
    if (described == readme) continue;
    if (update) {
      std::ofstream(lesson) << described;
      std::cout << "updated " << lesson.string() << '\n';
    } else {
      ++differing;
      std::cout << lesson.string() << " does not say what grader/rubric.json does; between its markers it should read:\n"
                << table << "(grader --update-lessons writes it)\n";
    }
  }
  return differing == 0 ? 0 : 1;
}

// "Upload:   took stages/01_naive_loops/naive_loops.cpp (from naive_loops.cpp)" lines, and
// what was left out; a clear sentence when nothing could be taken.
std::string upload_text(const Upload& upload) {
  std::string text;
  for (const std::string& taken : upload.taken) text += "Upload:   took " + taken + "\n";
  for (const std::string& problem : upload.problems) text += "Upload:   " + problem + "\n";
  if (upload.empty()) {
    text += "Upload:   no stage source was found in it: upload your stages/NN_slug/slug.cpp files "
            "(naive_loops.cpp, simd_intrinsics.cpp, ...) or your whole stages folder\n";
  }
  return text;
}

// The report's line on what the speed checks were judged against.
std::string speed_bars_text(bool reference_here, const std::optional<Calibration>& calibration,
                            const fs::path& calibration_file) {
  const std::string rule = "each speedup earns its points as a fraction of the reference's speedup";
  if (reference_here) return rule + ", timed beside yours in the same rounds";
  if (!calibration) {
    return rule + " when the rubric was set (grader/rubric.json): no calibration of the grading machine at " +
           calibration_file.string();
  }
  std::string text = rule + " on the grading machine (" + calibration_file.filename().string() + " of " +
                     calibration->date + ": " + calibration->machine + ")";
  if (calibration->machine != this_machine()) {
    text += ".\n          This is another machine (" + this_machine() +
            "): speedups differ from machine to machine, so this grade is an estimate; the instructor's is measured "
            "on the grading machine";
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Grade the course's stages: build them, check their rules, run their tests and speed checks, "
               "and print a score table."};
  std::string bin_dir, lib_dir, build, json_file, submission, build_dir, upload;
  std::string rubric_file = ACCEL_SOURCE_DIR "/grader/rubric.json";
  std::vector<std::string> stage_args, expected_uses;
  std::string class_dir, junit_file, only_check;
  std::string calibration_file = ACCEL_SOURCE_DIR "/grader/calibration.json";
  bool require_full = false, no_build = false, audit_only = false, check_rubric = false, status = false,
       force = false, classroom_config = false, calibrate = false, describe = false, update_lessons = false,
       check_lessons = false;
  int repetitions = 0;
  std::uint64_t seed = 0;
  double bench_seconds = 0.2, test_timeout = 0, bench_timeout = 0;
  auto* bin_option = app.add_option("--bin-dir", bin_dir, "Directory with the stage programs (default: the grader's own)");
  auto* build_option = app.add_option("--build", build, "Grade <source>/build/NAME/bin instead")
                           ->check(CLI::IsMember({"student", "reference"}))
                           ->excludes(bin_option);
  auto* submission_option = app.add_option("--submission", submission, "Grade a student's copy of the course (a folder with stages/)")
      ->check(CLI::ExistingDirectory)
      ->excludes(bin_option)
      ->excludes(build_option);
  auto* upload_option =
      app.add_option("--upload", upload,
                     "Grade an upload as an autograder gets it (Gradescope's /autograder/submission): the stage "
                     "sources found anywhere in it")
          ->check(CLI::ExistingDirectory)
          ->excludes(bin_option)
          ->excludes(build_option)
          ->excludes(submission_option);
  app.add_option("--build-dir", build_dir, "Build tree for --submission (default: <source>/build/submission)");
  app.add_option("--lib-dir", lib_dir, "Directory with libstageNN.a for the rule check (default: <bin-dir>/../lib)");
  app.add_flag("--no-build", no_build, "Grade the programs as they are, without building them first");
  app.add_option("--rubric", rubric_file, "Rubric file")->capture_default_str();
  app.add_option("--stage", stage_args, "Grade only this stage (repeatable), e.g. --stage 01");
  app.add_flag("--require-full", require_full, "Exit 1 when any check is under full marks");
  app.add_option("--repetitions", repetitions, "Rounds per speed check (default: the rubric's)")->check(CLI::Range(1, 1000));
  app.add_option("--seed", seed, "Seed of the tests' and speed cases' inputs (default: a fresh one, printed)");
  app.add_option("--bench-seconds", bench_seconds, "Timed seconds per benchmark process")->check(CLI::Range(0.01, 60.0))->capture_default_str();
  app.add_option("--test-timeout", test_timeout, "Seconds per test group's process (default: the rubric's)")->check(CLI::PositiveNumber);
  app.add_option("--bench-timeout", bench_timeout, "Seconds per benchmark process (default: the rubric's)")->check(CLI::PositiveNumber);
  app.add_flag("--audit", audit_only, "Only check each stage's rules on its library; exit 1 when one is broken");
  app.add_option("--expect-use", expected_uses,
                 "With --audit: NN:category a stage must use, e.g. 03:blas, or * for every category the rubric "
                 "lets each stage use (repeatable)");
  app.add_flag("--check-rubric", check_rubric, "Check the rubric's expected test counts against the test binaries");
  auto* json_option = app.add_option("--json", json_file, "Also write Gradescope results.json to this file");
  auto* junit_option = app.add_option("--junit", junit_file, "Also write JUnit XML to this file");
  auto* status_option =
      app.add_flag("--status", status, "Each stage's functions: passing, TODO or failing (tests only, no speed checks)");
  // A class writes one results.json per student (DIR/results/NAME.json), never one file.
  app.add_option("--class", class_dir, "Grade every student folder in this folder: DIR/gradebook.csv, DIR/results/")
      ->check(CLI::ExistingDirectory)
      ->excludes(bin_option)
      ->excludes(build_option)
      ->excludes(submission_option)
      ->excludes(upload_option)
      ->excludes(json_option)
      ->excludes(junit_option)
      ->excludes(status_option);
  app.add_flag("--force", force, "With --class: grade again the students graded before");
  app.add_option("--check", only_check, "Grade only the check of this name (with --stage), e.g. --check matmul_ijk");
  app.add_flag("--classroom-config", classroom_config, "Print the GitHub Classroom autograding configuration and exit");
  app.add_flag("--describe", describe, "Print what the grader checks in each stage, as rules (Markdown), and exit");
  app.add_flag("--update-lessons", update_lessons,
               "Write that description into each stage's README.md, between its markers, and exit");
  app.add_flag("--check-lessons", check_lessons,
               "Exit 1 when a stage's README.md does not carry that description as it is now");
  app.add_option("--calibration", calibration_file,
                 "The grading machine's reference speedups, for speed checks where the reference is not here")
      ->capture_default_str();
  auto* calibrate_option = app.add_flag(
      "--calibrate", calibrate,
      "Grade, timing the reference beside every speed check, and write its speedups to the --calibration file "
      "(run on the grading machine; ./lab release ships the file with the handout)");
  calibrate_option->excludes(submission_option)->excludes(status_option)->excludes(upload_option);
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
  if (classroom_config) {
    std::cout << classroom_autograding(rubric);
    return 0;
  }
  if (describe || update_lessons || check_lessons) return describe_lessons(stages, describe, update_lessons);
  if (!only_check.empty()) {
    const bool known = std::ranges::any_of(stages, [&](const Stage* stage) {
      auto named = [&](const auto& check) { return check.name == only_check; };
      return std::ranges::any_of(stage->tests, named) || std::ranges::any_of(stage->speed, named) ||
             std::ranges::any_of(stage->measures, named);
    });
    if (!known) return usage_error("no check named \"" + only_check + "\" in the stages graded");
  }

  const BuildTools tools{ACCEL_CMAKE_COMMAND, ACCEL_MAKE_PROGRAM, ACCEL_SOURCE_DIR, ACCEL_ARCH};
  GradeOptions options = options_from(rubric);
  fs::path tree;  // the build tree to build in, if any
  const bool grading_submissions = !submission.empty() || !class_dir.empty() || !upload.empty();
  if (grading_submissions) {
    const std::string default_tree = class_dir.empty() ? "submission" : "class";
    tree = fs::absolute(build_dir.empty() ? fs::path(ACCEL_SOURCE_DIR) / "build" / default_tree : fs::path(build_dir));
    options.bin_dir = tree / "bin";
  } else {
    options.bin_dir = !bin_dir.empty() ? fs::path(bin_dir)
                      : !build.empty() ? fs::path(ACCEL_SOURCE_DIR) / "build" / build / "bin"
                                       : own_directory(argv[0]);
    if (!fs::is_directory(options.bin_dir)) {
      return usage_error("bin directory " + options.bin_dir.string() + " does not exist: configure and build first (" +
                         "cmake --workflow --preset " + (build.empty() ? "student" : build) + ")");
    }
    if (!no_build && fs::exists(options.bin_dir.parent_path() / "CMakeCache.txt")) tree = options.bin_dir.parent_path();
  }
  options.lib_dir = !lib_dir.empty() ? fs::path(lib_dir) : options.bin_dir.parent_path() / "lib";
  options.nm = ACCEL_NM;
  options.objdump = ACCEL_OBJDUMP;
  options.seed = seed != 0 ? seed : std::random_device{}() | 1u;
  if (test_timeout > 0) options.test_timeout_seconds = test_timeout;
  options.progress = &std::cerr;
  options.tests_only = status;
  options.only_check = only_check;

  SpeedOptions speed_options;
  speed_options.baseline_binary = rubric.baseline_binary;
  speed_options.repetitions = repetitions > 0 ? repetitions : rubric.bench_repetitions;
  speed_options.seconds_per_run = bench_seconds;
  speed_options.time_limit_seconds = bench_timeout > 0 ? bench_timeout : rubric.bench_timeout_seconds;
  speed_options.seed = options.seed;
  speed_options.progress = &std::cerr;

  // Speed bars: the reference timed here where its benches are built, else a calibration.
  std::optional<Calibration> calibration;
  if (!calibrate && fs::exists(calibration_file)) {
    try {
      calibration = load_calibration(calibration_file);
    } catch (const CalibrationError& error) {
      return usage_error(error.what());
    }
  }
  if (calibrate && !fs::is_directory(fs::path(ACCEL_SOURCE_DIR) / "solutions")) {
    return usage_error("--calibrate times the reference, which this copy of the course does not have "
                       "(run it in the course's own repository, with solutions/)");
  }

  const auto start = std::chrono::steady_clock::now();
  std::vector<CheckResult> checks;
  std::string upload_notes;  // what an upload held: "Upload:" lines of the report
  try {
    WorkDir work_dir;
    options.work_dir = speed_options.work_dir = work_dir.path;
    speed_options.bin_dir = options.bin_dir;
    forward_interrupts_to_children();
    if (audit_only) return audit_and_report(stages, options, expected_uses, std::cout);
    if (check_rubric) return check_rubric_counts(stages, options, std::cout);
    std::optional<BuildLock> lock;
    if (!tree.empty()) lock.emplace(tree);
    // Submissions only: a stage still a TODO here may have been written on an Apple
    // Silicon laptop, and is graded on its NEON branch instead (see grade_neon_branch).
    std::optional<CrossBuild> cross;
    if (grading_submissions) {
      cross.emplace(tools, tree, work_dir.path);
      options.sources = submission_copy(tree);
      options.cross = &*cross;
    }
    // Builds (unless told not to) and grades one copy of the course: this tree's own
    // stages, or a student's copied into the tree.
    auto grade = [&](const fs::path& student) {
      std::map<std::string, std::string> missing;
      if (!student.empty()) {
        std::vector<StageSource> sources;
        for (const Stage& stage : rubric.stages) sources.push_back(source_of(stage));
        std::cerr << "copying " << student.string() << "'s stage sources into " << tree.string() << std::endl;
        missing = prepare_submission(tools, fs::absolute(student), tree, sources, work_dir.path);
      }
      GradeOptions student_options = options;
      if (!tree.empty()) {
        student_options.not_built = build_stages(tools, tree, stages, rubric, work_dir.path, missing, !status, std::cerr);
      }
      SpeedLab speed(speed_options, calibration);
      std::vector<CheckResult> graded;
      for (const Stage* stage : stages) {
        for (CheckResult& check : grade_stage(*stage, student_options, speed)) {
          if (only_check.empty() || check.name == only_check) graded.push_back(std::move(check));
        }
      }
      return graded;
    };
    if (!class_dir.empty()) {
      Rubric graded = rubric;  // the gradebook's columns: the stages graded, not every stage
      graded.stages.clear();
      for (const Stage* stage : stages) graded.stages.push_back(*stage);
      const std::size_t count = grade_class({fs::absolute(class_dir), force}, graded, grade, std::cerr);
      std::cout << "graded " << count << " students: " << (fs::path(class_dir) / "gradebook.csv").string() << '\n';
      return 0;
    }
    if (!upload.empty()) {
      const Upload collected = collect_upload(upload, rubric, work_dir.path / "upload");
      upload_notes = upload_text(collected);
      std::cerr << upload_notes;
      submission = collected.copy.string();
    }
    checks = grade(submission.empty() ? fs::path() : fs::path(submission));
  } catch (const Interrupted&) {
    std::cerr << "grader: interrupted\n";
    return 130;  // the shell's code for death by SIGINT
  } catch (const std::exception& error) {  // the grader's own failure, not the student's
    std::cerr << "grader: " << error.what() << '\n';
    return kUsageError;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (status) {
    std::erase_if(checks, [](const CheckResult& check) { return check.kind != CheckResult::Kind::tests; });
    print_status(std::cout, checks);
    return 0;
  }
  const bool reference_here = std::ranges::any_of(stages, [&](const Stage* stage) {
    return !stage->speed.empty() && fs::exists(options.bin_dir / stage->reference_bench_binary);
  });
  std::ostringstream report;
  report << accel::describe_machine() << upload_notes
         << "Graded:   " << (!upload.empty() ? upload : submission.empty() ? options.bin_dir.string() : submission)
         << "\nSeed:     " << options.seed << " (grader --seed " << options.seed << " gives the same inputs)\n"
         << "Speed:    " << speed_bars_text(reference_here, calibration, calibration_file) << "\n\n";
  print_report(report, checks);
  std::cout << report.str();
  if (!json_file.empty()) {
    std::ofstream out(json_file);
    out << results_json(checks, seconds, report.str(), rubric.speed_visibility);
    if (!out) return usage_error("cannot write " + json_file);
  }
  if (calibrate) {
    const std::time_t now = std::time(nullptr);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
    try {
      const std::string text = calibration_json(stages, checks, date);
      std::ofstream out(calibration_file);
      out << text;
      if (!out) return usage_error("cannot write " + calibration_file);
    } catch (const CalibrationError& error) {
      return usage_error(error.what());
    }
    std::cout << "wrote the calibration of this machine to " << calibration_file << '\n';
  }
  if (!junit_file.empty()) {
    std::ofstream out(junit_file);
    out << junit_xml(checks, seconds);
    if (!out) return usage_error("cannot write " + junit_file);
  }
  return require_full && total_points(checks) < total_max_points(checks) ? 1 : 0;
}
