// Stage 06 — the roofline. Replace each ACCEL_TODO with your implementation;
// the contract of every function is in roofline.hpp, the lesson in README.md.

#include "roofline.hpp"

#include <chrono>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#include "accel/todo.hpp"

namespace accel::stage06 {

// Task 1. Write the chains for the widest vectors your build targets: __m512 and
// _mm512_fmadd_ps with AVX-512, __m256 and _mm256_fmadd_ps with AVX2+FMA, float32x4_t and
// vfmaq_f32 with NEON, std::fma otherwise.
double fma_gflops([[maybe_unused]] std::size_t accumulators) {
  ACCEL_TODO("06", "fma_gflops");
}

double peak_gflops() {
  ACCEL_TODO("06", "peak_gflops");
}

// Task 2.
double stream_triad_gbps([[maybe_unused]] std::size_t bytes) {
  ACCEL_TODO("06", "stream_triad_gbps");
}

// Task 3.
double arithmetic_intensity([[maybe_unused]] const OpCost& cost) {
  ACCEL_TODO("06", "arithmetic_intensity");
}

double attainable_gflops([[maybe_unused]] double ai, [[maybe_unused]] const Roofs& roofs) {
  ACCEL_TODO("06", "attainable_gflops");
}

double ridge_point([[maybe_unused]] const Roofs& roofs) {
  ACCEL_TODO("06", "ridge_point");
}

Bound classify([[maybe_unused]] double ai, [[maybe_unused]] const Roofs& roofs) {
  ACCEL_TODO("06", "classify");
}

double predict_seconds([[maybe_unused]] const OpCost& cost, [[maybe_unused]] const Roofs& roofs) {
  ACCEL_TODO("06", "predict_seconds");
}

// Task 4.
OpCost add_cost([[maybe_unused]] std::size_t n) {
  ACCEL_TODO("06", "add_cost");
}

OpCost dot_cost([[maybe_unused]] std::size_t n) {
  ACCEL_TODO("06", "dot_cost");
}

OpCost triad_cost([[maybe_unused]] std::size_t n) {
  ACCEL_TODO("06", "triad_cost");
}

OpCost gelu_unfused_cost([[maybe_unused]] std::size_t n) {
  ACCEL_TODO("06", "gelu_unfused_cost");
}

OpCost gelu_fused_cost([[maybe_unused]] std::size_t n) {
  ACCEL_TODO("06", "gelu_fused_cost");
}

OpCost matmul_naive_cost([[maybe_unused]] std::size_t n) {
  ACCEL_TODO("06", "matmul_naive_cost");
}

OpCost matmul_tiled_cost([[maybe_unused]] std::size_t n, [[maybe_unused]] std::size_t tile) {
  ACCEL_TODO("06", "matmul_tiled_cost");
}

OpCost matmul_ideal_cost([[maybe_unused]] std::size_t n) {
  ACCEL_TODO("06", "matmul_ideal_cost");
}

// Task 5.
void write_roofline_svg([[maybe_unused]] const MachineRoofs& roofs, [[maybe_unused]] std::span<const KernelPoint> points,
                        [[maybe_unused]] const std::string& path) {
  ACCEL_TODO("06", "write_roofline_svg");
}

}  // namespace accel::stage06
