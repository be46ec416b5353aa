#pragma once
// Facts about the machine a demo, bench or grade runs on, so every printed figure says
// where it was measured: CPU, instruction sets, caches, and how this code was built.

#include <cstddef>
#include <string>

namespace accel {

struct CpuInfo {
  std::string model;
  std::string arch;            // "x86_64", "aarch64", ...
  bool sse42 = false, avx2 = false, fma = false, avx512f = false, neon = false;  // what the CPU supports
  unsigned logical_cores = 0;
  std::size_t l1d_bytes = 0, l2_bytes = 0, l3_bytes = 0;  // per core for L1/L2; 0 when unknown
  unsigned l1d_ways = 0, l2_ways = 0;  // associativity (lines per set); 0 when unknown
  std::size_t cache_line_bytes = 0;    // of the L1d; 0 when unknown
  std::string compiler;        // "GCC 12.2.0"
  std::string compile_flags;   // "-O3 -DNDEBUG -march=native"
};

// Read once, then cached.
const CpuInfo& cpu_info();

// A few lines for the top of a demo or grade: CPU, ISA, caches, build. Programs that
// link BLAS add accel::describe_blas() (accel/blas_info.hpp).
std::string describe_machine();

// Which SIMD code path the including translation unit was compiled for. Stage code is
// built with the same flags as the toolkit, so this is the path its intrinsics took.
constexpr const char* simd_path() {
#if defined(__AVX2__) && defined(__FMA__)
  return "AVX2+FMA";
#elif defined(__ARM_NEON)
  return "NEON";
#else
  return "scalar";
#endif
}

}  // namespace accel
