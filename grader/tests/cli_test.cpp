// The grader program itself: exit codes, messages, and the results.json it writes.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "temp_dir.hpp"
#include "text.hpp"

namespace {

using namespace accel::grader;
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

}  // namespace
