#include "baselines.hpp"

#include <algorithm>
#include <bit>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include "accel/blend.hpp"

namespace accel::baselines {

void matmul_ijk(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < K; ++k) sum += A[i * K + k] * B[k * N + j];
      C[i * N + j] = sum;
    }
  }
}

void matmul_ikj(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  for (std::size_t i = 0; i < M; ++i) {
    float* c_row = C + i * N;
    for (std::size_t j = 0; j < N; ++j) c_row[j] = 0.0f;
    for (std::size_t k = 0; k < K; ++k) {
      const float a_ik = A[i * K + k];
      const float* b_row = B + k * N;
      for (std::size_t j = 0; j < N; ++j) c_row[j] += a_ik * b_row[j];
    }
  }
}

void linear_naive(const float* x, const float* W, const float* bias, float* y, std::size_t batch, std::size_t in,
                  std::size_t out) {
  for (std::size_t r = 0; r < batch; ++r) {
    for (std::size_t o = 0; o < out; ++o) {
      float sum = bias[o];
      for (std::size_t i = 0; i < in; ++i) sum += x[r * in + i] * W[o * in + i];
      y[r * out + o] = sum;
    }
  }
}

void transpose_naive(const float* in, float* out, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) out[c * rows + r] = in[r * cols + c];
  }
}

float dot_strict(const float* a, const float* b, std::size_t n) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

namespace {
constexpr float kGeluSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluCubic = 0.044715f;

// 0.5·x·(1 + t), with 0 where 1 + t is 0 so that -inf gives 0 rather than NaN.
float gelu_from_one_plus(float x, float one_plus) {
  return accel::blend(one_plus == 0.0f, 0.0f, 0.5f * x * one_plus);  // a blend: vector code with AVX2 too
}

// tanh(u) = 1 − 2 / (e^{2u} + 1), with e^{2u} as 2^k · p(r) (Cephes' expf polynomial):
// plain float arithmetic, rounding by the 1.5·2^23 trick, the exponent by integer shift,
// all of which the compiler turns into vector code, as a library's vector tanh would be
// (its clamp an accel::blend: a float select would keep an AVX2 build scalar).
float vector_friendly_tanh(float u) {
  const float twice = 2.0f * u;
  const float low = accel::blend(twice < -80.0f, -80.0f, twice);
  const float x = accel::blend(low > 80.0f, 80.0f, low);
  constexpr float kRound = 12582912.0f;  // 1.5·2^23: adding and subtracting it rounds to an integer
  const float k = (x * 1.44269504f + kRound) - kRound;
  const float r = (x - k * 0.693359375f) + k * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const float scale = std::bit_cast<float>((std::int32_t(k) + 127) << 23);
  return 1.0f - 2.0f / (p * scale + 1.0f);
}

// An array a baseline keeps from one call to the next, grown to n floats when it is
// smaller: allocated, and its pages touched, in the harness's untimed warm-up calls, never
// in a timed one (a first touch costs a page fault, 11 us a page in some VMs).
float* kept(std::vector<float>& array, std::size_t n) {
  if (array.size() < n) array.resize(n);
  return array.data();
}

}  // namespace

void gelu_unfused_vectorized(const float* x, float* out, std::size_t n) {
  static std::vector<float> cube_array, scaled_array, inner_array, arg_array, t_array, one_plus_array;
  float* cube = kept(cube_array, n);
  float* scaled = kept(scaled_array, n);
  float* inner = kept(inner_array, n);
  float* arg = kept(arg_array, n);
  float* t = kept(t_array, n);
  float* one_plus = kept(one_plus_array, n);
  for (std::size_t i = 0; i < n; ++i) cube[i] = x[i] * x[i] * x[i];
  for (std::size_t i = 0; i < n; ++i) scaled[i] = kGeluCubic * cube[i];
  for (std::size_t i = 0; i < n; ++i) inner[i] = x[i] + scaled[i];
  for (std::size_t i = 0; i < n; ++i) arg[i] = kGeluSqrt2OverPi * inner[i];
  for (std::size_t i = 0; i < n; ++i) t[i] = vector_friendly_tanh(arg[i]);
  for (std::size_t i = 0; i < n; ++i) one_plus[i] = 1.0f + t[i];
  for (std::size_t i = 0; i < n; ++i) out[i] = gelu_from_one_plus(x[i], one_plus[i]);
}

void gelu_fused_scalar(const float* x, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = gelu_from_one_plus(x[i], 1.0f + std::tanh(kGeluSqrt2OverPi * (x[i] + kGeluCubic * x[i] * x[i] * x[i])));
  }
}

void mlp_naive(const float* x, const float* W1, const float* b1, const float* W2, const float* b2, float* y,
               std::size_t batch, std::size_t d_model, std::size_t d_ff) {
  static std::vector<float> hidden_array, activated_array;
  float* hidden = kept(hidden_array, batch * d_ff);
  float* activated = kept(activated_array, batch * d_ff);
  linear_naive(x, W1, b1, hidden, batch, d_model, d_ff);
  gelu_fused_scalar(hidden, activated, batch * d_ff);
  linear_naive(activated, W2, b2, y, batch, d_ff, d_model);
}

namespace {

// Runs body(i, first, last) for each thread i's share of [0, n), on min(threads, n) threads.
template <typename Body>
void split(std::size_t n, unsigned threads, Body body) {
  const std::size_t team = std::min<std::size_t>(threads, n);
  auto first_of = [&](std::size_t i) { return i * (n / team) + i * (n % team) / team; };
  std::vector<std::jthread> workers;
  for (std::size_t i = 1; i < team; ++i) workers.emplace_back([&, i] { body(i, first_of(i), first_of(i + 1)); });
  if (team > 0) body(0, first_of(0), first_of(1));
}

}  // namespace

void triad_parallel(const float* a, const float* b, float* c, std::size_t n, unsigned threads) {
  split(n, threads, [=](std::size_t, std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) c[i] = a[i] + 3.0f * b[i];
  });
}

void scale_parallel(const float* x, float* out, std::size_t n, unsigned threads) {
  split(n, threads, [=](std::size_t, std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) out[i] = 0.5f * x[i];
  });
}

float sum_false_sharing(const float* x, std::size_t n, unsigned threads) {
  std::vector<float> counters(std::min<std::size_t>(threads, n), 0.0f);
  split(n, threads, [&](std::size_t t, std::size_t first, std::size_t last) {
    // A relaxed atomic load and store are plain moves, but the compiler must do each one:
    // a store per add, as the naive loop `counters[t] += x[i]` means.
    std::atomic_ref<float> counter(counters[t]);
    for (std::size_t i = first; i < last; ++i) {
      counter.store(counter.load(std::memory_order_relaxed) + x[i], std::memory_order_relaxed);
    }
  });
  float sum = 0.0f;
  for (const float counter : counters) sum += counter;
  return sum;
}

}  // namespace accel::baselines
