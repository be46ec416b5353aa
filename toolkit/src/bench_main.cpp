// main() for every Google Benchmark binary of the course: records where and how the
// figures were measured (CPU, SIMD path, compiler, flags) in the output's context. A bench
// that uses BLAS adds the library and its threads itself.

#include <benchmark/benchmark.h>

#include "accel/cpu_info.hpp"

int main(int argc, char** argv) {
  const accel::CpuInfo& info = accel::cpu_info();
  benchmark::AddCustomContext("cpu_model", info.model);
  benchmark::AddCustomContext("simd_path", accel::simd_path());
  benchmark::AddCustomContext("compiler", info.compiler);
  benchmark::AddCustomContext("compile_flags", info.compile_flags);
  // Debian's package prints "Library was built as DEBUG": that names how the library was
  // configured, not how this program was, and says nothing about the timings below.
  benchmark::AddCustomContext("note", "a DEBUG warning below, if any, is about Debian's build of Google Benchmark "
                                      "(its internal checks left on); the code measured here is built as above");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
