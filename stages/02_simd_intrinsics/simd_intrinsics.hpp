#pragma once
// Stage 02 — SIMD intrinsics. Read-only: write your code in simd_intrinsics.cpp.
// Each task has three paths in the source, chosen by the compiler's target macros:
//   AVX2+FMA (x86-64: 8 floats per __m256), NEON (aarch64: 4 floats per float32x4_t),
//   and a plain scalar fallback for any other target. accel::simd_path() says which one
//   this build compiled. All matrices are row-major float32.

#include <cstddef>
#include <span>

namespace accel::stage02 {

// Task 1. out[i] = a[i] + b[i] for every i, 8 lanes at a time (4 on NEON), then the tail.
// Any length (0 included) and any alignment: the spans may start anywhere, not only on
// a 32-byte boundary. out may be the very same span as a or b (in place); partial
// overlap is not allowed. All three lengths must be equal, else std::invalid_argument
// naming the lengths. IEEE semantics per element: inf + -inf is NaN, NaN propagates.
void add_simd(std::span<const float> a, std::span<const float> b, std::span<float> out);

// Task 2. Σ a[i]·b[i] with several independent vector accumulators (one accumulator
// waits on the FMA latency every step), a horizontal sum of the lanes, and the tail.
// Returns 0 for empty spans. Any alignment. The summation order is yours, so the result
// may differ from a left-to-right loop by rounding: the tests allow the error bound
// γ_n·Σ|a[i]·b[i]| that holds for every order. A NaN anywhere gives NaN; an infinite
// product gives that infinity. Lengths must be equal, else std::invalid_argument.
float dot_simd(std::span<const float> a, std::span<const float> b);

// Task 3. C = A·B with a register-blocked kernel: a block of C (a few rows by 8 or 16
// columns) lives in vector registers for the whole k loop; each step broadcasts one
// element of A per row, loads a row segment of B and issues FMAs. A is M×K, B is K×N,
// C is M×N and is overwritten (not accumulated into). Every size works, including sizes
// that are not multiples of your block (edge rows and columns) and 0. No alignment is
// assumed. NaN and inf propagate as IEEE arithmetic says (0·inf = NaN).
void matmul_simd(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

}  // namespace accel::stage02
