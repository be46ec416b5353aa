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
double fma_gflops(std::size_t accumulators) {
  ACCEL_TODO();
}

double peak_gflops() {
  ACCEL_TODO();
}

// Task 2.
double stream_triad_gbps(std::size_t bytes) {
  ACCEL_TODO();
}

// Task 3.
double arithmetic_intensity(const OpCost& cost) {
  ACCEL_TODO();
}

double attainable_gflops(double ai, const Roofs& roofs) {
  ACCEL_TODO();
}

double ridge_point(const Roofs& roofs) {
  ACCEL_TODO();
}

Bound classify(double ai, const Roofs& roofs) {
  ACCEL_TODO();
}

double predict_seconds(const OpCost& cost, const Roofs& roofs) {
  ACCEL_TODO();
}

// Task 4.
OpCost add_cost(std::size_t n) {
  ACCEL_TODO();
}

OpCost dot_cost(std::size_t n) {
  ACCEL_TODO();
}

OpCost triad_cost(std::size_t n) {
  ACCEL_TODO();
}

OpCost gelu_unfused_cost(std::size_t n) {
  ACCEL_TODO();
}

OpCost gelu_fused_cost(std::size_t n) {
  ACCEL_TODO();
}

OpCost matmul_naive_cost(std::size_t n) {
  ACCEL_TODO();
}

OpCost matmul_tiled_cost(std::size_t n, std::size_t tile) {
  ACCEL_TODO();
}

OpCost matmul_ideal_cost(std::size_t n) {
  ACCEL_TODO();
}

// Task 5.
void write_roofline_svg(const MachineRoofs& roofs, std::span<const KernelPoint> points, const std::string& path) {
  ACCEL_TODO();
}

}  // namespace accel::stage06
