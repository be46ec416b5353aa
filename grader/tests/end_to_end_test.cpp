// The grader's promises, end to end on fake stage programs (fakes/): a crash or a hang
// costs only its own test group, and a grade bench that cheats loses its speed check,
// saying why, whichever way it cheats.

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#if defined(__linux__)
#include <sched.h>
#endif

#include <gtest/gtest.h>

#include "calibration.hpp"
#include "grading.hpp"
#include "report.hpp"
#include "rubric.hpp"
#include "sandbox.hpp"
#include "test_support.hpp"
#include "text.hpp"

namespace {

using namespace accel::grader;
using accel::grader::testing::nothing_runs;
using accel::grader::testing::TempDir;

// Stage NN with two test groups over the fake tests and, when bench is set, one speed
// check of the fake candidate's dot product against the grader's own.
// `reference`: the reference's bench, timed beside the candidate (none: the stage's default
// name, stage<id>_reference_bench, which the fakes do not have).
std::string stage_json(const std::string& id, const std::string& test_binary, const std::string& bench = "",
                       const std::string& reference = "") {
  std::string json = R"({"stage": ")" + id + R"(", "name": "fake", "test_binary": ")" + test_binary + R"(",
    "tests": [{"name": "fake", "filter": "Fake.*", "tests": 2, "points": 20},
              {"name": "other", "filter": "Other.*", "tests": 1, "points": 10}])";
  if (!bench.empty()) {
    json += R"(, "bench_binary": ")" + bench + R"(", "speed": [{"name": "dot", "baseline": "baseline/dot_strict/2048",
      "candidate": "student/dot_simd/2048", "reference_speedup": 1, "points": 10}])";
  }
  if (!reference.empty()) json += R"(, "reference_bench_binary": ")" + reference + R"(")";
  return json + "}";
}

Rubric make_rubric(const std::vector<std::string>& stages, const std::string& baseline_binary = ACCEL_BASELINES_EXE) {
  std::string json = R"({"test_timeout_seconds": 2, "bench_timeout_seconds": 30, "bench_repetitions": 1,
                         "baseline_binary": ")" + baseline_binary + R"(", "stages": [)";
  for (std::size_t i = 0; i < stages.size(); ++i) json += (i ? "," : "") + stages[i];
  return parse_rubric(json + "]}");
}

struct Grading {
  TempDir work;
  GradeOptions options;
  SpeedOptions speed_options;
  explicit Grading(const Rubric& rubric, double seconds_per_run = 0.05) {
    options = options_from(rubric);
    options.bin_dir = ACCEL_FAKE_BIN_DIR;
    options.lib_dir = std::filesystem::path(ACCEL_FAKE_BIN_DIR) / "lib";
    options.nm = ACCEL_NM;
    options.objdump = ACCEL_OBJDUMP;
    options.work_dir = speed_options.work_dir = work.path();
    speed_options.bin_dir = ACCEL_FAKE_BIN_DIR;
    speed_options.baseline_binary = rubric.baseline_binary;
    speed_options.repetitions = rubric.bench_repetitions;
    speed_options.seconds_per_run = seconds_per_run;
  }
  std::vector<CheckResult> grade(const Rubric& rubric, const std::string& stage_id,
                                 std::optional<Calibration> calibration = std::nullopt) {
    SpeedLab speed(speed_options, std::move(calibration));
    return grade_stage(*rubric.find_stage(stage_id), options, speed);
  }
};

double points(const std::vector<CheckResult>& checks) { return total_points(checks); }

TEST(EndToEnd, CrashAndHangCostOnlyTheirOwnTestGroup) {
  const Rubric rubric = make_rubric({stage_json("01", "fake_pass_test"), stage_json("02", "fake_crash_test"),
                                     stage_json("03", "fake_hang_test")});
  Grading grading(rubric);
  const auto start = std::chrono::steady_clock::now();
  const auto passing = grading.grade(rubric, "01");
  const auto crashing = grading.grade(rubric, "02");
  const auto hanging = grading.grade(rubric, "03");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  EXPECT_EQ(points(passing), 30);
  ASSERT_EQ(crashing.size(), 2u);
  EXPECT_EQ(crashing[0].measured, "crashed");
  EXPECT_EQ(crashing[0].output.rfind("fake_crash_test crashed (SIGSEGV)", 0), 0u) << crashing[0].output;
  EXPECT_EQ(crashing[1].measured, "ran 0 of 1");  // its own process, its own filter: no Other tests there
  ASSERT_EQ(hanging.size(), 2u);
  for (const CheckResult& check : hanging) {
    EXPECT_EQ(check.measured, "timed out");
    EXPECT_EQ(check.output.rfind("fake_hang_test timed out after 2 s", 0), 0u) << check.output;
  }
  EXPECT_LT(seconds, 20) << "the time limit did not stop the hanging stage";
  EXPECT_TRUE(nothing_runs(std::filesystem::path(ACCEL_FAKE_BIN_DIR) / "fake_hang_test")) << "the hanging test still runs";
}

// The speed check of the fake candidate under FAKE_CANDIDATE=behaviour.
CheckResult speed_check(const std::string& behaviour, const std::string& bench = "fake_candidate",
                        double seconds_per_run = 0.05) {
  const Rubric rubric = make_rubric({stage_json("01", "fake_pass_test", bench)});
  Grading grading(rubric, seconds_per_run);
  ::setenv("FAKE_CANDIDATE", behaviour.c_str(), 1);
  const auto checks = grading.grade(rubric, "01");
  ::unsetenv("FAKE_CANDIDATE");
  EXPECT_EQ(checks.size(), 3u);
  return checks.back();
}

// The speed check of the fake candidate under FAKE_CANDIDATE=behaviour, with the always
// honest fake_reference timed beside it in every round.
CheckResult speed_check_beside_the_reference(const std::string& behaviour) {
  const Rubric rubric = make_rubric({stage_json("01", "fake_pass_test", "fake_candidate", "fake_reference")});
  Grading grading(rubric);
  grading.speed_options.repetitions = 3;
  ::setenv("FAKE_CANDIDATE", behaviour.c_str(), 1);
  const auto checks = grading.grade(rubric, "01");
  ::unsetenv("FAKE_CANDIDATE");
  EXPECT_EQ(checks.size(), 3u);
  return checks.back();
}

// With the reference's bench at hand, the bar is a fraction of what the reference reaches
// in the same rounds, whatever the rubric says (its reference_speedup of 1 would make the
// slow candidate's 0.4x a 0.4 share too, but the rubric's figure is not used here).
TEST(EndToEnd, TheReferenceTimedBesideSetsTheBar) {
  const CheckResult honest = speed_check_beside_the_reference("good");
  EXPECT_TRUE(honest.full_marks()) << honest.output;
  EXPECT_TRUE(honest.reference_timed_here);
  EXPECT_NE(honest.output.find("the reference "), std::string::npos) << honest.output;
  EXPECT_NE(honest.output.find("beside it in the same rounds"), std::string::npos) << honest.output;

  // 2.5 times the reference's time: 0.4 of its speedup, between the ramp's bars (0.25, 0.5).
  const CheckResult slow = speed_check_beside_the_reference("slow");
  EXPECT_GT(slow.points, 0) << slow.output;
  EXPECT_LT(slow.points, slow.max_points) << slow.output;
  EXPECT_NE(slow.output.find("none below 0.25"), std::string::npos) << slow.output;
}

// Without the reference here, a calibration's figure is the reference's speedup: an honest
// candidate as fast as the baseline is 1/3 of a calibrated 3x, so it earns part of the points.
TEST(EndToEnd, ACalibrationSetsTheBarWhereTheReferenceIsNotHere) {
  const Rubric rubric = make_rubric({stage_json("01", "fake_pass_test", "fake_candidate")});
  Grading grading(rubric);
  grading.speed_options.repetitions = 3;
  Calibration calibration;
  calibration.machine = "the grading machine";
  calibration.date = "2026-01-02";
  calibration.figures[{"01", "dot"}] = 3.0;
  const CheckResult check = grading.grade(rubric, "01", calibration).back();
  EXPECT_FALSE(check.reference_timed_here);
  EXPECT_EQ(check.reference_figure, 3.0);
  EXPECT_GT(check.points, 0) << check.output;
  EXPECT_LT(check.points, check.max_points) << check.output;
  EXPECT_NE(check.output.find("on the grading machine (calibration of 2026-01-02)"), std::string::npos) << check.output;
}

#if defined(__linux__)
// A check that needs more cores than the grader has is left out of the stage's total, with
// a flag and a sentence, not failed: the grader's children inherit its affinity mask.
TEST(EndToEnd, ACheckThatNeedsMoreCoresIsLeftOutOnFewer) {
  std::string stage = stage_json("01", "fake_pass_test", "fake_candidate");
  const std::string check = R"("reference_speedup": 1, "points": 10})";
  stage.replace(stage.find(check), check.size(), R"("reference_speedup": 1, "points": 10, "min_cores": 2})");
  const Rubric rubric = make_rubric({stage});
  Grading grading(rubric);
  cpu_set_t saved, one;
  ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &saved)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  const std::vector<CheckResult> checks = grading.grade(rubric, "01");
  ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);
  const CheckResult& left_out = checks.back();
  EXPECT_EQ(left_out.measured, "skipped");
  EXPECT_EQ(left_out.flag, "too few cores");
  EXPECT_EQ(left_out.max_points, 0);
  EXPECT_TRUE(left_out.full_marks());
  EXPECT_NE(left_out.output.find("gives the grader 1 core; the check needs 2"), std::string::npos) << left_out.output;
  EXPECT_EQ(total_max_points(checks), 30);  // the two test groups only
}
#endif

TEST(EndToEnd, AnHonestCandidateIsTimedAndChecked) {
  const CheckResult check = speed_check("good");
  EXPECT_TRUE(check.full_marks()) << check.output;
  EXPECT_TRUE(check.flag.empty()) << check.flag;
  EXPECT_NE(check.output.find("(every timed output checked)"), std::string::npos) << check.output;
}

TEST(EndToEnd, WrongOrReusedOutputsLoseTheSpeedCheck) {
  for (const char* behaviour : {"wrong", "memo"}) {
    SCOPED_TRACE(behaviour);
    const CheckResult check = speed_check(behaviour);
    EXPECT_EQ(check.points, 0) << check.output;
    EXPECT_EQ(check.measured, "wrong output") << check.output;
    EXPECT_EQ(check.output.rfind("the timed output of dot_simd(n = 2048) is wrong at index 0", 0), 0u) << check.output;
  }
}

TEST(EndToEnd, AStubInTheBenchIsNamed) {
  const CheckResult check = speed_check("stub");
  EXPECT_EQ(check.points, 0);
  EXPECT_EQ(check.output, "not implemented: dot_simd");
}

// The sandbox: what a single-core stage without files may not do kills the process with
// SIGSYS, whichever way the code asks, and the check names the rule.
TEST(EndToEnd, TheSandboxStopsWhatTheRulesForbid) {
  if (!sandbox_available()) GTEST_SKIP() << "no seccomp on this system";
  for (const char* behaviour : {"threads", "fork", "raw_process", "write_file", "socket"}) {
    SCOPED_TRACE(behaviour);
    const CheckResult check = speed_check(behaviour);
    EXPECT_EQ(check.points, 0);
    EXPECT_EQ(check.flag, "rule broken");
    EXPECT_EQ(check.measured, "rule broken");
    EXPECT_NE(check.output.find("stopped by the grader's sandbox (SIGSYS)"), std::string::npos) << check.output;
  }
}

TEST(EndToEnd, WorkBeforeTheTimedCallsIsSeenByTheGradersClock) {
  const CheckResult check = speed_check("slow_start");
  EXPECT_EQ(check.points, 0);
  EXPECT_EQ(check.flag, "timings contradict the grader's clock");
}

TEST(EndToEnd, WritingIntoTheGradersPipeMakesTheReportUntrusted) {
  const CheckResult check = speed_check("append");
  EXPECT_EQ(check.points, 0);
  EXPECT_EQ(check.flag, "report not trusted");
}

// A bench that writes its own report: a claimed time beyond the machine's limits is
// implausible; a plausible one the process's real life contradicts is not trusted.
TEST(EndToEnd, ForgedTimingsAreCaught) {
  ::setenv("FAKE_CLAIMED_NS", "1", 1);
  ::setenv("FAKE_REAL_NS", "1000", 1);
  const CheckResult implausible = speed_check("good", "fake_forged_report");
  EXPECT_EQ(implausible.points, 0);
  EXPECT_EQ(implausible.flag, "implausible speed");
  EXPECT_NE(implausible.output.find("beyond this machine's measured"), std::string::npos) << implausible.output;

  ::setenv("FAKE_CLAIMED_NS", "20000", 1);  // 20 us a call: plausible, but each really waits 200 us
  ::setenv("FAKE_REAL_NS", "200000", 1);
  const CheckResult contradicted = speed_check("good", "fake_forged_report", 0.5);
  ::unsetenv("FAKE_CLAIMED_NS");
  ::unsetenv("FAKE_REAL_NS");
  EXPECT_EQ(contradicted.points, 0);
  EXPECT_EQ(contradicted.flag, "timings contradict the grader's clock");
}

// The host's clock changes from one minute to the next. fake_slow_minute_baselines' probes
// claim 1 GB/s and 1 GFLOP/s in their first runs, far below what the honest dot product
// does: limits from such a minute are measured again before it is called implausible, and
// it is only when they still hold that it is.
TEST(EndToEnd, LimitsAreMeasuredAgainBeforeAnythingIsImplausible) {
  TempDir logs;
  ::setenv("FAKE_PROBE_GBPS", "1", 1);
  auto grade_with_slow_probe_runs = [&](const std::string& slow_runs, std::string& progress_text) {
    const Rubric rubric = make_rubric({stage_json("01", "fake_pass_test", "fake_candidate")},
                                      "fake_slow_minute_baselines");
    Grading grading(rubric);
    std::ostringstream progress;
    grading.speed_options.progress = &progress;
    ::setenv("FAKE_PROBE_RUN_LOG", (logs.path() / ("runs_" + slow_runs)).c_str(), 1);
    ::setenv("FAKE_SLOW_PROBE_RUNS", slow_runs.c_str(), 1);
    const CheckResult check = grading.grade(rubric, "01").back();
    progress_text = progress.str();
    return check;
  };
  // The FMA peak the limits had after they were measured again, in GFLOP/s.
  auto peak_measured_again = [](const std::string& progress) {
    const std::string line = "machine limits (measured again): FMA peak ";
    const std::size_t at = progress.find(line);
    return at == std::string::npos ? -1.0 : std::stod(progress.substr(at + line.size()));
  };
  std::string progress;
  const CheckResult first_minute_slow = grade_with_slow_probe_runs("14", progress);  // 2 probes x 7 runs
  EXPECT_TRUE(first_minute_slow.full_marks()) << first_minute_slow.output;
  EXPECT_TRUE(first_minute_slow.flag.empty()) << first_minute_slow.flag;
  EXPECT_GT(peak_measured_again(progress), 100) << progress;

  const CheckResult always_slow = grade_with_slow_probe_runs("1000", progress);
  EXPECT_EQ(always_slow.points, 0);
  EXPECT_EQ(always_slow.flag, "implausible speed");
  EXPECT_GT(peak_measured_again(progress), 0) << progress;
  EXPECT_LT(peak_measured_again(progress), 10) << progress;
  for (const char* name : {"FAKE_PROBE_GBPS", "FAKE_PROBE_RUN_LOG", "FAKE_SLOW_PROBE_RUNS"}) ::unsetenv(name);
}

TEST(EndToEnd, MissingProgramsAreNamed) {
  const Rubric rubric = make_rubric({stage_json("01", "no_such_test", "fake_candidate"),
                                     stage_json("02", "fake_pass_test", "no_such_bench")});
  Grading grading(rubric);
  const auto missing_test = grading.grade(rubric, "01");
  ASSERT_EQ(missing_test.size(), 3u);
  EXPECT_EQ(missing_test[0].output, std::string("no_such_test not found in ") + ACCEL_FAKE_BIN_DIR);
  EXPECT_EQ(missing_test[2].output, "skipped: correctness tests fail");
  EXPECT_EQ(points(missing_test), 0);
}

TEST(EndToEnd, FailingCorrectnessSkipsTheSpeedCheck) {
  const Rubric rubric = make_rubric({stage_json("01", "fake_crash_test", "fake_candidate")});
  Grading grading(rubric);
  const auto checks = grading.grade(rubric, "01");
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[2].measured, "skipped");
  EXPECT_EQ(checks[2].output, "skipped: correctness tests fail");
}

}  // namespace

TEST(NeonBranch, OnlyCodeCountsAsWritten) {
  EXPECT_FALSE(has_written_neon_branch("#if defined(__AVX2__)\n  x();\n#elif defined(__ARM_NEON)\n"
                                       "  // vld1q_f32\n  ACCEL_TODO();\n#else\n  y();\n#endif\n"));
  EXPECT_FALSE(has_written_neon_branch("#if defined(__ARM_NEON)\n#include <arm_neon.h>\n#endif\nint f() { return 1; }\n"));
  EXPECT_TRUE(has_written_neon_branch("#if defined(__AVX2__)\n  ACCEL_TODO();\n"
                                      "#elif defined(__ARM_NEON)\n  vst1q_f32(p, v);\n#endif\n"));
  EXPECT_TRUE(has_written_neon_branch("#ifdef __ARM_NEON\n  f();\n#endif\n"));
}

// The course's own sources: no stub has a written NEON branch, and every reference that
// has a NEON branch has written it.
TEST(NeonBranch, StubsAreTodosAndReferencesAreWritten) {
  const std::filesystem::path course = ACCEL_COURSE_DIR;
  int references_with_neon = 0;
  for (const auto& stage : std::filesystem::directory_iterator(course / "stages")) {
    if (!stage.is_directory()) continue;
    for (const auto& file : std::filesystem::directory_iterator(stage.path())) {
      const std::string name = file.path().filename().string();
      if (file.path().extension() != ".cpp" || name == "bench.cpp" || name == "demo.cpp") continue;
      EXPECT_FALSE(has_written_neon_branch(read_text_file(file.path()))) << file.path();
      const std::filesystem::path reference = course / "solutions" / stage.path().filename() / name;
      const std::string text = read_text_file(reference);
      if (text.find("__ARM_NEON") == std::string::npos) continue;
      ++references_with_neon;
      EXPECT_TRUE(has_written_neon_branch(text)) << reference;
    }
  }
  EXPECT_GE(references_with_neon, 2);
}
