#pragma once
// Stage 04 — unfused vs fused GELU. Read-only: write your code in gelu_fusion.cpp.
//
// Every task computes the tanh form of GELU, the one GPT-2 and BERT use:
//   GELU(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
// and every one gives these outputs for the values a real tensor can hold
// (the tests check them; README.md explains how):
//   GELU(+inf) = +inf, GELU(-inf) = 0, GELU(NaN) = NaN,
//   and any finite x (|x| up to 1e4 and beyond) gives a finite result, never NaN.
// Accuracy: within 1e-5 + 1e-4·|ref| of the same formula evaluated in double precision.

#include <cstddef>
#include <span>

#include "accel/tensor.hpp"

namespace accel::stage04 {

// Task 1. The seven-step GELU of the seed course, every step producing a new Tensor:
//   cube = x³, scaled = 0.044715·cube, inner = x + scaled, arg = √(2/π)·inner,
//   t = tanh(arg) with std::tanh, one_plus = 1 + t, result = 0.5·x·one_plus.
// Any shape (rank 1 to 3); the result has x's shape. This is the baseline whose memory
// traffic (traffic_bytes_unfused) and allocations the stage measures, so do not fuse it.
Tensor gelu_unfused(const Tensor& x);

// Task 2. out[i] = GELU(x[i]) in one pass: the same formula with std::tanh, each element
// read once and written once, and no heap allocation (the tests count them).
// x and out must have the same length, else std::invalid_argument naming both lengths.
void gelu_fused(std::span<const float> x, std::span<float> out);

// Task 3. gelu_fused with SIMD: 8 floats per step with AVX2+FMA, 4 with NEON, and a
// vectorized tanh (or the identity 0.5·(1 + tanh(u)) = 1 / (1 + exp(-2u))) that you write:
// std::tanh has no vector form. Any length (the tail too), any alignment of x and out,
// no heap allocation, nothing written past out's end. Same length rule as gelu_fused.
void gelu_fused_simd(std::span<const float> x, std::span<float> out);

// Which branch of gelu_fused_simd this build compiled: "AVX-512", "AVX2+FMA", "NEON" or
// "scalar" (the demo prints it). Written for you; keep it in step if you add a branch.
const char* gelu_fused_simd_path();

// Task 4. The epilogue of a transformer MLP layer: out = GELU(x + bias) in one pass, with
// x a row-major matrix of x.size() / bias.size() rows and bias.size() columns, and bias
// added to every row: out[r·C + c] = GELU(x[r·C + c] + bias[c]). No heap allocation.
// std::invalid_argument (naming the lengths) when out.size() != x.size(), when
// x.size() is not a multiple of bias.size(), or when bias is empty and x is not.
// Empty x with empty bias is fine and does nothing.
void bias_gelu(std::span<const float> x, std::span<const float> bias, std::span<float> out);

// Task 5. The memory traffic, in bytes, that GELU over n float32 elements needs when every
// array an operation reads or writes costs one trip to memory (README.md, "The memory tax"):
// traffic_bytes_unfused counts the seven steps of gelu_unfused, traffic_bytes_fused the one
// pass of gelu_fused. Caches, write-allocate and zero-filling are left out on purpose.
std::size_t traffic_bytes_unfused(std::size_t n);
std::size_t traffic_bytes_fused(std::size_t n);

}  // namespace accel::stage04
