#pragma once
// The rubric (grader/rubric.json): everything an instructor tunes, read and checked once
// up front so that a typo stops the grader with a sentence naming the key, instead of
// silently grading with a default.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace accel::grader {

// Points × (passed ÷ matched) over the tests whose "Suite.Test" name matches `pattern`.
struct TestGroup {
  std::string name;
  std::string pattern;  // ECMAScript regex, searched (not fully matched) in "Suite.Test"
  double points = 0;
};

// All-or-nothing: median(baseline) / median(candidate) >= min_speedup earns the points.
struct SpeedCheck {
  std::string name;
  std::string baseline;   // Google Benchmark case names as printed, e.g. "baseline/matmul_ijk/512"
  std::string candidate;
  double min_speedup = 0;
  double reference_speedup = 0;  // what the reference reached here when the threshold was set
  double points = 0;
};

struct Stage {
  std::string id;  // two digits, "01"
  std::string name;
  std::string test_binary;
  std::string bench_binary;  // may be empty when the stage has no speed checks
  std::vector<TestGroup> tests;
  std::vector<SpeedCheck> speed;

  double max_points() const;
};

struct Rubric {
  int bench_repetitions = 7;
  double test_timeout_seconds = 300;
  double bench_timeout_seconds = 600;
  std::vector<Stage> stages;

  const Stage* find_stage(std::string_view id) const;
};

class RubricError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws RubricError naming the offending place, e.g.
// "stages[0].tests[2].pattern: not a valid regex ...".
Rubric parse_rubric(std::string_view json_text);
// As parse_rubric, with the file name in front of every message.
Rubric load_rubric(const std::filesystem::path& file);

}  // namespace accel::grader
