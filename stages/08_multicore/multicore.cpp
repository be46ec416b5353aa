// Stage 08 — every core. Replace each ACCEL_TODO with your implementation; the contract of
// every function is in multicore.hpp, the lesson in README.md.
//
// Write parallel_for first: every other task splits its work with it. matmul_parallel starts
// from your stage 05 matmul_packed (copy it here: stages never link each other) and splits
// its third loop, C's rows, over the threads.

#include "multicore.hpp"

#include <algorithm>
#include <barrier>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "accel/cache_model.hpp"
#include "accel/cpu_info.hpp"
#include "accel/todo.hpp"

namespace accel::stage08 {

void parallel_for(std::size_t begin, std::size_t end, unsigned threads,
                  const std::function<void(std::size_t first, std::size_t last)>& body) {
  ACCEL_TODO();
}

void add_parallel(const float* a, const float* b, float* c, std::size_t n, unsigned threads) {
  ACCEL_TODO();
}

void gelu_parallel(const float* x, float* out, std::size_t n, unsigned threads) {
  ACCEL_TODO();
}

void matmul_parallel(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K,
                     unsigned threads) {
  ACCEL_TODO();
}

float sum_adjacent_counters(const float* x, std::size_t n, unsigned threads) {
  ACCEL_TODO();
}

float sum_parallel(const float* x, std::size_t n, unsigned threads) {
  ACCEL_TODO();
}

double amdahl_speedup(double serial_fraction, unsigned p) {
  ACCEL_TODO();
}

double serial_fraction(double t1, double tp, unsigned p) {
  ACCEL_TODO();
}

}  // namespace accel::stage08
