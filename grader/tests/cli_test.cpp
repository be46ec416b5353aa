// The grader program itself: exit codes, messages, and the results.json it writes.

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "child_process.hpp"
#include "test_support.hpp"
#include "text.hpp"

namespace {

using namespace accel::grader;
using accel::grader::testing::nothing_runs;
using accel::grader::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

const std::string kRubric = R"({"test_timeout_seconds": 5, "bench_timeout_seconds": 30, "bench_repetitions": 1,
  "baseline_binary": ")" ACCEL_BASELINES_EXE R"(", "stages": [
  {"stage": "01", "name": "fake", "test_binary": "fake_pass_test", "bench_binary": "fake_candidate",
   "tests": [{"name": "fake", "filter": "Fake.*", "tests": 2, "points": 20}],
   "speed": [{"name": "work", "baseline": "baseline/dot_strict/2048", "candidate": "student/dot_simd/2048",
              "reference_speedup": 1, "points": 10}]},
  {"stage": "02", "name": "crashy", "test_binary": "fake_crash_test",
   "tests": [{"name": "fake", "filter": "Fake.*", "tests": 2, "points": 10}]}]})";

struct GraderRun {
  int exit_code;
  std::string out, err;
};

GraderRun run_grader(const TempDir& dir, std::vector<std::string> args) {
  ChildCommand command;
  command.argv = std::move(args);
  command.argv.insert(command.argv.begin(), ACCEL_GRADER_EXE);
  command.stdout_file = dir.path() / "grader.out";
  command.stderr_file = dir.path() / "grader.err";
  const ChildResult result = run_child(command);
  EXPECT_TRUE(result.exited_normally()) << result.describe();
  return {result.exit_code, read_text_file(command.stdout_file), read_text_file(command.stderr_file)};
}

class Cli : public ::testing::Test {
 protected:
  TempDir dir;
  std::string rubric = dir.write("rubric.json", kRubric).string();
  std::vector<std::string> base = {"--bin-dir", ACCEL_FAKE_BIN_DIR, "--lib-dir", ACCEL_FAKE_BIN_DIR "/lib",
                                   "--rubric", rubric, "--no-build", "--bench-seconds", "0.05"};
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
  EXPECT_NE(run.out.find("; compiled for "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("30.0/40"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("fake_crash_test crashed (SIGSEGV)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Seed:"), std::string::npos) << run.out;

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

// JUnit XML that a real XML parser reads: a suite per stage, a case per check, a failure
// for each check under full marks.
TEST_F(Cli, WritesJunitXml) {
  const std::string junit = (dir.path() / "junit.xml").string();
  ASSERT_EQ(run_grader(dir, with({"--junit", junit})).exit_code, 0);
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_file(junit.c_str());
  ASSERT_TRUE(parsed) << parsed.description() << "\n" << read_text_file(junit);
  const pugi::xml_node suites = document.child("testsuites");
  ASSERT_TRUE(suites);
  std::vector<std::string> names;
  for (const pugi::xml_node suite : suites.children("testsuite")) names.push_back(suite.attribute("name").value());
  EXPECT_EQ(names, (std::vector<std::string>{"stage 01 fake", "stage 02 crashy"}));
  const pugi::xml_node crashy = suites.find_child_by_attribute("testsuite", "name", "stage 02 crashy");
  EXPECT_EQ(crashy.attribute("failures").as_int(), 1);
  const pugi::xml_node failure = crashy.child("testcase").child("failure");
  ASSERT_TRUE(failure);
  EXPECT_NE(std::string(failure.text().get()).find("fake_crash_test crashed (SIGSEGV)"), std::string::npos);
  const pugi::xml_node passing = suites.child("testsuite").child("testcase");
  EXPECT_FALSE(passing.child("failure")) << "a check at full marks is no failure";
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
  const GraderRun bad_rubric = run_grader(dir, {"--bin-dir", ACCEL_FAKE_BIN_DIR, "--no-build", "--rubric", bad});
  EXPECT_EQ(bad_rubric.exit_code, 2);
  EXPECT_EQ(bad_rubric.err, "grader: rubric " + bad + ": stages[0].stage: expected two digits like \"01\", got \"1\"\n");

  EXPECT_EQ(run_grader(dir, with({"--repetitions", "0"})).exit_code, 2);
  EXPECT_EQ(run_grader(dir, with({"--no-such-flag"})).exit_code, 2);
  EXPECT_EQ(run_grader(dir, with({"--build", "student"})).exit_code, 2);  // excludes --bin-dir
  EXPECT_EQ(run_grader(dir, {"--help"}).exit_code, 0);
}

// A class graded for some stages has a gradebook column for each of those stages only,
// and a folder that is not a copy of the course gets zeros with the reason.
TEST_F(Cli, ClassGradebookHasTheGradedStagesOnly) {
  const fs::path class_dir = dir.path() / "class";
  fs::create_directories(class_dir / "not_a_course");
  const std::vector<std::string> args = {"--rubric", rubric, "--class", class_dir.string(), "--build-dir",
                                         (dir.path() / "build").string(), "--stage", "02"};
  const GraderRun run = run_grader(dir, args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(read_text_file(class_dir / "gradebook.csv"),
            "student,stage 02,total,max,flags\n"
            "not_a_course,0.0,0.0,10,no stages/ folder: not a copy of the course\n");

  // One results.json per student: a single --json or --junit file would say nothing clear.
  auto with_class = [&](const std::string& option) {
    auto extended = args;
    extended.insert(extended.end(), {option, (dir.path() / "out").string()});
    return extended;
  };
  for (const char* option : {"--json", "--junit"}) {
    const GraderRun refused = run_grader(dir, with_class(option));
    EXPECT_EQ(refused.exit_code, 2) << option;
    EXPECT_NE(refused.err.find(std::string(option) + " excludes --class"), std::string::npos) << refused.err;
  }
}

// On the grading machine, --calibrate writes what the reference reached there; a copy of
// the course without the reference (a handout) then judges speed against that figure and
// says so. A broken calibration is a usage error, not a silent fallback.
TEST_F(Cli, CalibrationIsWrittenWhereTheReferenceIsAndUsedWhereItIsNot) {
  if (!fs::is_directory(fs::path(ACCEL_COURSE_DIR) / "solutions")) GTEST_SKIP() << "needs the course's solutions/";
  std::string with_reference = kRubric;
  with_reference.replace(with_reference.find(R"("bench_binary": "fake_candidate",)"),
                         std::string(R"("bench_binary": "fake_candidate",)").size(),
                         R"("bench_binary": "fake_candidate", "reference_bench_binary": "fake_reference",)");
  const std::string calibrated_rubric = dir.write("with_reference.json", with_reference).string();
  const std::string calibration = (dir.path() / "calibration.json").string();
  auto args = with({"--stage", "01", "--repetitions", "1", "--calibration", calibration});
  args[std::ranges::find(args, rubric) - args.begin()] = calibrated_rubric;
  args.push_back("--calibrate");
  const GraderRun calibrate = run_grader(dir, args);
  ASSERT_EQ(calibrate.exit_code, 0) << calibrate.err;
  EXPECT_NE(calibrate.out.find("wrote the calibration of this machine to " + calibration), std::string::npos);
  const json written = json::parse(read_text_file(calibration));
  EXPECT_FALSE(written.at("machine").get<std::string>().empty());
  ASSERT_EQ(written.at("checks").size(), 1u);
  EXPECT_EQ(written["checks"][0]["stage"], "01");
  EXPECT_EQ(written["checks"][0]["check"], "work");
  EXPECT_GT(written["checks"][0]["reference"].get<double>(), 0.2);  // the reference is the baseline's twin here

  const GraderRun handout = run_grader(dir, with({"--stage", "01", "--repetitions", "1", "--calibration", calibration}));
  EXPECT_EQ(handout.exit_code, 0) << handout.err;
  EXPECT_NE(handout.out.find("on the grading machine (calibration.json of " + written["date"].get<std::string>()),
            std::string::npos) << handout.out;

  dir.write("calibration.json", "{\"machine\": ");
  const GraderRun broken = run_grader(dir, with({"--calibration", calibration}));
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("calibration " + calibration + ": not valid JSON"), std::string::npos) << broken.err;
}

TEST_F(Cli, TerminationKillsTheRunningChildAndExits130) {
  const std::string hang_rubric = dir.write("hang.json", R"({"test_timeout_seconds": 60, "stages": [
    {"stage": "01", "name": "hang", "test_binary": "fake_hang_test",
     "tests": [{"name": "fake", "filter": "Fake.*", "tests": 1, "points": 10}]}]})").string();
  const auto code_file = dir.path() / "code";
  // The shell starts the grader, terminates it mid-run and records its exit code.
  const std::string script = std::string(ACCEL_GRADER_EXE) + " --bin-dir " +
                             ACCEL_FAKE_BIN_DIR + " --no-build --rubric " + hang_rubric +
                             " & pid=$!; sleep 1; kill -TERM $pid; wait $pid; echo $? > " + code_file.string();
  ChildCommand command;
  command.argv = {"/bin/sh", "-c", script};
  command.stdout_file = dir.path() / "sh.out";
  command.stderr_file = dir.path() / "sh.err";
  command.time_limit = std::chrono::seconds(30);
  const ChildResult shell = run_child(command);
  ASSERT_TRUE(shell.exited_normally()) << shell.describe();
  EXPECT_LT(shell.seconds, 10) << "the grader waited for the hanging child instead of killing it";
  EXPECT_EQ(read_text_file(code_file), "130\n") << read_text_file(dir.path() / "sh.err");
  EXPECT_NE(read_text_file(dir.path() / "sh.err").find("grader: interrupted"), std::string::npos);

  EXPECT_TRUE(nothing_runs(fs::path(ACCEL_FAKE_BIN_DIR) / "fake_hang_test")) << "the hanging test still runs";
}

}  // namespace
