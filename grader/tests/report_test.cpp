#include "report.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace accel::grader;
using nlohmann::json;

std::vector<CheckResult> sample_checks() {
  CheckResult partial{"01", "naive_loops", CheckResult::Kind::tests, "matmul_ijk", "3/4 passed", "4/4", 7.5, 10,
                      "1 test failed: MatmulIjk.X", ""};
  CheckResult full{"01", "naive_loops", CheckResult::Kind::tests, "add", "2/2 passed", "2/2", 6, 6, "all 2 tests passed", ""};
  CheckResult speed{"01", "naive_loops", CheckResult::Kind::speed, "ikj vs ijk", "skipped", "10.0x (ref 26.9x)", 0, 20,
                    "skipped: correctness tests fail", ""};
  CheckResult crashed{"02", "simd", CheckResult::Kind::tests, "dot", "crashed", "-", 0, 50,
                      "stage02_test crashed (SIGSEGV)\xff", ""};  // invalid UTF-8 from a child
  return {partial, full, speed, crashed};
}

TEST(Report, TotalsAndPointsText) {
  const auto checks = sample_checks();
  EXPECT_DOUBLE_EQ(total_points(checks), 13.5);
  EXPECT_DOUBLE_EQ(total_max_points(checks), 86);
  EXPECT_EQ(points_text(7.5, 10), "7.5/10");
  EXPECT_EQ(points_text(100, 100), "100.0/100");
  EXPECT_EQ(points_text(0, 2.5), "0.0/2.5");
}

TEST(Report, TableHasEveryCheckATotalAndDetails) {
  std::ostringstream out;
  print_report(out, sample_checks());
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("stage  check", 0), 0u) << text;
  EXPECT_NE(text.find("01     tests matmul_ijk  3/4 passed"), std::string::npos) << text;
  EXPECT_NE(text.find("speed ikj vs ijk"), std::string::npos) << text;
  EXPECT_NE(text.find("13.5/86"), std::string::npos) << text;
  // Details for what lost points, not for full marks.
  EXPECT_NE(text.find("01 tests matmul_ijk:\n    1 test failed: MatmulIjk.X"), std::string::npos) << text;
  EXPECT_NE(text.find("02 tests dot:\n    stage02_test crashed (SIGSEGV)"), std::string::npos) << text;
  EXPECT_EQ(text.find("all 2 tests passed"), std::string::npos) << text;
}

TEST(Report, FlaggedChecksAreMarkedAndListed) {
  auto checks = sample_checks();
  std::ostringstream plain;
  print_report(plain, checks);
  EXPECT_EQ(plain.str().find("flag"), std::string::npos) << "no flag column without flags";

  checks[2].flag = "implausible speed";
  std::ostringstream out;
  print_report(out, checks);
  const std::string text = out.str();
  EXPECT_NE(text.find("FLAG: implausible speed"), std::string::npos) << text;
  EXPECT_NE(text.find("Flags for the instructor"), std::string::npos) << text;
  EXPECT_NE(text.find("  stage 01 speed ikj vs ijk: implausible speed"), std::string::npos) << text;
  const json results = json::parse(results_json(checks, 1, ""));
  EXPECT_EQ(results["tests"][2]["output"].get<std::string>().rfind("FLAG: implausible speed\n", 0), 0u);
}

TEST(Report, AReasonSharedByAStagesChecksIsShownOnce) {
  auto checks = sample_checks();
  checks[0].output = checks[2].output = "does not compile: x.cpp:1: error: boom";
  checks[0].points = 0;
  std::ostringstream out;
  print_report(out, checks);
  const std::string text = out.str();
  EXPECT_NE(text.find("01 tests matmul_ijk:\n    does not compile"), std::string::npos) << text;
  EXPECT_NE(text.find("01 speed ikj vs ijk:\n    (as above)"), std::string::npos) << text;
}

TEST(Report, ResultsJsonHasGradescopeShape) {
  const auto checks = sample_checks();
  const json results = json::parse(results_json(checks, 12.3, "machine\ntable"));
  ASSERT_TRUE(results.is_object());
  for (const char* key : {"score", "max_score", "execution_time"}) {
    ASSERT_TRUE(results.contains(key)) << key;
    EXPECT_TRUE(results[key].is_number()) << key;
  }
  EXPECT_EQ(results["output"], "machine\ntable");
  EXPECT_EQ(results["execution_time"], 13);  // whole seconds, rounded up
  ASSERT_TRUE(results["tests"].is_array());
  ASSERT_EQ(results["tests"].size(), checks.size());

  double sum = 0, max_sum = 0;
  for (const json& test : results["tests"]) {
    for (const char* key : {"name", "status", "output"}) EXPECT_TRUE(test.at(key).is_string()) << key;
    EXPECT_TRUE(test.at("score").is_number());
    EXPECT_TRUE(test.at("max_score").is_number());
    EXPECT_EQ(test["status"], test["score"] == test["max_score"] ? "passed" : "failed");
    sum += test["score"].get<double>();
    max_sum += test["max_score"].get<double>();
  }
  EXPECT_DOUBLE_EQ(results["score"].get<double>(), sum);
  EXPECT_DOUBLE_EQ(results["max_score"].get<double>(), max_sum);
  EXPECT_EQ(results["tests"][0]["name"], "Stage 01 (naive_loops) correctness: matmul_ijk");
  EXPECT_EQ(results["tests"][2]["name"], "Stage 01 (naive_loops) speed: ikj vs ijk");
  EXPECT_EQ(results["tests"][0]["output"], "measured: 3/4 passed, required: 4/4\n1 test failed: MatmulIjk.X");
  EXPECT_EQ(results["tests"][1]["status"], "passed");
  EXPECT_EQ(results["tests"][3]["status"], "failed");
}

// Gradescope's leaderboard: the mean of each stage's fractions of the reference that its
// checks were judged on (a scaling check's gain over one thread: 1.5x against the
// reference's 2.0x is 0.5, not 0.75), and the GFLOP/s of the checks the rubric names;
// speed results may be hidden.
TEST(Report, ResultsJsonCarriesALeaderboardAndVisibility) {
  auto checks = sample_checks();
  EXPECT_FALSE(json::parse(results_json(checks, 1, "")).contains("leaderboard")) << "nothing was timed";
  CheckResult packed{"05", "tiling", CheckResult::Kind::speed, "packed vs ikj", "3.0x", "-", 10, 10, "", ""};
  packed.reference_figure = 4.0;
  packed.fraction = 0.75;
  packed.student_gflops = 123.456;
  packed.leaderboard = "Stage 05 matmul_packed GFLOP/s";
  CheckResult scaling{"05", "tiling", CheckResult::Kind::speed, "scaling", "1.5x", "-", 10, 10, "", ""};
  scaling.reference_figure = 2.0;
  scaling.fraction = 0.5;
  checks.push_back(packed);
  checks.push_back(scaling);
  const json results = json::parse(results_json(checks, 1, "", "after_due_date"));
  const json expected = json::parse(R"([
    {"name": "Stage 05 matmul_packed GFLOP/s", "value": 123.5, "order": "desc"},
    {"name": "Stage 05 speed, fraction of the reference's", "value": 0.63, "order": "desc"}])");
  EXPECT_EQ(results["leaderboard"], expected);
  EXPECT_EQ(results["tests"][0]["visibility"], "visible");  // correctness is always shown
  EXPECT_EQ(results["tests"][2]["visibility"], "after_due_date");
  EXPECT_EQ(results["tests"][4]["visibility"], "after_due_date");
}

TEST(Report, StatusShowsEachFunctionAndWhatIsNext) {
  const CheckResult passing{"01", "naive_loops", CheckResult::Kind::tests, "add", "2/2 passed", "2/2", 6, 6,
                            "all 2 tests passed", ""};
  const CheckResult todo{"01", "naive_loops", CheckResult::Kind::tests, "relu", "not implemented", "3/3", 0, 6,
                         "not implemented: relu\n3 of 3 tests failed: Relu.A, Relu.B, Relu.C", ""};
  const CheckResult todo_group{"06", "roofline", CheckResult::Kind::tests, "probes", "not implemented", "5/5", 0, 10,
                               "not implemented: fma_gflops, peak_gflops\n5 of 5 tests failed: FmaGflops.A", ""};
  const CheckResult failing{"06", "roofline", CheckResult::Kind::tests, "model", "7/8 passed", "8/8", 17.5, 20,
                            "1 of 8 tests failed: Classify.Ridge\nfirst failure:\nroofline_test.cpp:9: Failure\n"
                            "Expected equality of these values:\n  Actual: compute-bound",
                            ""};
  std::ostringstream out;
  print_status(out, {passing, todo, todo_group, failing});
  const std::string text = out.str();
  EXPECT_NE(text.find("Stage 01 naive_loops\n  [x] add               passing\n  [ ] relu              TODO\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Stage 06 roofline\n  [ ] probes            TODO: fma_gflops, peak_gflops\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  [ ] model             failing (7/8 passed): Actual: compute-bound"), std::string::npos) << text;
  EXPECT_NE(text.find("Next: relu in stage 01 (stages/01_naive_loops/naive_loops.cpp;"), std::string::npos) << text;

  std::ostringstream done;
  print_status(done, {passing});
  EXPECT_NE(done.str().find("Every test passes."), std::string::npos) << done.str();
}

}  // namespace
