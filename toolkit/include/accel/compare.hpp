#pragma once
// The one rule by which the course decides that a float result is right, shared by the
// tests (accel::check wraps it in GoogleTest's AssertionResult) and by the grader (which
// verifies what a timed call produced, outside the process that produced it).

#include <cmath>
#include <cstddef>
#include <optional>
#include <span>

namespace accel {

// The tanh form of GELU in double precision, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))),
// with the limits the stages' interfaces define (GELU(+inf) = +inf, GELU(-inf) = 0): what
// every GELU of the course (stages 04, 07, 08 and the grader's checks) is compared with.
inline double gelu_reference(double x) {
  if (std::isinf(x)) return x > 0 ? x : 0.0;
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
}

// The first element outside its tolerance, and how many were.
struct Mismatch {
  std::size_t index = 0;
  std::size_t count = 0;
  double expected = 0;
  float got = 0;
  double tolerance = 0;
};

// got within tolerance of expected: NaN must meet NaN, ±inf the same infinity, and a
// finite expected value a finite got within the tolerance.
inline bool within(float got, double expected, double tolerance) {
  if (std::isnan(expected)) return std::isnan(got);
  if (std::isinf(expected)) return double(got) == expected;
  return std::abs(double(got) - expected) <= tolerance;  // false for a NaN or inf got
}

// Compares got[i] with expected[i] under tolerance(i); nullopt when every element is
// within. The spans must have the same length (the caller checks and says so).
template <typename ToleranceFn>
std::optional<Mismatch> first_mismatch(std::span<const float> got, std::span<const double> expected,
                                       ToleranceFn tolerance) {
  std::optional<Mismatch> first;
  std::size_t count = 0;
  for (std::size_t i = 0; i < got.size() && i < expected.size(); ++i) {
    const double allowed = tolerance(i);
    if (within(got[i], expected[i], allowed)) continue;
    if (count++ == 0) first = Mismatch{i, 0, expected[i], got[i], allowed};
  }
  if (first) first->count = count;
  return first;
}

// γ_K = K·u / (1 − K·u) with u = 2⁻²⁴: a float dot product of length K in any order is
// within γ_K·Σ|a·b| of the exact value. (A double reference adds a few double ulps.)
inline double float_sum_bound_factor(std::size_t k) {
  const double ku = double(k) * std::ldexp(1.0, -24);
  return ku / (1.0 - ku) + 1e-12;
}

}  // namespace accel
