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

// One run of the stage's test binary with --gtest_filter=<filter>, in its own process.
// It must run exactly `expected_tests` tests, every one selected by the filter; then it
// earns points × passed ÷ expected_tests.
struct TestGroup {
  std::string name;
  std::string filter;  // GoogleTest's syntax: "MatmulIjk.*:Sizes/MatmulIjk.*"
  std::size_t expected_tests = 0;
  double points = 0;
};

// All-or-nothing: median(baseline) / median(candidate) >= min_speedup earns the points.
struct SpeedCheck {
  std::string name;
  std::string baseline;   // case names of the catalog (grader/cases), e.g. "baseline/matmul_ijk/512",
  std::string candidate;  // timed by grade_baselines and by the stage's bench; same workload
  double min_speedup = 0;
  double reference_speedup = 0;  // what the reference reached here when the threshold was set
  double points = 0;
  bool unscored = false;  // measured and shown (e.g. a fraction of OpenBLAS), worth no points
  // An overhead check instead of a speedup: the candidate may take at most
  // (1 + max_overhead) × the baseline's time, the baseline being the floor of the work
  // (e.g. a block's bare GEMM calls). At least twice the reference's own overhead.
  double max_overhead = 0;  // 0: a speedup check
  double reference_overhead = 0;
  bool overhead_check() const { return max_overhead > 0; }
};

// Stage 06's measuring functions against the grader's own measurements, on this machine:
//   peak        the student's peak_gflops() against the grader's FMA probe: at least
//               `threshold` × the narrowest vector probe (256-bit on x86-64) run beside it
//               (median of three rounds), so a kernel in the widest vectors every course
//               machine has passes; above 1.25 × the widest probe is implausible
//   triad_dram  the student's stream_triad_gbps(bytes) against the grader's triad at the
//   triad_l2    same footprint (4 × L3, 256 MiB to 1 GiB; half of L2): at least `threshold` ×
//   prediction  the student's predict_seconds for the grader's add over a DRAM footprint,
//               fed the student's own peak and DRAM triad, within `threshold` (relative
//               error) of the time the grader measures
struct MeasureCheck {
  std::string name;
  std::string kind;
  double threshold = 0;   // min_ratio, or max_error for a prediction
  double reference = 0;   // reference_ratio or reference_error: what the reference reached here
  double points = 0;
};

struct Stage {
  std::string id;  // two digits, "01"
  std::string name;
  std::string test_binary;
  std::string bench_binary;  // may be empty when the stage has no speed checks
  std::vector<std::string> may_call;  // rule categories this stage may use (audit.hpp), e.g. "blas"
  std::vector<TestGroup> tests;
  std::vector<SpeedCheck> speed;
  std::vector<MeasureCheck> measures;

  double max_points() const;
};

struct Rubric {
  int bench_repetitions = 7;          // baseline/candidate process pairs per speed check
  double test_timeout_seconds = 300;  // per test group's process
  double bench_timeout_seconds = 600; // per timed process
  std::string baseline_binary = "grade_baselines";
  std::vector<Stage> stages;

  const Stage* find_stage(std::string_view id) const;
};

class RubricError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws RubricError naming the offending place, e.g.
// "stages[0].speed[1].candidate: \"student/x/1\" is not a case of the grader's catalog".
Rubric parse_rubric(std::string_view json_text);
// As parse_rubric, with the file name in front of every message.
Rubric load_rubric(const std::filesystem::path& file);

}  // namespace accel::grader
