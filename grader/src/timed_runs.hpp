#pragma once
// Running the grader's timed programs (grader/harness) as children and reading what they
// send: Google Benchmark's report and the last output for a timed case, the value and its
// duration for a value case. Every check of trust that concerns one process is here: the
// report must be the library's alone, the counts must be the ones asked for, the dump must
// be whole and nothing more.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sandbox.hpp"

namespace accel::grader {

struct SpeedOptions {
  std::filesystem::path bin_dir;
  std::filesystem::path work_dir;
  std::string baseline_binary = "grade_baselines";
  int repetitions = 7;  // rounds per speed check (more where a result is close to a bar)
  double seconds_per_run = 0.2;     // timed seconds per process
  double time_limit_seconds = 600;  // per process
  std::uint64_t seed = 1;
  std::ostream* progress = nullptr;
  // The sandbox of every timed process (sandbox.hpp): no threads unless the stage measured
  // may use them; the BLAS runs on one thread, which starts none.
  SandboxRules sandbox;
};

// Rates above the machine's measured limits by more than this are implausible: the
// limits are best-of measurements of short runs on a machine whose clock varies.
inline constexpr double kPlausibilityMargin = 1.25;

// What a timed process sent and did.
struct TimedRun {
  std::string problem;      // non-empty: the run cannot be used, and why
  bool untrusted = false;   // the problem is a report or output no honest run sends
  bool broke_rule = false;  // the problem is the sandbox's: a system call the rules forbid
  double wall_seconds = 0;  // by the grader's clock
  double cpu_seconds = 0;   // by the kernel
  double seconds_per_call = 0;
  std::uint64_t calls = 0;  // timed calls, by the report
  double untimed_seconds = 0;  // preparing the timed calls' inputs, by the report
  double flops_per_second = 0, bytes_per_second = 0;
  std::uint64_t last_call = 0;  // by the dump
  std::vector<float> output;
};

// One run of `case_name` in `binary`: with `calls`, exactly that many timed calls; without,
// a calibration run (or, for a probe without output, a short best-effort run).
TimedRun run_case(const SpeedOptions& options, const std::string& binary, const std::string& case_name,
                  std::uint64_t seed, std::optional<std::uint64_t> calls, bool has_output);

// One call of a value case: `output` holds the value and the call's seconds.
TimedRun run_value(const SpeedOptions& options, const std::string& binary, const std::string& case_name,
                   const std::vector<double>& args);

// The probes the baseline program has on this machine ("machine/fma_peak/512", ...).
std::vector<std::string> probe_names(const SpeedOptions& options);

}  // namespace accel::grader
