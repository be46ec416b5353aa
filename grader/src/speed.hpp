#pragma once
// Speed checks: the grader's baseline against the student's kernel, as a ratio of medians
// measured on this machine in this run, with nothing taken on trust from a process that
// ran student code.
//
// One check, step by step:
//   1. A short calibration run of each side (Google Benchmark picks the count) tells how
//      many calls, with the preparation of their inputs, fill --bench-seconds; the count is
//      drawn ±15 % at random so that a kernel cannot know which call is the last.
//   2. `repetitions` rounds, each a baseline process, a candidate process and, where the
//      tree has the reference's bench (solutions/), a reference process, in random order:
//      separate processes, so student code never shares one with the grader's, and
//      interleaved, so a noisy neighbour's load lands on every side.
//   3. Every candidate process must (a) send a Google Benchmark report that is one
//      document as the library writes it, (b) send the output of its last timed call,
//      which the grader checks against its own computation on the same inputs, rebuilt
//      here from the seed, (c) use one core (CPU time from the kernel, not the process)
//      unless the stage may use threads, and (d) account for the time the grader's own
//      clock saw it run: a report whose timed calls leave most of the process's life
//      unexplained is not trusted.
//   4. The speedup (ratio of medians) as a fraction of the reference's speedup (timed in
//      the same rounds, else from the calibration or the rubric: calibration.hpp) earns
//      points on the check's ramp. A fraction within the rounds' spread of a bar of the
//      ramp is measured again, with as many rounds once more, before it is scored. A
//      candidate whose FLOP or byte rate is beyond what the machine's measured limits allow
//      (probes in grade_baselines, run again at that moment) scores 0 and is flagged.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "calibration.hpp"
#include "rubric.hpp"
#include "scoring.hpp"
#include "timed_runs.hpp"

namespace accel::grader {

// The machine's limits, measured by grade_baselines' probes.
struct MachineLimits {
  double flops_per_second = 0;            // the widest vectors' FMA peak
  double narrowest_flops_per_second = 0;  // the narrowest vectors' (AVX2 where AVX-512 is built)
  std::string narrowest_probe;            // its probe, "machine/fma_peak/256"
  double bytes_per_second = 0;            // L1 read
};

class SpeedLab {
 public:
  // `calibration`: the grading machine's reference figures, used where the reference's
  // bench is not in the bin directory.
  explicit SpeedLab(SpeedOptions options, std::optional<Calibration> calibration = std::nullopt);

  // Measured on first use; throws std::runtime_error when the probes cannot run (the
  // grader's own binaries are broken).
  const MachineLimits& limits();

  // Runs the probes again and keeps, per probe, the best rate seen so far. The host's
  // clock changes by up to 1.5x from one minute to the next (the course's Xeon: its 512-bit
  // probe at 96 to 140 GFLOP/s), so nothing is flagged implausible against limits measured
  // minutes earlier until they have been measured again: limits from a slow minute must
  // not fail an honest kernel timed in a fast one.
  const MachineLimits& remeasure_limits();

  // Grades one check of a stage; `threads_allowed` when the stage may use threads.
  CheckResult measure(const Stage& stage, const SpeedCheck& check, bool threads_allowed);

  // Grades a stage's measurement checks (stage 06: the student's roofs against the
  // grader's, and a prediction from them); measures.cpp.
  std::vector<CheckResult> measure_roofline(const Stage& stage, bool threads_allowed);

 private:
  SpeedOptions options_;
  std::optional<Calibration> calibration_;
  std::optional<MachineLimits> limits_;
  struct ProbeBest {
    double flops_per_second = 0, bytes_per_second = 0;
  };
  std::map<std::string, ProbeBest> probe_bests_;  // by probe name, over every run so far
  std::mt19937_64 random_;
};

// Times and seed names are shown to people: "6.12 ms".
std::string duration_text(double seconds);

}  // namespace accel::grader
