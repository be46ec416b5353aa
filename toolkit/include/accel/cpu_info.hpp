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

// The last-level cache a kernel can count on, in bytes: the L3 the C library reports, at
// most 32 MiB (and 32 MiB when it reports none). A VM may report 508 MiB for a 32 MiB cache,
// and one core's share of a big shared L3 is smaller still. For kernels that decide whether
// their data stays in cache (streaming stores pay only past it) and for demos that size a
// case past the caches. No file read and no allocation (glibc read CPUID once, at start-up):
// safe inside a timed call, and in a stage library under the grader's rules.
std::size_t last_cache_bytes();

// The cores this process may run on: the CPUs of its affinity mask on Linux (a grader or a
// container may give it fewer than the machine has), std::thread::hardware_concurrency()
// elsewhere; at least 1. One system call, no allocation: what a multicore kernel is timed on.
unsigned usable_cores();

// A few lines for the top of a demo or grade: CPU, ISA, caches, build. Programs that
// link BLAS add accel::describe_blas() (accel/blas_info.hpp).
std::string describe_machine();

// Which SIMD branch of the stages' intrinsics code the including translation unit takes:
// stage code has an AVX2+FMA, a NEON and a scalar branch, and an AVX-512 build takes the
// AVX2+FMA one. Stage code is built with the same flags as the toolkit.
constexpr const char* simd_path() {
#if defined(__AVX2__) && defined(__FMA__)
  return "AVX2+FMA";
#elif defined(__ARM_NEON)
  return "NEON";
#else
  return "scalar";
#endif
}

// The widest vectors the including translation unit was compiled for: what the compiler
// may vectorize loops with, and the branch a kernel with an AVX-512 branch takes (stage
// 05's micro-kernel, stage 04's GELU).
constexpr const char* vector_isa() {
#if defined(__AVX512F__)
  return "AVX-512";
#else
  return simd_path();
#endif
}

}  // namespace accel
