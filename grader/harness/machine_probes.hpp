#pragma once
// The machine's limits, measured by the grader's own code in a process that runs no
// student code: a rate above them (with a margin) cannot have been measured honestly.
//   machine/fma_peak/<bits>  FLOPS counter: independent FMA chains in vectors of that width
//   machine/l1_read/<bits>   bytes_per_second: a vector sum over a buffer that stays in L1
// Widths: 512 and 256 where AVX-512 is built, 256 with AVX2, 128 with NEON, else scalar.
// And the grader's own measurements that stage 06's are compared with (value cases):
//   machine/triad_gbps   (bytes)  STREAM triad, best of 9 runs, 12 bytes per element
//   machine/add_seconds  (n)      median seconds of one out = a + b over n floats

#include <span>

#include "harness.hpp"

namespace accel::grade {

std::span<const Probe> machine_probes();
std::span<const ValueEntry> machine_values();

}  // namespace accel::grade
