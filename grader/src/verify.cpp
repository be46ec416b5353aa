#include "verify.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "accel/compare.hpp"
#include "text.hpp"

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

namespace accel::grader {
namespace {

using grade::Workload;

std::vector<double> widened(const Tensor& tensor, bool absolute = false) {
  std::vector<double> values(tensor.data(), tensor.data() + tensor.size());
  if (absolute) std::ranges::for_each(values, [](double& v) { v = std::abs(v); });
  return values;
}

// The grader's BLAS runs on one thread: a pool of workers spinning after a product would
// take the core that the next timed process needs.
void use_one_blas_thread() {
#if defined(ACCEL_BLAS_OPENBLAS)
  static const bool once = (openblas_set_num_threads(1), true);
  (void)once;
#endif
}

// C = A·op(B) in double with BLAS: A rows×inner, B inner×cols (or cols×inner, transposed).
std::vector<double> product(const std::vector<double>& a, const std::vector<double>& b, std::size_t rows,
                            std::size_t cols, std::size_t inner, bool transpose_b) {
  std::vector<double> c(rows * cols, 0.0);
  if (rows == 0 || cols == 0 || inner == 0) return c;
  use_one_blas_thread();
  cblas_dgemm(CblasRowMajor, CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, int(rows), int(cols), int(inner),
              1.0, a.data(), int(inner), b.data(), int(transpose_b ? inner : cols), 0.0, c.data(), int(cols));
  return c;
}

// The expected values and their tolerances at the checked positions, in their order.
struct Expected {
  std::vector<double> values;
  std::vector<double> tolerance;
  std::size_t row_length = 0;  // for (row, col) positions; 0 for vectors
};

// Keeps the entries of whole-output arrays at the checked positions.
void gather(Expected& e, const std::vector<std::size_t>& positions) {
  std::vector<double> values, tolerance;
  for (const std::size_t i : positions) {
    values.push_back(e.values[i]);
    tolerance.push_back(e.tolerance[i]);
  }
  e.values = std::move(values);
  e.tolerance = std::move(tolerance);
}

Expected expect(Workload& workload, const std::vector<std::size_t>& positions) {
  Expected e;
  switch (workload.spec().kind) {
    case grade::Kind::matmul: {
      auto& w = grade::as<grade::MatmulWorkload>(workload);
      e.values = product(widened(w.a), widened(w.b), w.m(), w.n(), w.k(), false);
      e.tolerance = product(widened(w.a, true), widened(w.b, true), w.m(), w.n(), w.k(), false);
      for (double& t : e.tolerance) t *= float_sum_bound_factor(w.k());
      e.row_length = w.n();
      break;
    }
    case grade::Kind::linear: {
      auto& w = grade::as<grade::LinearWorkload>(workload);
      e.values = product(widened(w.x), widened(w.w), w.batch(), w.out(), w.in(), true);
      e.tolerance = product(widened(w.x, true), widened(w.w, true), w.batch(), w.out(), w.in(), true);
      for (std::size_t r = 0; r < w.batch(); ++r) {
        for (std::size_t o = 0; o < w.out(); ++o) {
          const double bias = w.bias.data()[o];
          e.values[r * w.out() + o] += bias;
          e.tolerance[r * w.out() + o] = (e.tolerance[r * w.out() + o] + std::abs(bias)) * float_sum_bound_factor(w.in() + 1);
        }
      }
      e.row_length = w.out();
      break;
    }
    case grade::Kind::mlp: {
      // The block in double, and how far a correct float block may be from it:
      //   h error  ≤ γ(D+1)·(|x|·|W1ᵀ| + |b1|)                 (a float sum of D+1 terms)
      //   g error  ≤ 1.13·(h error) + 1e-5 + 1e-4·|GELU(h)|     (GELU's slope, then its tolerance)
      //   y error  ≤ γ(F+1)·((|g| + g error)·|W2ᵀ| + |b2|) + (g error)·|W2ᵀ|
      auto& w = grade::as<grade::MlpWorkload>(workload);
      const std::size_t B = w.batch(), D = w.d_model(), F = w.d_ff();
      constexpr double kGeluSlope = 1.13;  // max |GELU'(x)|
      std::vector<double> g = product(widened(w.x), widened(w.w1), B, F, D, true);
      std::vector<double> g_error = product(widened(w.x, true), widened(w.w1, true), B, F, D, true);
      std::vector<double> g_magnitude(B * F);
      for (std::size_t i = 0; i < B * F; ++i) {
        const double b1 = w.b1.data()[i % F];
        const double h_error = (g_error[i] + std::abs(b1)) * float_sum_bound_factor(D + 1);
        g[i] = gelu_reference(g[i] + b1);
        g_error[i] = kGeluSlope * h_error + 1e-5 + 1e-4 * std::abs(g[i]);
        g_magnitude[i] = std::abs(g[i]) + g_error[i];
      }
      e.values = product(g, widened(w.w2), B, D, F, true);
      const std::vector<double> magnitude = product(g_magnitude, widened(w.w2, true), B, D, F, true);
      const std::vector<double> propagated = product(g_error, widened(w.w2, true), B, D, F, true);
      e.tolerance.resize(B * D);
      for (std::size_t i = 0; i < B * D; ++i) {
        const double b2 = w.b2.data()[i % D];
        e.values[i] += b2;
        e.tolerance[i] = (magnitude[i] + std::abs(b2)) * float_sum_bound_factor(F + 1) + propagated[i];
      }
      e.row_length = D;
      break;
    }
    case grade::Kind::dot: {
      auto& w = grade::as<grade::DotWorkload>(workload);
      double sum = 0, magnitude = 0;
      for (std::size_t i = 0; i < w.n(); ++i) {
        const double term = double(w.a.data()[i]) * double(w.b.data()[i]);
        sum += term;
        magnitude += std::abs(term);
      }
      e.values = {sum};
      e.tolerance = {magnitude * float_sum_bound_factor(w.n())};
      break;
    }
    case grade::Kind::transpose: {
      // out[c][r] = in[r][c], exactly: computed at the positions only (outputs are long).
      auto& w = grade::as<grade::TransposeWorkload>(workload);
      for (const std::size_t i : positions) e.values.push_back(w.in.data()[(i % w.rows()) * w.cols() + i / w.rows()]);
      e.tolerance.assign(e.values.size(), 0.0);
      e.row_length = w.rows();
      return e;
    }
    case grade::Kind::add: {
      // One float addition, correctly rounded: within half an ulp of the double sum.
      auto& w = grade::as<grade::AddWorkload>(workload);
      for (const std::size_t i : positions) {
        e.values.push_back(double(w.a.data()[i]) + double(w.b.data()[i]));
        e.tolerance.push_back(0x1p-24 * std::abs(e.values.back()));
      }
      return e;  // computed at the positions only
    }
    case grade::Kind::sum: {
      // Whole numbers whose partial sums are all exact in float (SumWorkload): one answer.
      auto& w = grade::as<grade::SumWorkload>(workload);
      double sum = 0;
      for (std::size_t i = 0; i < w.n(); ++i) sum += w.x.data()[i];
      e.values = {sum};
      e.tolerance = {0.0};
      break;
    }
    case grade::Kind::gelu: {
      auto& w = grade::as<grade::GeluWorkload>(workload);
      for (const std::size_t i : positions) {
        e.values.push_back(gelu_reference(w.x.data()[i]));
        e.tolerance.push_back(1e-5 + 1e-4 * std::abs(e.values.back()));
      }
      return e;  // computed at the positions only: GELU outputs can be very long
    }
  }
  gather(e, positions);
  return e;
}

constexpr std::size_t kFullCheckLimit = std::size_t{1} << 22;
constexpr std::size_t kEdge = std::size_t{1} << 16, kSamples = std::size_t{1} << 18;

// Which output positions are checked: all, or for very long outputs both ends and a
// random sample.
std::vector<std::size_t> positions_to_check(std::size_t size, std::uint64_t sample_seed) {
  std::vector<std::size_t> positions;
  if (size <= kFullCheckLimit) {
    positions.resize(size);
    for (std::size_t i = 0; i < size; ++i) positions[i] = i;
    return positions;
  }
  for (std::size_t i = 0; i < kEdge; ++i) positions.push_back(i);
  for (std::size_t i = size - kEdge; i < size; ++i) positions.push_back(i);
  std::mt19937_64 generator(sample_seed);
  std::uniform_int_distribution<std::size_t> anywhere(0, size - 1);
  for (std::size_t i = 0; i < kSamples; ++i) positions.push_back(anywhere(generator));
  std::ranges::sort(positions);
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

std::string position_text(std::size_t index, std::size_t row_length) {
  if (row_length == 0) return "index " + std::to_string(index);
  return "(" + std::to_string(index / row_length) + ", " + std::to_string(index % row_length) + ")";
}

}  // namespace

std::optional<std::string> check_output(Workload& workload, std::span<const float> got, std::uint64_t sample_seed) {
  const std::size_t size = workload.output().size();
  if (got.size() != size) {
    return "has " + std::to_string(got.size()) + " values where " + std::to_string(size) + " were expected";
  }
  const std::vector<std::size_t> positions = positions_to_check(size, sample_seed);
  const Expected e = expect(workload, positions);
  std::vector<float> got_checked;
  for (const std::size_t i : positions) got_checked.push_back(got[i]);
  const auto miss = first_mismatch(got_checked, e.values, [&](std::size_t i) { return e.tolerance[i]; });
  if (!miss) return std::nullopt;
  std::string text = "is wrong at " + position_text(positions[miss->index], e.row_length) + ": got " +
                     short_number(miss->got) + ", expected " + short_number(miss->expected);
  if (miss->count > 1) {
    text += " (and " + std::to_string(miss->count - 1) + " more of the " + std::to_string(positions.size()) +
            " values checked)";
  }
  return text;
}

}  // namespace accel::grader
