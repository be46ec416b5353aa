#include "rubric.hpp"

#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace {

using namespace accel::grader;
using nlohmann::json;

json valid_rubric() {
  return json::parse(R"({
    "bench_repetitions": 5, "test_timeout_seconds": 60, "bench_timeout_seconds": 120,
    "stages": [{
      "stage": "01", "name": "naive_loops", "test_binary": "stage01_test", "bench_binary": "stage01_grade_bench",
      "tests": [{"name": "matmul_ijk", "filter": "MatmulIjk.*:Sizes/MatmulIjk.*", "tests": 16, "points": 10},
                {"name": "add", "filter": "Add.*", "tests": 2, "points": 5.5}],
      "speed": [{"name": "ikj", "baseline": "baseline/matmul_ijk/512", "candidate": "student/matmul_ikj/512",
                 "reference_speedup": 26.9, "points": 20}]
    }]})");
}

// The RubricError message for a rubric, or "" when it parses.
std::string error_for(const json& rubric) {
  try {
    parse_rubric(rubric.dump());
  } catch (const RubricError& error) {
    return error.what();
  }
  return "";
}

TEST(Rubric, ParsesEveryField) {
  const Rubric rubric = parse_rubric(valid_rubric().dump());
  EXPECT_EQ(rubric.bench_repetitions, 5);
  EXPECT_EQ(rubric.test_timeout_seconds, 60);
  EXPECT_EQ(rubric.bench_timeout_seconds, 120);
  ASSERT_EQ(rubric.stages.size(), 1u);
  const Stage& stage = rubric.stages[0];
  EXPECT_EQ(stage.id, "01");
  EXPECT_EQ(stage.name, "naive_loops");
  EXPECT_EQ(stage.test_binary, "stage01_test");
  EXPECT_EQ(stage.bench_binary, "stage01_grade_bench");
  ASSERT_EQ(stage.tests.size(), 2u);
  EXPECT_EQ(stage.tests[0].filter, "MatmulIjk.*:Sizes/MatmulIjk.*");
  EXPECT_EQ(stage.tests[0].expected_tests, 16u);
  EXPECT_TRUE(stage.may_call.empty());
  EXPECT_EQ(rubric.baseline_binary, "grade_baselines");
  EXPECT_EQ(stage.tests[1].points, 5.5);
  ASSERT_EQ(stage.speed.size(), 1u);
  EXPECT_EQ(stage.speed[0].candidate, "student/matmul_ikj/512");
  EXPECT_EQ(stage.speed[0].reference_speedup, 26.9);
  EXPECT_EQ(stage.speed[0].ramp.zero_below, 0.25);  // the defaults
  EXPECT_EQ(stage.speed[0].ramp.full_from, 0.5);
  EXPECT_EQ(stage.reference_bench_binary, "stage01_reference_bench");
  EXPECT_EQ(stage.max_points(), 35.5);
  EXPECT_EQ(rubric.find_stage("01"), &stage);
  EXPECT_EQ(rubric.find_stage("02"), nullptr);
}

TEST(Rubric, TopLevelSettingsHaveDefaults) {
  json rubric = valid_rubric();
  rubric.erase("bench_repetitions");
  rubric.erase("test_timeout_seconds");
  rubric.erase("bench_timeout_seconds");
  const Rubric parsed = parse_rubric(rubric.dump());
  EXPECT_EQ(parsed.bench_repetitions, 7);
  EXPECT_EQ(parsed.test_timeout_seconds, 300);
  EXPECT_EQ(parsed.bench_timeout_seconds, 600);
  EXPECT_EQ(parsed.speed_visibility, "visible");
}

TEST(Rubric, RampsHaveARubricDefaultAndAPerCheckOverride) {
  json rubric = valid_rubric();
  rubric["ramp"] = json::parse(R"({"zero_below": 0.2, "full_from": 0.4})");
  rubric["stages"][0]["speed"].push_back(json::parse(R"({"name": "own", "baseline": "baseline/matmul_ijk/512",
    "candidate": "student/matmul_ikj/512", "reference_speedup": 10, "points": 5, "zero_below": 0.05, "full_from": 0.15})"));
  const Stage stage = parse_rubric(rubric.dump()).stages[0];
  EXPECT_EQ(stage.speed[0].ramp.zero_below, 0.2);
  EXPECT_EQ(stage.speed[0].ramp.full_from, 0.4);
  EXPECT_EQ(stage.speed[1].ramp.zero_below, 0.05);
  EXPECT_EQ(stage.speed[1].ramp.full_from, 0.15);
}

// A scaling check (the student's own one-thread case as its baseline) and a check at a wall
// may ask for more of the reference than half; min_cores is kept.
TEST(Rubric, ScalingChecksAndChecksAtAWallMayAskMoreOfTheReference) {
  json rubric = valid_rubric();
  rubric["stages"][0]["speed"] = json::parse(R"([
    {"name": "scaling", "baseline": "student/matmul_parallel_one_thread/1024", "candidate": "student/matmul_parallel/1024",
     "reference_speedup": 1.9, "points": 5, "zero_below": 0.6, "full_from": 0.8, "min_cores": 2},
    {"name": "roof", "baseline": "baseline/triad_all_cores/16777216", "candidate": "student/add_parallel/16777216",
     "reference_speedup": 1, "points": 5, "zero_below": 0.4, "full_from": 0.8, "at_a_wall": true}])");
  const Stage stage = parse_rubric(rubric.dump()).stages[0];
  EXPECT_TRUE(stage.speed[0].scaling_check());
  EXPECT_EQ(stage.speed[0].min_cores, 2u);
  EXPECT_EQ(stage.speed[0].ramp.full_from, 0.8);
  EXPECT_FALSE(stage.speed[1].scaling_check());
  EXPECT_EQ(stage.speed[1].min_cores, 1u);
  EXPECT_EQ(stage.speed[1].ramp.full_from, 0.8);
}

// A scaling is judged on its gain over one thread: a kernel on one thread earns a fraction
// of 0 whatever the reference reached, a speedup check is a plain ratio, and the speedup at
// a fraction is the inverse of both.
TEST(Rubric, AScalingIsJudgedOnItsGainOverOneThread) {
  SpeedCheck scaling, speedup;
  scaling.baseline = "student/matmul_parallel_one_thread/1024";
  speedup.baseline = "baseline/matmul_ijk/512";
  EXPECT_NEAR(scaling.fraction_of_reference(1.0, 1.29), 0.0, 1e-12);
  EXPECT_NEAR(scaling.fraction_of_reference(0.99, 1.29), -0.01 / 0.29, 1e-12);
  EXPECT_NEAR(scaling.fraction_of_reference(1.5, 1.9), 0.5 / 0.9, 1e-12);
  EXPECT_NEAR(scaling.speedup_at(0.5, 1.9), 1.45, 1e-12);
  // A reference that gained almost nothing counts as gaining kLeastGain.
  EXPECT_NEAR(scaling.fraction_of_reference(1.05, 1.01), 0.05 / SpeedCheck::kLeastGain, 1e-12);
  EXPECT_NEAR(speedup.fraction_of_reference(1.29, 1.29), 1.0, 1e-12);
  EXPECT_NEAR(speedup.fraction_of_reference(3.0, 6.0), 0.5, 1e-12);
  EXPECT_NEAR(speedup.speedup_at(0.25, 6.0), 1.5, 1e-12);
}

// Points rise in proportion between the ramp's two bars: none below, all from the second.
TEST(Rubric, RampSharesThePointsBetweenItsBars) {
  const Ramp ramp{0.25, 0.5};
  EXPECT_EQ(ramp.share(0.1), 0);
  EXPECT_EQ(ramp.share(0.25), 0);
  EXPECT_DOUBLE_EQ(ramp.share(0.375), 0.5);
  EXPECT_EQ(ramp.share(0.5), 1);
  EXPECT_EQ(ramp.share(3.0), 1);
  EXPECT_EQ(ramp.share(std::nan("")), 0);
  const MeasureCheck ratio{"triad", "triad_l2", 0.8, 1.0, 10};
  EXPECT_EQ(ratio.share(0.8), 1);
  EXPECT_DOUBLE_EQ(ratio.share(0.6), 0.5);
  EXPECT_EQ(ratio.share(0.4), 0);
  const MeasureCheck prediction{"prediction", "prediction", 0.25, 0.05, 10};
  EXPECT_EQ(prediction.share(0.1), 1);
  EXPECT_EQ(prediction.share(0.25), 1);
  EXPECT_DOUBLE_EQ(prediction.share(0.375), 0.5);
  EXPECT_EQ(prediction.share(0.5), 0);
}

TEST(Rubric, MeasurementChecksParse) {
  json rubric = valid_rubric();
  rubric["stages"][0]["measures"] = json::parse(R"([
    {"name": "peak", "kind": "peak", "min_ratio": 0.8, "reference_ratio": 1.5, "points": 5},
    {"name": "prediction", "kind": "prediction", "max_error": 0.25, "reference_error": 0.15, "points": 4.5}])");
  const Stage stage = parse_rubric(rubric.dump()).stages[0];
  ASSERT_EQ(stage.measures.size(), 2u);
  EXPECT_EQ(stage.measures[0].kind, "peak");
  EXPECT_EQ(stage.measures[0].threshold, 0.8);
  EXPECT_EQ(stage.measures[1].threshold, 0.25);
  EXPECT_EQ(stage.measures[1].reference, 0.15);
  EXPECT_EQ(stage.max_points(), 35.5 + 9.5);
}

TEST(Rubric, OverheadChecksParse) {
  json rubric = valid_rubric();
  rubric["stages"][0]["speed"].push_back(json::parse(R"({"name": "lean", "baseline": "baseline/mlp_two_sgemm/64",
    "candidate": "student/mlp_fast/64", "max_overhead": 0.25, "reference_overhead": -0.01, "points": 10})"));
  const SpeedCheck check = parse_rubric(rubric.dump()).stages[0].speed[1];
  EXPECT_TRUE(check.overhead_check());
  EXPECT_EQ(check.max_overhead, 0.25);
  EXPECT_EQ(check.reference_overhead, -0.01);
  EXPECT_FALSE(parse_rubric(valid_rubric().dump()).stages[0].speed[0].overhead_check());
}

TEST(Rubric, StageWithoutSpeedChecksNeedsNoBenchBinary) {
  json rubric = valid_rubric();
  rubric["stages"][0].erase("speed");
  rubric["stages"][0].erase("bench_binary");
  EXPECT_EQ(error_for(rubric), "");
}

TEST(Rubric, MalformedJsonIsReported) {
  try {
    parse_rubric("{\"stages\": [");
    FAIL() << "no error";
  } catch (const RubricError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("not valid JSON: parse error at line 1", 0), 0u) << error.what();
  }
}

// Each broken rubric must name the place and the problem.
struct Broken {
  const char* what;
  void (*edit)(json&);
  const char* message;
};

const Broken kBroken[] = {
    {"missing stages", [](json& r) { r.erase("stages"); }, "missing \"stages\""},
    {"empty stages", [](json& r) { r["stages"] = json::array(); }, "stages: needs at least one stage"},
    {"misspelt key", [](json& r) { r["stages"][0]["tests"][0]["point"] = 3; },
     "stages[0].tests[0]: unknown key \"point\""},
    {"unknown top-level key", [](json& r) { r["repetitions"] = 3; }, "unknown key \"repetitions\""},
    {"points as text", [](json& r) { r["stages"][0]["tests"][1]["points"] = "5"; },
     "stages[0].tests[1].points: expected a number, got string"},
    {"negative points", [](json& r) { r["stages"][0]["tests"][0]["points"] = -1; },
     "stages[0].tests[0].points: must be greater than 0, got -1"},
    {"missing filter", [](json& r) { r["stages"][0]["tests"][0].erase("filter"); },
     "stages[0].tests[0]: missing \"filter\""},
    {"filter with a space", [](json& r) { r["stages"][0]["tests"][0]["filter"] = "Matmul.* Add.*"; },
     "stages[0].tests[0].filter: a GoogleTest filter has no spaces"},
    {"missing test count", [](json& r) { r["stages"][0]["tests"][0].erase("tests"); },
     "stages[0].tests[0]: missing \"tests\""},
    {"zero test count", [](json& r) { r["stages"][0]["tests"][0]["tests"] = 0; },
     "stages[0].tests[0].tests: expected a whole number >= 1, got 0"},
    {"unknown speed case", [](json& r) { r["stages"][0]["speed"][0]["candidate"] = "student/matmul_ikj/513"; },
     "stages[0].speed[0].candidate: \"student/matmul_ikj/513\" is not a case of the grader's catalog"},
    {"baseline and candidate swapped", [](json& r) {
       r["stages"][0]["speed"][0]["baseline"] = "student/matmul_ikj/512";
       r["stages"][0]["speed"][0]["candidate"] = "baseline/matmul_ijk/512";
     }, "stages[0].speed[0].candidate: a candidate case starts with \"student/\""},
    {"baseline from a stage bench outside a scaling check", [](json& r) {
       r["stages"][0]["speed"][0] = json::parse(R"({"name": "s", "baseline": "student/matmul_ikj/512",
         "candidate": "student/matmul_ikj/512", "max_overhead": 0.2, "reference_overhead": 0.01, "points": 1})");
     }, "stages[0].speed[0].baseline: a baseline case starts with \"baseline/\" (or, in a scaling check, \"student/\")"},
    {"different workloads", [](json& r) { r["stages"][0]["speed"][0]["candidate"] = "student/dot_simd/2048"; },
     "\"baseline/matmul_ijk/512\" and \"student/dot_simd/2048\" time different workloads"},
    {"unknown rule category", [](json& r) { r["stages"][0]["may_call"] = {"sockets"}; },
     "stages[0].may_call[0]: \"sockets\" is not a rule a stage may be let off (blas, threads, files)"},
    {"unknown measurement", [](json& r) { r["stages"][0]["measures"] = json::parse(R"([{"name": "m", "kind": "latency",
       "min_ratio": 0.8, "reference_ratio": 1, "points": 1}])"); },
     "stages[0].measures[0].kind: \"latency\" is not a measurement"},
    {"measurement threshold too close", [](json& r) { r["stages"][0]["measures"] = json::parse(R"([{"name": "m",
       "kind": "triad_l2", "min_ratio": 0.95, "reference_ratio": 1, "points": 1}])"); },
     "min_ratio 0.95 leaves too little room beside reference_ratio 1"},
    {"stage not two digits", [](json& r) { r["stages"][0]["stage"] = "1"; },
     "stages[0].stage: expected two digits like \"01\", got \"1\""},
    {"stage twice", [](json& r) { r["stages"].push_back(r["stages"][0]); }, "stages[1].stage: stage 01 appears twice"},
    {"check name twice", [](json& r) { r["stages"][0]["speed"][0]["name"] = "add"; },
     "stages[0].speed[0].name: \"add\" is used twice in stage 01"},
    {"full marks above half the reference", [](json& r) { r["stages"][0]["speed"][0]["full_from"] = 0.7; },
     "stages[0].speed[0].full_from: is 0.7; full marks come at most at half of the reference's speedup"},
    {"full marks too near the reference at a wall", [](json& r) {
       r["stages"][0]["speed"][0]["at_a_wall"] = true;
       r["stages"][0]["speed"][0]["full_from"] = 0.95;
     }, "stages[0].speed[0].full_from: is 0.95; full marks come at most at 0.9 of the reference's speedup"},
    {"min_cores not whole", [](json& r) { r["stages"][0]["speed"][0]["min_cores"] = 1.5; },
     "stages[0].speed[0].min_cores: is not a whole number"},
    {"ramp upside down", [](json& r) { r["ramp"] = {{"zero_below", 0.4}, {"full_from", 0.3}}; },
     "ramp: zero_below 0.4 is not below full_from 0.3"},
    {"a cliff for a ramp", [](json& r) { r["stages"][0]["speed"][0]["min_speedup"] = 14; },
     "stages[0].speed[0]: unknown key \"min_speedup\""},
    {"overhead allowance under twice the reference's", [](json& r) {
       r["stages"][0]["speed"][0] = json::parse(R"({"name": "lean", "baseline": "baseline/mlp_two_sgemm/64",
         "candidate": "student/mlp_fast/64", "max_overhead": 0.1, "reference_overhead": 0.06, "points": 10})");
     }, "stages[0].speed[0]: max_overhead 0.1 is less than twice reference_overhead 0.06"},
    {"overhead and speedup in one check", [](json& r) { r["stages"][0]["speed"][0]["max_overhead"] = 0.25; },
     "stages[0].speed[0]: unknown key \"reference_speedup\""},
    {"speed without bench binary", [](json& r) { r["stages"][0].erase("bench_binary"); },
     "stages[0]: missing \"bench_binary\" (the stage has speed checks)"},
    {"no test groups", [](json& r) { r["stages"][0]["tests"] = json::array(); },
     "stages[0].tests: needs at least one test group"},
    {"tests not an array", [](json& r) { r["stages"][0]["tests"] = json::object(); },
     "stages[0].tests: expected an array, got object"},
    {"zero repetitions", [](json& r) { r["bench_repetitions"] = 0; }, "bench_repetitions: expected a whole number >= 1"},
    {"fractional repetitions", [](json& r) { r["bench_repetitions"] = 2.5; },
     "bench_repetitions: expected a whole number >= 1"},
    {"zero timeout", [](json& r) { r["test_timeout_seconds"] = 0; },
     "test_timeout_seconds: must be greater than 0, got 0"},
    {"empty binary name", [](json& r) { r["stages"][0]["test_binary"] = ""; },
     "stages[0].test_binary: must not be empty"},
    {"unknown visibility", [](json& r) { r["speed_visibility"] = "later"; },
     "speed_visibility: \"later\" is not one of Gradescope's: visible, hidden, after_due_date, after_published"},
    {"leaderboard without FLOPs", [](json& r) {
       r["stages"][0]["speed"][0]["baseline"] = "baseline/transpose_naive/2000x8000";
       r["stages"][0]["speed"][0]["candidate"] = "student/transpose_blocked/2000x8000";
       r["stages"][0]["speed"][0]["leaderboard"] = "GB/s";
     }, "stages[0].speed[0].leaderboard: \"student/transpose_blocked/2000x8000\" does no floating-point work"},
    {"stage not an object", [](json& r) { r["stages"][0] = 1; }, "stages[0]: expected an object, got number"},
};

TEST(Rubric, EachKindOfMistakeGetsAClearError) {
  for (const Broken& broken : kBroken) {
    SCOPED_TRACE(broken.what);
    json rubric = valid_rubric();
    broken.edit(rubric);
    const std::string message = error_for(rubric);
    EXPECT_NE(message.find(broken.message), std::string::npos) << "got: \"" << message << "\"";
  }
}

TEST(Rubric, LoadNamesTheFile) {
  accel::grader::testing::TempDir dir;
  const auto file = dir.write("rubric.json", "{\"stages\": []}");
  try {
    load_rubric(file);
    FAIL() << "no error";
  } catch (const RubricError& error) {
    EXPECT_EQ(std::string(error.what()), "rubric " + file.string() + ": stages: needs at least one stage");
  }
  EXPECT_THROW(load_rubric(dir.path() / "absent.json"), RubricError);
}

// The rubric the course ships must load, and follow the half-the-reference rule.
TEST(Rubric, ShippedRubricIsValid) {
  const Rubric rubric = load_rubric(ACCEL_RUBRIC_FILE);
  ASSERT_FALSE(rubric.stages.empty());
  for (const Stage& stage : rubric.stages) {
    SCOPED_TRACE("stage " + stage.id);
    EXPECT_EQ(stage.max_points(), 100);
    EXPECT_EQ(stage.test_binary, "stage" + stage.id + "_test");
  }
}

}  // namespace
