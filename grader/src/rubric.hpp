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

// Points as a ramp over a measured fraction of what the reference reaches: none below
// zero_below, all from full_from, in proportion between. No cliff where the noise is.
struct Ramp {
  double zero_below = 0.25;
  double full_from = 0.5;
  double share(double fraction) const;  // of the points, in [0, 1]
};

// A speed check: the student's kernel against the grader's baseline, as the ratio of
// medians, judged as a fraction of the speedup the reference reaches on the same machine:
// timed beside the student in the same rounds where the tree has solutions/, else the
// figure a calibration on the grading machine wrote, else reference_speedup below.
// A scaling check (stage 08) has a "student/" baseline: the student's own kernel on one
// thread, so its speedup is the student's all-core time over their one-core time, judged
// against the reference's own scaling (its one-core and all-core cases timed alike), gain
// over one thread against gain.
struct SpeedCheck {
  std::string name;
  std::string baseline;   // case names of the catalog (grader/cases), e.g. "baseline/matmul_ijk/512",
  std::string candidate;  // timed by grade_baselines and by the stage's bench; same workload
  double reference_speedup = 0;  // the rubric's figure: the reference's speedup when the rubric was set
  double points = 0;
  Ramp ramp;              // over speedup ÷ the reference's speedup
  bool unscored = false;  // measured and shown (e.g. a fraction of OpenBLAS), worth no points
  std::string leaderboard;  // a Gradescope leaderboard entry of the student's GFLOP/s, by this name
  // An overhead check instead of a speedup: the candidate's time over the baseline's, the
  // baseline being the floor of the work (e.g. a block's bare GEMM calls). All the points
  // up to max_overhead, none from twice that. The allowance is at least twice the
  // reference's own overhead.
  double max_overhead = 0;  // 0: a speedup check
  double reference_overhead = 0;
  bool overhead_check() const { return max_overhead > 0; }
  // A check that needs several cores (a scaling, false sharing) is skipped, and left out of
  // the stage's points, on a machine with fewer usable cores than this.
  unsigned min_cores = 1;
  bool scaling_check() const { return baseline.rfind("student/", 0) == 0; }
  // The student's speedup as a fraction of the reference's, what the ramp judges. A scaling
  // is judged on its gain over one thread (speedup - 1): a kernel on one thread gains
  // nothing, whatever the reference reached, so it earns nothing even when a busy host
  // gives the reference little of its other cores (on the 2-core VM the reference once
  // scaled 1.29x, and a one-thread kernel's 0.99x was 0.77 of that). A reference gain
  // below kLeastGain counts as kLeastGain.
  static constexpr double kLeastGain = 0.1;
  double fraction_of_reference(double speedup, double reference_speedup) const;
  // The speedup that is `fraction` of the reference's: the inverse of the above.
  double speedup_at(double fraction, double reference_speedup) const;
  // Both sides meet the same wall (a scaling check always does): the ramp may ask up to 0.9
  // of the reference, and each side is judged on its second-best round (speed.cpp says why).
  bool at_a_wall = false;
};

// Stage 06's measuring functions against the grader's own measurements, on this machine:
//   peak        the student's peak_gflops() against the grader's FMA probe in its narrowest
//               vectors (256-bit on x86-64), run beside it (each side's best round), so a
//               kernel in the widest vectors every course machine has passes; above 1.25 ×
//               the widest probe is implausible
//   triad_dram  the student's stream_triad_gbps(bytes) against the grader's triad at the
//   triad_l2    same footprint (256 MiB, past every course machine's L3; half of L2)
//   prediction  the student's predict_seconds for an add over a DRAM footprint, fed the
//               student's own peak and DRAM triad, against the same model fed the grader's
//               triad of the same round (the relative error, median of rounds); the add's
//               real time is reported, not graded: how far it lands from the model is the
//               CPU's doing
// A ratio earns all the points from `threshold` and none below half of it; a prediction
// all of them within `threshold` and none beyond twice it.
struct MeasureCheck {
  std::string name;
  std::string kind;
  double threshold = 0;   // min_ratio, or max_error for a prediction
  double reference = 0;   // reference_ratio or reference_error: what the reference reached here
  double points = 0;
  double share(double measured) const;  // of the points, in [0, 1], for a ratio or an error
};

struct Stage {
  std::string id;  // two digits, "01"
  std::string name;
  std::string test_binary;
  std::string bench_binary;  // may be empty when the stage has no speed checks
  std::string reference_bench_binary;  // the same bench with the reference's kernels: stageNN_reference_bench
  std::vector<std::string> may_call;  // rule categories this stage may use (audit.hpp), e.g. "blas"
  std::vector<TestGroup> tests;
  std::vector<SpeedCheck> speed;
  std::vector<MeasureCheck> measures;

  double max_points() const;
  bool allows(std::string_view category) const;  // may_call holds it
};

struct Rubric {
  int bench_repetitions = 7;          // rounds (baseline, student, reference processes) per speed check
  double test_timeout_seconds = 300;  // per test group's process
  double bench_timeout_seconds = 600; // per timed process
  std::string baseline_binary = "grade_baselines";
  Ramp ramp;                          // the speed checks' default
  // Gradescope's visibility of the speed and measurement checks' results ("visible",
  // "hidden", "after_due_date", "after_published"): an instructor may hide them until the
  // deadline. Correctness results are always visible.
  std::string speed_visibility = "visible";
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
