// The grader's speed cases for stage 01: its own ijk matmul against the student's ikj.
// Case names are what rubric.json refers to.

#include <benchmark/benchmark.h>

#include "accel/bench.hpp"
#include "baselines.hpp"
#include "naive_loops.hpp"

BENCHMARK(accel::square_matmul<accel::baselines::matmul_ijk>)->Name("baseline/matmul_ijk")->Arg(512)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(accel::square_matmul<accel::stage01::matmul_ikj>)->Name("student/matmul_ikj")->Arg(512)
    ->Unit(benchmark::kMillisecond);
