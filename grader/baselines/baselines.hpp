#pragma once
// Grader-owned baseline kernels. Speed is graded as the ratio of one of these to the
// student's kernel, measured in the same run on the same machine, so the grade does not
// depend on how fast the student's laptop is. They are compiled with the course's flags.

#include <cstddef>

namespace accel::baselines {

// The textbook i-j-k triple loop, C = A·B, row-major, C overwritten.
void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// The i-k-j loop order, C = A·B, row-major, C overwritten: the inner loop walks rows of B
// and C with stride 1, which the compiler vectorizes under -O3 (8-wide FMAs with AVX2).
void matmul_ikj(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// A fully connected layer written the obvious way: y = x·Wᵀ + b, one dot product of a row
// of x (batch × in) with a row of W (out × in) per output, starting from the bias.
// y is batch × out, row-major, overwritten.
void linear_naive(const float* x, const float* W, const float* bias, float* y, std::size_t batch, std::size_t in,
                  std::size_t out);

// Stage 05. out (cols × rows) = inᵀ (rows × cols), one row of in at a time: the reads
// are sequential, the writes walk a column of out, a cache line per element.
void transpose_naive(const float* in, float* out, std::size_t rows, std::size_t cols);

// Σ a[i]·b[i] added strictly left to right into one float. Without -ffast-math the
// compiler may not reorder the sum: it may vectorize the multiplications, but the
// additions stay one lane at a time, each waiting for the previous one.
float dot_strict(const float* a, const float* b, std::size_t n);

// Stage 04. The GELU of the seed course in seven passes (x³, ·0.044715, +x, ·√(2/π), tanh,
// +1, then 0.5·x·(…) into out), each through a temporary array of n floats: 64 bytes of
// traffic per element. Every pass is vector code, the tanh a vectorizable polynomial one,
// so that against a fused SIMD GELU the difference is the fusion (the memory tax), not the
// vectorization. The six temporaries are kept from call to call: NumPy allocates fresh
// ones, but what a fresh allocation costs depends on the machine (a VM may take 11 us to
// fault in a page), and the grade measures the fusion. Stage 04's lesson shows that tax.
void gelu_unfused_vectorized(const float* x, float* out, std::size_t n);

// Stage 04. The same formula and the same std::tanh in one scalar pass: what the
// student's SIMD GELU is compared with.
void gelu_fused_scalar(const float* x, float* out, std::size_t n);

// Stage 07. A transformer MLP block, y = GELU(x·W1ᵀ + b1)·W2ᵀ + b2, as a first attempt
// writes it: linear_naive, gelu_fused_scalar over a hidden array (kept between calls), then
// linear_naive again. x batch × d_model, W1 d_ff × d_model, W2 d_model × d_ff.
void mlp_naive(const float* x, const float* W1, const float* b1, const float* W2, const float* b2, float* y,
               std::size_t batch, std::size_t d_model, std::size_t d_ff);

// Stage 08: the grader's multicore kernels, on `threads` threads with the static partition
// the stage teaches (thread i takes [i·n/t, (i+1)·n/t)), written as plainly as the loops above.

// The memory's roof on all cores for a kernel that reads two arrays and writes one
// (stage 06's triad, c[i] = a[i] + 3·b[i]): what add_parallel's bandwidth is judged against.
void triad_parallel(const float* a, const float* b, float* c, std::size_t n, unsigned threads);

// The roof for one array read and one written (out[i] = 0.5·x[i]): gelu_parallel's.
void scale_parallel(const float* x, float* out, std::size_t n, unsigned threads);

// Σ x[i] with each thread's counter beside the others' in one array, updated by every add:
// the cores take turns owning the counters' cache line (false sharing).
float sum_false_sharing(const float* x, std::size_t n, unsigned threads);

}  // namespace accel::baselines
