// The grader program itself: exit codes, messages, and the results.json it writes.

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "test_support.hpp"
#include "text.hpp"

namespace {

using namespace accel::grader;
using accel::grader::testing::stopped_running;
using accel::grader::testing::TempDir;
using nlohmann::json;

constexpr const char* kRubric = R"({"test_timeout_seconds": 5, "bench_timeout_seconds": 5, "stages": [
  {"stage": "01", "name": "fake", "test_binary": "fake_pass_test", "bench_binary": "fake_bench",
   "tests": [{"name": "fake", "pattern": "^Fake\\.", "points": 20}],
   "speed": [{"name": "work", "baseline": "baseline/work/64", "candidate": "student/work/64",
              "min_speedup": 2, "reference_speedup": 5, "points": 10}]},
  {"stage": "02", "name": "crashy", "test_binary": "fake_crash_test",
   "tests": [{"name": "fake", "pattern": "^Fake\\.", "points": 10}]}]})";

struct GraderRun {
  int exit_code;
  std::string out, err;
};

GraderRun run_grader(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), ACCEL_GRADER_EXE);
  const ChildResult result = run_child(args, dir.path() / "grader.out", dir.path() / "grader.err",
                                       std::chrono::seconds(60));
  EXPECT_TRUE(result.exited_normally()) << result.describe();
  return {result.exit_code, read_text_file(dir.path() / "grader.out"), read_text_file(dir.path() / "grader.err")};
}

class Cli : public ::testing::Test {
 protected:
  TempDir dir;
  std::string rubric = dir.write("rubric.json", kRubric).string();
  std::vector<std::string> base = {"--bin-dir", ACCEL_FAKE_BIN_DIR, "--rubric", rubric};
  std::vector<std::string> with(std::vector<std::string> extra) const {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

TEST_F(Cli, GradesAndWritesResultsJson) {
  const std::string results_file = (dir.path() / "results.json").string();
  const GraderRun run = run_grader(dir, with({"--json", results_file}));
  EXPECT_EQ(run.exit_code, 0) << "exit 0 whenever grading ran, whatever the score\n" << run.err;
  EXPECT_NE(run.out.find("SIMD path compiled:"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("30.0/40"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("fake_crash_test crashed (SIGSEGV)"), std::string::npos) << run.out;

  const json results = json::parse(read_text_file(results_file));
  EXPECT_EQ(results["score"], 30);
  EXPECT_EQ(results["max_score"], 40);
  EXPECT_TRUE(results["execution_time"].is_number());
  EXPECT_NE(results["output"].get<std::string>().find("30.0/40"), std::string::npos);
  ASSERT_EQ(results["tests"].size(), 3u);
  EXPECT_EQ(results["tests"][1]["name"], "Stage 01 (fake) speed: work");
  EXPECT_EQ(results["tests"][1]["status"], "passed");
  EXPECT_EQ(results["tests"][2]["status"], "failed");
}

TEST_F(Cli, RequireFullFailsUnderFullMarksOnly) {
  EXPECT_EQ(run_grader(dir, with({"--require-full"})).exit_code, 1);
  EXPECT_EQ(run_grader(dir, with({"--require-full", "--stage", "01", "--repetitions", "1"})).exit_code, 0);
  EXPECT_EQ(run_grader(dir, with({"--require-full", "--stage", "2"})).exit_code, 1);  // "2" means stage 02
}

TEST_F(Cli, StageSelectsOnlyThatStage) {
  const GraderRun run = run_grader(dir, with({"--stage", "02"}));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out.find("fake_pass"), std::string::npos);
  EXPECT_NE(run.out.find("0.0/10"), std::string::npos) << run.out;
}

TEST_F(Cli, UsageErrorsExitTwoWithOneClearLine) {
  const GraderRun unknown = run_grader(dir, with({"--stage", "07"}));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "grader: unknown stage \"07\"; the rubric has 01, 02\n");

  const GraderRun no_dir = run_grader(dir, {"--bin-dir", (dir.path() / "nowhere").string(), "--rubric", rubric});
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_NE(no_dir.err.find("bin directory " + (dir.path() / "nowhere").string() + " does not exist"),
            std::string::npos) << no_dir.err;

  const std::string bad = dir.write("bad.json", R"({"stages": [{"stage": "1"}]})").string();
  const GraderRun bad_rubric = run_grader(dir, {"--bin-dir", ACCEL_FAKE_BIN_DIR, "--rubric", bad});
  EXPECT_EQ(bad_rubric.exit_code, 2);
  EXPECT_EQ(bad_rubric.err, "grader: rubric " + bad + ": stages[0].stage: expected two digits like \"01\", got \"1\"\n");

  EXPECT_EQ(run_grader(dir, with({"--repetitions", "0"})).exit_code, 2);
  EXPECT_EQ(run_grader(dir, with({"--no-such-flag"})).exit_code, 2);
  EXPECT_EQ(run_grader(dir, with({"--build", "student"})).exit_code, 2);  // excludes --bin-dir
  EXPECT_EQ(run_grader(dir, {"--help"}).exit_code, 0);
}

TEST_F(Cli, TerminationKillsTheRunningChildAndExits130) {
  const std::string hang_rubric = dir.write("hang.json", R"({"test_timeout_seconds": 60, "stages": [
    {"stage": "01", "name": "hang", "test_binary": "fake_hang_test",
     "tests": [{"name": "fake", "pattern": "^Fake\\.", "points": 10}]}]})").string();
  const auto pid_file = dir.path() / "grandchild.pid";
  const auto code_file = dir.path() / "code";
  // The shell starts the grader, terminates it mid-run and records its exit code.
  const std::string script = "FAKE_HANG_PID_FILE=" + pid_file.string() + " " + ACCEL_GRADER_EXE + " --bin-dir " +
                             ACCEL_FAKE_BIN_DIR + " --rubric " + hang_rubric + " & pid=$!; sleep 1; kill -TERM $pid; " +
                             "wait $pid; echo $? > " + code_file.string();
  const ChildResult shell = run_child({"/bin/sh", "-c", script}, dir.path() / "sh.out", dir.path() / "sh.err",
                                      std::chrono::seconds(30));
  ASSERT_TRUE(shell.exited_normally()) << shell.describe();
  EXPECT_LT(shell.seconds, 10) << "the grader waited for the hanging child instead of killing it";
  EXPECT_EQ(read_text_file(code_file), "130\n") << read_text_file(dir.path() / "sh.err");
  EXPECT_NE(read_text_file(dir.path() / "sh.err").find("grader: interrupted"), std::string::npos);

  pid_t grandchild = 0;
  ASSERT_TRUE(std::ifstream(pid_file) >> grandchild);
  EXPECT_TRUE(stopped_running(grandchild)) << "pid " << grandchild << " is still running";
}

}  // namespace
