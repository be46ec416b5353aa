// The grader's promise, end to end on fake stage binaries: a crash or a hang costs only
// that stage's points, and the message names the binary and what happened.

#include <chrono>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "grading.hpp"
#include "report.hpp"
#include "rubric.hpp"
#include "test_support.hpp"
#include "text.hpp"

namespace {

using namespace accel::grader;
using accel::grader::testing::stopped_running;
using accel::grader::testing::TempDir;

// Stage NN with two test groups over the fake tests and, when bench is set, one speed
// check (the fake bench reports a 5x speedup).
std::string stage_json(const std::string& id, const std::string& test_binary, const std::string& bench = "") {
  std::string json = R"({"stage": ")" + id + R"(", "name": "fake", "test_binary": ")" + test_binary + R"(",
    "tests": [{"name": "fake", "pattern": "^Fake\\.", "points": 20}, {"name": "other", "pattern": "^Other\\.", "points": 10}])";
  if (!bench.empty()) {
    json += R"(, "bench_binary": ")" + bench + R"(", "speed": [{"name": "work", "baseline": "baseline/work/64",
      "candidate": "student/work/64", "min_speedup": 2, "reference_speedup": 5, "points": 10}])";
  }
  return json + "}";
}

Rubric make_rubric(const std::vector<std::string>& stages) {
  std::string json = R"({"test_timeout_seconds": 2, "bench_timeout_seconds": 2, "bench_repetitions": 3, "stages": [)";
  for (std::size_t i = 0; i < stages.size(); ++i) json += (i ? "," : "") + stages[i];
  return parse_rubric(json + "]}");
}

std::vector<CheckResult> grade(const Rubric& rubric, const std::string& stage_id, const TempDir& work) {
  GradeOptions options = options_from(rubric);
  options.bin_dir = ACCEL_FAKE_BIN_DIR;
  options.work_dir = work.path();
  return grade_stage(*rubric.find_stage(stage_id), options);
}

double points(const std::vector<CheckResult>& checks) { return total_points(checks); }

TEST(EndToEnd, CrashAndHangCostOnlyTheirOwnStage) {
  const Rubric rubric = make_rubric({stage_json("01", "fake_pass_test", "fake_bench"),
                                     stage_json("02", "fake_crash_test"), stage_json("03", "fake_hang_test")});
  TempDir work;
  const auto pid_file = work.path() / "grandchild.pid";
  ::setenv("FAKE_HANG_PID_FILE", pid_file.c_str(), 1);
  const auto start = std::chrono::steady_clock::now();
  const auto passing = grade(rubric, "01", work);
  const auto crashing = grade(rubric, "02", work);
  const auto hanging = grade(rubric, "03", work);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::unsetenv("FAKE_HANG_PID_FILE");

  ASSERT_EQ(passing.size(), 3u);
  EXPECT_EQ(points(passing), 40);
  EXPECT_EQ(passing[2].measured, "5.00x");
  for (const CheckResult& check : passing) EXPECT_TRUE(check.full_marks()) << check.name << ": " << check.output;

  ASSERT_EQ(crashing.size(), 2u);
  EXPECT_EQ(points(crashing), 0);
  for (const CheckResult& check : crashing) {
    EXPECT_EQ(check.measured, "crashed");
    EXPECT_EQ(check.output.rfind("fake_crash_test crashed (SIGSEGV)", 0), 0u) << check.output;
  }

  ASSERT_EQ(hanging.size(), 2u);
  EXPECT_EQ(points(hanging), 0);
  for (const CheckResult& check : hanging) {
    EXPECT_EQ(check.measured, "timed out");
    EXPECT_EQ(check.output.rfind("fake_hang_test timed out after 2 s", 0), 0u) << check.output;
  }
  EXPECT_LT(seconds, 20) << "the time limit did not stop the hanging stage";

  // The hanging binary's own child must have been killed with it.
  pid_t grandchild = 0;
  ASSERT_TRUE(std::ifstream(pid_file) >> grandchild);
  EXPECT_TRUE(stopped_running(grandchild)) << "pid " << grandchild << " is still running";
}

TEST(EndToEnd, NotImplementedInTheBenchCostsOnlySpeedPoints) {
  const Rubric rubric = make_rubric({stage_json("04", "fake_pass_test", "fake_bench_not_implemented")});
  TempDir work;
  const auto checks = grade(rubric, "04", work);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(points(checks), 30);
  EXPECT_EQ(checks[2].points, 0);
  EXPECT_EQ(checks[2].measured, "crashed");
  EXPECT_EQ(checks[2].output, "fake_bench_not_implemented crashed (SIGABRT): not implemented: matmul_fast");
}

TEST(EndToEnd, MissingBinariesAreNamed) {
  const Rubric rubric = make_rubric({stage_json("05", "no_such_test", "fake_bench"),
                                     stage_json("06", "fake_pass_test", "no_such_bench")});
  TempDir work;
  const auto missing_test = grade(rubric, "05", work);
  ASSERT_EQ(missing_test.size(), 3u);
  EXPECT_EQ(missing_test[0].output, std::string("no_such_test not found in ") + ACCEL_FAKE_BIN_DIR +
                                        ": build it first (cmake --build --preset student)");
  EXPECT_EQ(missing_test[2].output, "skipped: correctness tests fail");
  EXPECT_EQ(points(missing_test), 0);

  const auto missing_bench = grade(rubric, "06", work);
  EXPECT_EQ(points(missing_bench), 30);
  EXPECT_EQ(missing_bench[2].output.rfind("no_such_bench not found in ", 0), 0u) << missing_bench[2].output;
}

TEST(EndToEnd, FailingCorrectnessSkipsTheSpeedCheck) {
  // A group that matches no test counts as failing correctness.
  const Rubric rubric = make_rubric({R"({"stage": "07", "name": "fake", "test_binary": "fake_pass_test",
    "bench_binary": "fake_bench", "tests": [{"name": "absent", "pattern": "^Absent\\.", "points": 5}],
    "speed": [{"name": "work", "baseline": "baseline/work/64", "candidate": "student/work/64",
               "min_speedup": 2, "reference_speedup": 5, "points": 10}]})"});
  TempDir work;
  const auto checks = grade(rubric, "07", work);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].output, "no tests matched /^Absent\\./ in fake_pass_test");
  EXPECT_EQ(checks[1].measured, "skipped");
  EXPECT_EQ(checks[1].output, "skipped: correctness tests fail");
  EXPECT_FALSE(std::filesystem::exists(work.path() / "fake_bench.json")) << "the bench ran anyway";
}

}  // namespace
