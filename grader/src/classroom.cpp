#include "classroom.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

#include "accel/table.hpp"
#include "report.hpp"
#include "text.hpp"

namespace accel::grader {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string quoted = "\"";
  for (const char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Checks back from a results.json written earlier: what a resumed run needs for its row.
std::vector<CheckResult> checks_from_results(const json& results) {
  std::vector<CheckResult> checks;
  for (const json& test : results.at("tests")) {
    CheckResult check;
    const std::string name = test.at("name");  // "Stage 01 (naive_loops) speed: ..."
    check.stage = name.substr(6, 2);
    check.name = name.substr(name.find(": ") + 2);
    check.points = test.at("score");
    check.max_points = test.at("max_score");
    const std::string output = test.at("output");
    if (output.find("measured: does not compile,") != std::string::npos) check.measured = "does not compile";
    if (output.rfind("FLAG: ", 0) == 0) check.flag = output.substr(6, output.find('\n') - 6);
    checks.push_back(std::move(check));
  }
  return checks;
}

std::string minutes(double seconds) {
  return seconds < 90 ? fixed(seconds, 0) + " s" : fixed(seconds / 60, 1) + " min";
}

}  // namespace

std::string gradebook_header(const Rubric& rubric) {
  std::string header = "student";
  for (const Stage& stage : rubric.stages) header += ",stage " + stage.id;
  return header + ",total,max,flags\n";
}

std::string gradebook_row(const std::string& student, const Rubric& rubric, const std::vector<CheckResult>& checks,
                          const std::string& problem) {
  std::string row = csv(student), flags = problem;
  for (const Stage& stage : rubric.stages) {
    double points = 0;
    bool compiles = true;
    for (const CheckResult& check : checks) {
      if (check.stage != stage.id) continue;
      points += check.points;
      compiles = compiles && check.measured != "does not compile";
      if (!check.flag.empty()) {
        flags += std::string(flags.empty() ? "" : "; ") + "stage " + check.stage + " " + check.name + ": " + check.flag;
      }
    }
    if (!compiles) flags += std::string(flags.empty() ? "" : "; ") + "stage " + stage.id + " does not compile";
    row += "," + fixed(points, 1);
  }
  return row + "," + fixed(total_points(checks), 1) + "," + short_number(total_max_points(checks)) + "," + csv(flags) +
         "\n";
}

std::size_t grade_class(const ClassRun& run, const Rubric& rubric, const GradeSubmission& grade,
                        std::ostream& progress) {
  std::vector<fs::path> students;
  for (const fs::directory_entry& entry : fs::directory_iterator(run.dir)) {
    if (entry.is_directory() && entry.path().filename() != "results") students.push_back(entry.path());
  }
  std::ranges::sort(students);
  fs::create_directories(run.dir / "results");
  std::string gradebook = gradebook_header(rubric);
  const auto start = std::chrono::steady_clock::now();
  std::size_t graded = 0;
  for (std::size_t i = 0; i < students.size(); ++i) {
    const std::string name = students[i].filename().string();
    const fs::path results = run.dir / "results" / (name + ".json");
    std::vector<CheckResult> checks;
    std::string problem;
    if (fs::exists(results) && !run.force) {
      checks = checks_from_results(json::parse(read_text_file(results)));
      progress << "[" << i + 1 << "/" << students.size() << "] " << name << ": graded before (--force grades again)"
               << std::endl;
    } else if (!fs::is_directory(students[i] / "stages")) {
      problem = "no stages/ folder: not a copy of the course";
    } else {
      const auto begin = std::chrono::steady_clock::now();
      try {
        checks = grade(students[i]);
      } catch (const std::exception& error) {
        problem = std::string("could not be graded: ") + error.what();
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      if (problem.empty()) {
        std::ofstream(results) << results_json(checks, seconds, "", rubric.speed_visibility);
        ++graded;
      }
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double left = graded > 0 ? elapsed / double(graded) * double(students.size() - i - 1) : 0;
      progress << "[" << i + 1 << "/" << students.size() << "] " << name << ": "
               << (problem.empty() ? points_text(total_points(checks), total_max_points(checks)) : problem) << " ("
               << minutes(elapsed) << " elapsed, about " << minutes(left) << " left)" << std::endl;
    }
    if (!problem.empty()) {
      // Zeros with the reason: every stage of the rubric, nothing earned.
      for (const Stage& stage : rubric.stages) {
        CheckResult zero = make_check(stage, CheckResult::Kind::tests, "all", stage.max_points());
        checks.push_back(std::move(zero));
      }
    }
    gradebook += gradebook_row(name, rubric, checks, problem);
  }
  std::ofstream(run.dir / "gradebook.csv") << gradebook;
  return students.size();
}

std::string classroom_autograding(const Rubric& rubric) {
  json tests = json::array();
  auto add = [&](const Stage& stage, const std::string& kind, const std::string& name, double points) {
    tests.push_back({{"name", "Stage " + stage.id + " " + kind + ": " + name},
                     {"setup", "./lab setup"},
                     {"run", "./lab grade --stage " + stage.id + " --check \"" + name + "\" --require-full"},
                     {"input", ""},
                     {"output", ""},
                     {"comparison", "included"},
                     {"timeout", 30},
                     {"points", points}});
  };
  for (const Stage& stage : rubric.stages) {
    for (const TestGroup& group : stage.tests) add(stage, "tests", group.name, group.points);
    for (const SpeedCheck& check : stage.speed) add(stage, "speed", check.name, check.points);
    for (const MeasureCheck& check : stage.measures) add(stage, "measure", check.name, check.points);
  }
  return json{{"tests", tests}}.dump(2) + "\n";
}

}  // namespace accel::grader
