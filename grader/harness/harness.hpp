#pragma once
// The main() of the grader's timed programs: grade_baselines (the grader's own kernels and
// the machine probes) and each stage's stageNN_grade_bench (the student's kernels). One run
// times one case with Google Benchmark:
//
//   <bench> --case student/matmul_ikj/512 --seed 7 --iterations 40 --report FILE --dump FILE
//   <bench> --case ... --min-time 0.02 ...    (a short calibration run: GB picks the count)
//   <bench> --list                            (the cases this program can time)
//
// Every call of the timed loop first prepares that call's inputs (Workload::prepare), then
// calls the kernel; a first, untimed call warms the caches and turns a TODO stub into a
// skipped case. --report receives Google Benchmark's JSON, --dump the output of the last
// call: the grader passes pipes for both and reads them while the program runs, so nothing
// the program does at exit can rewrite them.

#include <span>
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

int harness_main(int argc, char** argv, std::span<const RunnerEntry> runners, std::span<const Probe> probes = {});

// The runner of every matmul kernel with the course's pointer signature.
template <MatmulKernel Kernel>
void run_matmul(Workload& workload) {
  MatmulWorkload& w = as<MatmulWorkload>(workload);
  Kernel(w.a.data(), w.b.data(), w.c.data(), w.m(), w.n(), w.k());
}

}  // namespace accel::grade
