// Stage 04 benchmarks: filled in by a later commit.
#include <benchmark/benchmark.h>
