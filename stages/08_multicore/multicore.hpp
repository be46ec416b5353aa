#pragma once
// Stage 08 — every core: threads, scaling, and why a memory-bound kernel stops scaling.
// Read-only: write your code in multicore.cpp.
//
// The only stage whose code may start threads (std::jthread; the grader's rules allow them
// here and nowhere else). Every function takes `threads`, the number of threads to use,
// and throws std::invalid_argument naming the function when it is 0. threads = 1 runs on
// the calling thread and starts none. More threads than there is work is legal: a thread
// never gets an empty share, so no more threads start than there are items to share.
//
// Static partition, the rule every task uses: n items over t threads, thread i (0-based)
// takes [i·n/t, (i+1)·n/t), so shares differ by at most one item and thread i's share
// precedes thread i+1's.

#include <cstddef>
#include <functional>

namespace accel::stage08 {

// Task 1. Calls body(first, last) once for each thread's share of [begin, end), as the
// static partition above splits it over min(threads, end - begin) threads: one share runs on
// the calling thread, each other on a std::jthread of its own, and parallel_for returns
// once every share is done. begin == end calls nothing; begin > end is an
// std::invalid_argument naming both. An exception thrown by any share reaches the caller
// (the first one thrown, after every thread has been joined); the other shares still run.
void parallel_for(std::size_t begin, std::size_t end, unsigned threads,
                  const std::function<void(std::size_t first, std::size_t last)>& body);

// Task 2a. c[i] = a[i] + b[i] for i < n, split over `threads` by parallel_for. The pair of
// memory-bound kernels: in the caches they scale with the cores (once the threads' start,
// tens of microseconds, is paid for enough work); at DRAM sizes they stop at the memory's
// bandwidth, which one or two cores already nearly fill. c may be a or b.
void add_parallel(const float* a, const float* b, float* c, std::size_t n, unsigned threads);

// Task 2b. out[i] = GELU(x[i]) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) for i < n, in
// one pass (stage 04's fused GELU, written again here), split over `threads`. Vectorized:
// with std::tanh one core computes far more slowly than memory delivers, and the stage
// would measure the tanh, not the memory. Accurate to 1e-5 + 1e-4·|GELU(x)| against the same
// formula in double precision; GELU(+inf) = +inf, GELU(-inf) = 0, GELU(NaN) = NaN. out may
// be x.
void gelu_parallel(const float* x, float* out, std::size_t n, unsigned threads);

// Task 3. C = A·B (A M×K, B K×N, C M×N, row-major, C overwritten; K = 0 gives zeros),
// stage 05's packed GEMM with its rows split over the threads the way BLIS splits its
// third loop: each thread takes a static share of C's rows (whole MR micro-panels), packs
// its own blocks of A into its own buffer, and multiplies them by B's panel, which all the
// threads share (packed once per panel, or once per thread: README.md weighs the two).
// Accuracy as stage 05's: the componentwise GEMM bound. No allocation per call once the
// buffers have grown to a product's size.
void matmul_parallel(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K,
                     unsigned threads);

// Task 4a. The sum of x[0..n), each thread adding its share left to right into its own
// counter, the counters side by side in one array (float counters[threads]), every add
// loading and storing its counter (through a volatile float*: otherwise the compiler keeps
// the running value in a register and only stores it), on a cache line the other threads'
// counters share. The caller then adds the counters in thread order. Correct, and slow: the
// lesson measures false sharing with it.
float sum_adjacent_counters(const float* x, std::size_t n, unsigned threads);

// Task 4b. The same sum, in the same order (each share left to right in float, then the
// shares in thread order), with each thread's counter on a cache line of its own
// (alignas(64), or a local variable that is stored once at the end).
float sum_parallel(const float* x, std::size_t n, unsigned threads);

// Task 5. Amdahl's law. A program takes t1 seconds on one core; a fraction s of that is
// serial. On p cores it takes t1·(s + (1 - s)/p), a speedup of 1 / (s + (1 - s)/p).
//   amdahl_speedup(s, p): that speedup; s in [0, 1] and p >= 1, else std::invalid_argument.
//   serial_fraction(t1, tp, p): the s that explains a measured tp on p >= 2 cores, clamped
//     to [0, 1] (a measurement can be a little faster than perfect scaling, or slower than
//     one core); t1 and tp must be > 0, else std::invalid_argument.
double amdahl_speedup(double serial_fraction, unsigned p);
double serial_fraction(double t1, double tp, unsigned p);

}  // namespace accel::stage08
