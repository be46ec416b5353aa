#pragma once
// BLIS beside OpenBLAS: the framework whose five loops stage 05 teaches, as a second
// yardstick for a packed GEMM. A library of its own (accel::blis), linked only by the
// programs that compare with it (stage 05's bench and demo), never by a stage library;
// BLIS's header stays inside it, since it ships a cblas.h of its own beside OpenBLAS's.
// Built where BLIS is installed (Debian: libblis-serial-dev, a one-thread BLIS).

#include <cstddef>
#include <string>

namespace accel {

// C = A·B, row-major, A M×K, B K×N, C M×N overwritten, by BLIS on one thread.
void blis_sgemm(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// The kernels BLIS chose for this CPU ("zen3", "skx", "haswell", ...): its configuration,
// picked at run time (BLIS_ARCH_TYPE=haswell forces one).
std::string blis_kernels();

}  // namespace accel
