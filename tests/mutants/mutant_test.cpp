// The grader against wrong and cheating submissions (mutants.json): each mutant is the
// reference solution with one patch, graded as a student's submission would be, in one
// build tree shared by all (the grader deletes every earlier submission's stage programs
// before it builds, so sharing it also tests that no submission is graded with another's).
// Also the two ends of the scale: the reference as a submission gets full marks, the
// course's stubs get 0.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "accel/cpu_info.hpp"
#include "child_process.hpp"
#include "text.hpp"

namespace {

namespace fs = std::filesystem;
using accel::grader::ChildCommand;
using accel::grader::ChildResult;
using accel::grader::read_text_file;
using nlohmann::json;

const fs::path kCourse = ACCEL_SOURCE_DIR;
const fs::path kWork = ACCEL_MUTANT_WORK_DIR;  // submissions, results and the shared build tree

json manifest() { return json::parse(read_text_file(kCourse / "tests" / "mutants" / "mutants.json")); }

// A student's copy: stages/NN_slug/slug.cpp for every stage, taken from `from` (laid out
// as solutions/ or stages/ are).
fs::path make_submission(const std::string& name, const fs::path& from) {
  const fs::path dir = kWork / "submissions" / name;
  fs::remove_all(dir);
  for (const fs::directory_entry& stage : fs::directory_iterator(from)) {
    const fs::path source = stage.path() / (stage.path().filename().string().substr(3) + ".cpp");
    fs::create_directories(dir / "stages" / stage.path().filename());
    fs::copy_file(source, dir / "stages" / stage.path().filename() / source.filename());
  }
  return dir;
}

ChildResult run(std::vector<std::string> argv, const std::string& log_name, double seconds) {
  ChildCommand command;
  command.argv = std::move(argv);
  command.stdout_file = kWork / (log_name + ".out");
  command.stderr_file = kWork / (log_name + ".err");
  command.time_limit = std::chrono::duration<double>(seconds);
  return accel::grader::run_child(command);
}

// Grades `submission` (only `stage` when not empty) with few, short repetitions: enough to
// tell a 10x kernel from a 1x one, cheap enough for CI. Returns results.json.
json grade(const fs::path& submission, const std::string& stage, const std::string& name, bool rubric_time_limits = false) {
  const fs::path results = kWork / (name + ".results.json");
  fs::remove(results);
  std::vector<std::string> argv = {ACCEL_GRADER_EXE, "--submission", submission.string(), "--build-dir",
                                   (kWork / "build").string(), "--json", results.string(), "--repetitions", "2",
                                   "--bench-seconds", "0.05"};
  if (!rubric_time_limits) argv.insert(argv.end(), {"--test-timeout", "20"});
  if (!stage.empty()) argv.insert(argv.end(), {"--stage", stage});
  const ChildResult result = run(argv, name, 1500);
  EXPECT_TRUE(result.exited_normally() && result.exit_code == 0)
      << "grader " << result.describe() << "\n" << read_text_file(kWork / (name + ".err"));
  return fs::exists(results) ? json::parse(read_text_file(results)) : json::object();
}

// "Stage 01 (naive_loops) speed: ikj vs ..." -> "ikj vs ...".
std::string check_name(const json& entry) {
  const std::string name = entry.at("name");
  return name.substr(name.find(": ") + 2);
}

bool listed(const json& list, const std::string& name) {
  for (const json& item : list) {
    if (item == name) return true;
  }
  return false;
}

// One mutant of mutants.json, registered as a test of its own name (main, below).
class MutantTest : public ::testing::Test {
 public:
  explicit MutantTest(json mutant) : mutant_(std::move(mutant)) {}
  void TestBody() override;

 private:
  json mutant_;
};

void MutantTest::TestBody() {
  const json& mutant = mutant_;
  const std::string name = mutant.at("name"), stage = mutant.at("stage");
  SCOPED_TRACE(name + ": " + mutant.at("what").get<std::string>());
#if !defined(__x86_64__)
  if (mutant.value("x86_64_only", false)) GTEST_SKIP() << "its patch is x86-64 code";
#endif
  if (const unsigned cores = mutant.value("min_cores", 1u); accel::usable_cores() < cores) {
    GTEST_SKIP() << "its verdict needs " << cores << " cores; this machine gives " << accel::usable_cores();
  }
  const fs::path submission = make_submission(name, kCourse / "solutions");
  const ChildResult patched = run({ACCEL_GIT_EXE, "-C", submission.string(), "apply", "-p1",
                                   (kCourse / "tests" / "mutants" / (name + ".patch")).string()},
                                  name + ".patch", 60);
  ASSERT_TRUE(patched.exited_normally() && patched.exit_code == 0)
      << name << ".patch does not apply to the reference any more:\n" << read_text_file(kWork / (name + ".patch.err"));

  const auto start = std::chrono::steady_clock::now();
  const json results = grade(submission, stage, name, mutant.value("rubric_time_limits", false));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (mutant.contains("max_seconds")) {
    EXPECT_LE(seconds, mutant.at("max_seconds").get<double>()) << "grading the stage took " << seconds << " s";
  }
  ASSERT_TRUE(results.contains("tests")) << "no results.json";
  const json loses = mutant.at("loses"), may_lose = mutant.value("may_lose", json::array());
  bool said = false, flagged = !mutant.contains("flag");
  std::size_t lost = 0;
  for (const json& entry : results.at("tests")) {
    const std::string check = check_name(entry);
    const bool full = entry.at("score").get<double>() >= entry.at("max_score").get<double>();
    const std::string output = entry.at("output");
    if (listed(loses, check)) {
      EXPECT_FALSE(full) << "'" << check << "' kept its points:\n" << output;
      lost += full ? 0 : 1;
      // "says": words, or a list of alternatives where the verdict may come two ways.
      const json says = mutant.at("says").is_array() ? mutant.at("says") : json::array({mutant.at("says")});
      for (const json& words : says) said = said || output.find(words.get<std::string>()) != std::string::npos;
      flagged = flagged || output.find("FLAG: " + mutant.value("flag", std::string())) != std::string::npos;
    } else if (!listed(may_lose, check)) {
      EXPECT_TRUE(full) << "'" << check << "' lost points it should keep:\n" << output;
    }
  }
  EXPECT_EQ(lost, loses.size()) << "not every check in 'loses' was graded";
  EXPECT_TRUE(said) << "no lost check says " << mutant.at("says").dump();
  EXPECT_TRUE(flagged) << "no lost check carries the flag \"" << mutant.value("flag", std::string()) << "\"";
}

// A class of three, graded as an instructor grades one (grader --class): the reference
// as a student's copy gets full marks, the stubs zero, and a copy that does not compile
// zero with the reason, without stopping the class. Grading a class again skips the
// students graded before. Two stages are enough for the class's machinery (a student's
// copy built, a row per student, a column per stage); every stage's reference is graded
// whole by project.grader_reference_full_marks, and as a student's copy by its mutants.
TEST(Submission, ClassGradebook) {
  const fs::path class_dir = kWork / "class";
  fs::remove_all(class_dir);
  fs::create_directories(class_dir);
  fs::rename(make_submission("reference", kCourse / "solutions"), class_dir / "ada");
  fs::rename(make_submission("stubs", kCourse / "stages"), class_dir / "bo");
  const fs::path broken = make_submission("broken", kCourse / "solutions");
  for (const fs::directory_entry& stage : fs::directory_iterator(broken / "stages")) {
    const fs::path source = stage.path() / (stage.path().filename().string().substr(3) + ".cpp");
    std::ofstream(source, std::ios::app) << "\nthis line does not compile\n";
  }
  fs::rename(broken, class_dir / "cy");

  const std::vector<std::string> argv = {ACCEL_GRADER_EXE, "--class", class_dir.string(), "--build-dir",
                                         (kWork / "build").string(), "--stage", "01", "--stage", "03",
                                         "--repetitions", "2", "--bench-seconds", "0.05", "--test-timeout", "20"};
  ChildResult result = run(argv, "class", 3000);
  ASSERT_TRUE(result.exited_normally() && result.exit_code == 0) << read_text_file(kWork / "class.err");

  std::istringstream gradebook(read_text_file(class_dir / "gradebook.csv"));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(gradebook, line);) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  ASSERT_EQ(rows.size(), 4u) << read_text_file(class_dir / "gradebook.csv");
  const std::size_t total = rows[0].size() - 3, max = rows[0].size() - 2;
  EXPECT_EQ(rows[0][total], "total");
  EXPECT_EQ(rows[1][0], "ada");
  EXPECT_EQ(std::stod(rows[1][total]), std::stod(rows[1][max]))
      << "the reference lost points:\n" << read_text_file(class_dir / "results" / "ada.json");
  EXPECT_EQ(rows[2][0], "bo");
  EXPECT_EQ(rows[2][total], "0.0");
  EXPECT_EQ(rows[3][0], "cy");
  EXPECT_EQ(rows[3][total], "0.0");
  EXPECT_EQ(rows[3][max], rows[1][max]) << "a stage that does not compile still counts every check's points";
  EXPECT_NE(read_text_file(class_dir / "gradebook.csv").find("stage 01 does not compile"), std::string::npos);
  const json cy = json::parse(read_text_file(class_dir / "results" / "cy.json"));
  EXPECT_NE(cy.at("tests").at(0).at("output").get<std::string>().find("does not compile"), std::string::npos);

  // Resumable: a second run grades nobody again and writes the same gradebook.
  const std::string first = read_text_file(class_dir / "gradebook.csv");
  result = run(argv, "class-again", 600);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(read_text_file(class_dir / "gradebook.csv"), first);
  EXPECT_NE(read_text_file(kWork / "class-again.err").find("graded before"), std::string::npos);
}

}  // namespace

// Each mutant is a test named after it: "Mutant.01_memoised_ikj".
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const json all = manifest();
  for (const json& mutant : all.at("mutants")) {
    const std::string name = mutant.at("name");
    ::testing::RegisterTest("Mutant", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [mutant]() -> ::testing::Test* { return new MutantTest(mutant); });
  }
  return RUN_ALL_TESTS();
}
