#pragma once
// The main() of the grader's timed programs: grade_baselines (the grader's own kernels and
// the machine probes) and each stage's stageNN_grade_bench (the student's kernels). One run
// times one case with Google Benchmark:
//
//   <bench> --case student/matmul_ikj/512 --seed 7 --iterations 40 --report-fd 3 --dump-fd 4
//   <bench> --case ... --min-time 0.02 ...    (a short calibration run: GB picks the count)
//   <bench> --case student/stream_triad_gbps --args 1048576 --dump-fd 4   (a value case)
//   <bench> --list                            (the cases this program can time)
//
// Every timed call gets its own inputs (Workload::prepare) and an output filled with NaN,
// both outside the clock: the time is the kernel's alone, and the kernel must write every
// element of its output in every call. (A calibration run, without --iterations, times the
// preparation too, so that it ends after --min-time of wall time even for a kernel that
// returns at once.) Two untimed calls come first: they pay the one-time
// costs (page faults, a kernel's first allocation) and turn a TODO stub into a skipped
// case. --report receives Google Benchmark's JSON (its real time is the timed calls' mean;
// the counter untimed_seconds is what preparing them took), --dump the output of the last
// call: the grader passes pipes for both and reads them while the program runs, so nothing
// the program does at exit can rewrite them, and the program opens no file to write them.

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "accel/bench.hpp"
#include "workloads.hpp"

namespace accel::grade {

using Runner = void (*)(Workload&);

struct RunnerEntry {
  std::string_view case_name;  // a name from the catalog (workloads.cpp)
  Kind kind;                   // the workload kind the runner casts to; checked against the catalog
  Runner run;
};

// A benchmark the grader reads for its counters, not its output: the machine's limits.
struct Probe {
  std::string_view name;  // "machine/fma_peak"
  void (*run)(benchmark::State&);
};

// A function whose returned value the grader checks, rather than its speed: the roofline
// stage's measuring functions and model, and the grader's own measurements they are
// compared with. Called once with the --args numbers; the dump holds two floats: the
// value, and the call's wall time by the harness's clock (a measurement that took no
// time did not measure).
struct ValueEntry {
  std::string_view name;  // "student/peak_gflops"
  double (*run)(std::span<const double> args);
};

// args[i] of a value case; std::invalid_argument when the grader passed fewer.
inline double argument(std::span<const double> args, std::size_t i) {
  if (i >= args.size()) throw std::invalid_argument("a value case got " + std::to_string(args.size()) + " arguments");
  return args[i];
}

int harness_main(int argc, char** argv, std::span<const RunnerEntry> runners, std::span<const Probe> probes = {},
                 std::span<const ValueEntry> values = {});

// The runner of every matmul kernel with the course's pointer signature.
template <MatmulKernel Kernel>
void run_matmul(Workload& workload) {
  MatmulWorkload& w = as<MatmulWorkload>(workload);
  Kernel(w.a.data(), w.b.data(), w.c.data(), w.m(), w.n(), w.k());
}

}  // namespace accel::grade
