// Stage 06 reference — the roofline: probes for the two roofs, the model, the kernels'
// costs and the SVG picture.

#include "roofline.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#include "accel/tensor.hpp"

namespace accel::stage06 {
namespace {

using Clock = std::chrono::steady_clock;

// ---- the FMA probe -------------------------------------------------------------------
// The widest float vector this build targets, and the one operation the probe needs.
// kPeakChains: an FMA takes 4 cycles on current x86 and Arm cores and they start 2
// (x86) to 4 (Apple M) per cycle, so 8 to 16 must be in flight; AVX2 has only 16 ymm
// registers, and 12 chains plus the two operands fit without spilling.
#if defined(__AVX512F__)
using Vec = __m512;
constexpr std::size_t kLanes = 16, kPeakChains = 16;
Vec splat(float v) { return _mm512_set1_ps(v); }
Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
float first_lane(Vec v) { return _mm512_cvtss_f32(v); }
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr std::size_t kLanes = 8, kPeakChains = 12;
Vec splat(float v) { return _mm256_set1_ps(v); }
Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
float first_lane(Vec v) { return _mm256_cvtss_f32(v); }
#elif defined(__ARM_NEON)
using Vec = float32x4_t;
constexpr std::size_t kLanes = 4, kPeakChains = 16;
Vec splat(float v) { return vdupq_n_f32(v); }
Vec fma(Vec a, Vec b, Vec c) { return vfmaq_f32(c, a, b); }
float first_lane(Vec v) { return vgetq_lane_f32(v, 0); }
#else
using Vec = float;  // scalar fallback: std::fma is one instruction where the CPU has FMA
constexpr std::size_t kLanes = 1, kPeakChains = 8;
Vec splat(float v) { return v; }
Vec fma(Vec a, Vec b, Vec c) { return std::fma(a, b, c); }
float first_lane(Vec v) { return v; }
#endif

constexpr std::size_t kMaxChains = 16;
constexpr long kFmasPerRun = 1L << 21;  // vector FMAs per timed run: about 1 ms at the peak
constexpr int kRuns = 51;

// Seconds for kFmasPerRun FMAs spread over Chains independent chains. acc = acc·x + y
// converges to y / (1 − x) = 0.1: no overflow, no denormals, whatever the step count.
template <std::size_t Chains>
double chains_seconds(float& sink) {
  Vec acc[Chains];
#pragma GCC unroll 16
  for (std::size_t c = 0; c < Chains; ++c) acc[c] = splat(1.0f + 0.01f * float(c));  // distinct: no merging
  const Vec x = splat(0.999999f), y = splat(1e-7f);
  const auto start = Clock::now();
  for (long step = 0; step < kFmasPerRun / long(Chains); ++step) {
    // Unrolled so that acc stays in registers (a loop over an array would store it).
#pragma GCC unroll 16
    for (std::size_t c = 0; c < Chains; ++c) acc[c] = fma(acc[c], x, y);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
#pragma GCC unroll 16
  for (std::size_t c = 0; c < Chains; ++c) sink += first_lane(acc[c]);  // keeps every chain alive
  return seconds;
}

template <std::size_t Chains>
double chains_gflops() {
  float sink = 0.0f;
  double best = chains_seconds<Chains>(sink);
  for (int run = 1; run < kRuns; ++run) best = std::min(best, chains_seconds<Chains>(sink));
  if (sink == 42.0f) throw std::logic_error("unreachable: the chains converge to 0.1");
  const long fmas = kFmasPerRun / long(Chains) * long(Chains);
  return 2.0 * double(kLanes) * double(fmas) / best / 1e9;
}

template <std::size_t... I>
constexpr auto make_probe_table(std::index_sequence<I...>) {
  return std::array<double (*)(), sizeof...(I)>{&chains_gflops<I + 1>...};
}

// ---- the triad -----------------------------------------------------------------------

// The plain loop, compiled as written (-O3 vectorizes it). noinline: timed as a call, and
// never merged with the next repetition.
[[gnu::noinline]] void triad(float* a, const float* b, const float* c, float s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}

constexpr std::size_t kMinTriadBytes = 3 * 16 * sizeof(float);
constexpr double kBytesPerSample = 64e6;  // small footprints repeat the triad up to this much traffic
constexpr int kTriadSamples = 9;

// ---- argument checks -----------------------------------------------------------------

bool positive_finite(double v) { return std::isfinite(v) && v > 0; }

void require_roofs(const char* function, const Roofs& roofs) {
  if (!positive_finite(roofs.peak_gflops) || !positive_finite(roofs.bandwidth_gbps)) {
    std::ostringstream message;
    message << function << ": roofs must be positive and finite, got peak " << roofs.peak_gflops
            << " GFLOP/s and bandwidth " << roofs.bandwidth_gbps << " GB/s";
    throw std::invalid_argument(message.str());
  }
}

void require_intensity(const char* function, double ai) {
  if (!std::isfinite(ai) || ai < 0) {
    std::ostringstream message;
    message << function << ": arithmetic intensity must be finite and not negative, got " << ai;
    throw std::invalid_argument(message.str());
  }
}

void require_cost(const char* function, const OpCost& cost) {
  if (!std::isfinite(cost.flops) || !std::isfinite(cost.bytes) || cost.flops < 0 || cost.bytes < 0) {
    std::ostringstream message;
    message << function << ": a cost needs finite, non-negative FLOPs and bytes, got " << cost.flops << " FLOPs and "
            << cost.bytes << " bytes";
    throw std::invalid_argument(message.str());
  }
}

}  // namespace

double fma_gflops(std::size_t accumulators) {
  if (accumulators < 1 || accumulators > kMaxChains) {
    throw std::invalid_argument("fma_gflops: accumulators must be 1 to " + std::to_string(kMaxChains) + ", got " +
                                std::to_string(accumulators));
  }
  static constexpr auto probes = make_probe_table(std::make_index_sequence<kMaxChains>{});
  return probes[accumulators - 1]();
}

double peak_gflops() { return fma_gflops(kPeakChains); }

double stream_triad_gbps(std::size_t bytes) {
  if (bytes < kMinTriadBytes) {
    throw std::invalid_argument("stream_triad_gbps: bytes = " + std::to_string(bytes) + " is less than " +
                                std::to_string(kMinTriadBytes) + " (16 floats in each of the three arrays)");
  }
  const std::size_t n = bytes / (3 * sizeof(float));
  // Tensors are zero-filled when created: every page is mapped before the timing starts.
  Tensor a({n}), b({n}), c({n});
  std::fill(b.data(), b.data() + n, 1.0f);
  std::fill(c.data(), c.data() + n, 2.0f);
  const double bytes_per_call = 12.0 * double(n);
  const int calls = std::max(1, int(kBytesPerSample / bytes_per_call));
  triad(a.data(), b.data(), c.data(), 3.0f, n);  // warm-up: caches, TLB, clock
  double best = 0;
  for (int sample = 0; sample < kTriadSamples; ++sample) {
    const auto start = Clock::now();
    for (int call = 0; call < calls; ++call) triad(a.data(), b.data(), c.data(), 3.0f, n);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    best = sample == 0 ? seconds : std::min(best, seconds);
  }
  if (a.data()[n / 2] != 7.0f) throw std::logic_error("stream_triad_gbps: the triad computed a wrong value");
  return bytes_per_call * calls / best / 1e9;
}

double arithmetic_intensity(const OpCost& cost) {
  require_cost("arithmetic_intensity", cost);
  if (cost.bytes <= 0) {
    throw std::invalid_argument("arithmetic_intensity: an operation that moves 0 bytes has no arithmetic intensity");
  }
  return cost.flops / cost.bytes;
}

double attainable_gflops(double ai, const Roofs& roofs) {
  require_intensity("attainable_gflops", ai);
  require_roofs("attainable_gflops", roofs);
  return std::min(roofs.peak_gflops, ai * roofs.bandwidth_gbps);
}

double ridge_point(const Roofs& roofs) {
  require_roofs("ridge_point", roofs);
  return roofs.peak_gflops / roofs.bandwidth_gbps;
}

Bound classify(double ai, const Roofs& roofs) {
  require_intensity("classify", ai);
  require_roofs("classify", roofs);
  return ai < roofs.peak_gflops / roofs.bandwidth_gbps ? Bound::memory : Bound::compute;
}

double predict_seconds(const OpCost& cost, const Roofs& roofs) {
  require_cost("predict_seconds", cost);
  require_roofs("predict_seconds", roofs);
  return std::max(cost.flops / (roofs.peak_gflops * 1e9), cost.bytes / (roofs.bandwidth_gbps * 1e9));
}

// Element-wise kernels: 4 bytes for every array element read or written.
OpCost add_cost(std::size_t n) { return {double(n), 12.0 * double(n)}; }
OpCost dot_cost(std::size_t n) { return {2.0 * double(n), 8.0 * double(n)}; }
OpCost triad_cost(std::size_t n) { return {2.0 * double(n), 12.0 * double(n)}; }
// x³ (2), ·0.044715, +x, ·√(2/π), tanh (as 1), +1, ·x, ·0.5: 9 FLOPs per element.
OpCost gelu_unfused_cost(std::size_t n) { return {9.0 * double(n), 64.0 * double(n)}; }
OpCost gelu_fused_cost(std::size_t n) { return {9.0 * double(n), 8.0 * double(n)}; }

OpCost matmul_naive_cost(std::size_t n) {
  const double N = double(n);
  return {2 * N * N * N, 4 * (2 * N * N * N + N * N)};
}

OpCost matmul_tiled_cost(std::size_t n, std::size_t tile) {
  if (tile < 1 || tile > n) {
    throw std::invalid_argument("matmul_tiled_cost: tile must be 1 to n = " + std::to_string(n) + ", got " +
                                std::to_string(tile));
  }
  // (n/tile)³ block products, each loading one tile×tile block of A and one of B.
  const double N = double(n), T = double(tile);
  return {2 * N * N * N, 4 * (2 * N * N * N / T + N * N)};
}

OpCost matmul_ideal_cost(std::size_t n) {
  const double N = double(n);
  return {2 * N * N * N, 12 * N * N};
}

// ---- the picture ---------------------------------------------------------------------
namespace {

// The page and the plot area inside it, in SVG user units (y grows downwards).
constexpr double kWidth = 800, kHeight = 560;
constexpr double kLeft = 80, kRight = 770, kTop = 24, kBottom = 496;
const std::array<const char*, 6> kMemoryColours = {"#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2"};

std::string escaped(const std::string& text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

// 10^decade as a plain decimal: "0.01", "1", "1000".
std::string decade_text(int decade) {
  std::string text = decade >= 0 ? "1" : "0.";
  text.append(std::size_t(decade >= 0 ? decade : -decade - 1), '0');
  if (decade < 0) text += '1';
  return text;
}

// Whole decades [low, high] that cover every value (at least one decade wide).
std::pair<int, int> decade_range(const std::vector<double>& values) {
  const auto [min, max] = std::minmax_element(values.begin(), values.end());
  const int low = int(std::floor(std::log10(*min) + 1e-9));
  const int high = int(std::ceil(std::log10(*max) - 1e-9));
  return {low, std::max(high, low + 1)};
}

void require_positive(const std::string& what, double value) {
  if (!positive_finite(value)) {
    std::ostringstream message;
    message << "write_roofline_svg: " << what << " must be positive and finite, got " << value;
    throw std::invalid_argument(message.str());
  }
}

template <typename Item>
void require_unique_labels(const char* list, const std::vector<Item>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (items[i].label == items[j].label) {
        throw std::invalid_argument(std::string("write_roofline_svg: the label \"") + items[i].label +
                                    "\" appears twice among the " + list);
      }
    }
  }
}

// Kernel labels go right of their dot, or above, below or left of it when a dot or a label
// placed earlier is in the way (dots of similar kernels sit close together), and never
// past the page's edges.
struct LabelBox {
  double x, y, width;
  bool overlaps(const LabelBox& other) const {
    return x < other.x + other.width && other.x < x + width && std::abs(y - other.y) < 12;
  }
};

LabelBox place_label(std::vector<LabelBox>& placed, double x, double y, std::size_t characters) {
  const double width = 6.2 * double(characters);
  const std::array<LabelBox, 6> candidates{
      LabelBox{x + 8, y - 5, width},         LabelBox{x + 8, y - 19, width},         LabelBox{x + 8, y + 9, width},
      LabelBox{x - 8 - width, y - 5, width}, LabelBox{x - 8 - width, y - 19, width}, LabelBox{x - 8 - width, y + 9, width}};
  auto on_page = [](const LabelBox& box) { return box.x >= 2 && box.x + box.width <= kWidth - 2; };
  for (const LabelBox& box : candidates) {
    if (on_page(box) && std::none_of(placed.begin(), placed.end(), [&](const LabelBox& other) { return box.overlaps(other); })) {
      placed.push_back(box);
      return box;
    }
  }
  const LabelBox fallback = on_page(candidates[0]) ? candidates[0] : candidates[3];  // crowded: at least on the page
  placed.push_back(fallback);
  return fallback;
}

struct LogAxes {
  std::pair<int, int> x, y;  // decades
  double px(double intensity) const {
    return kLeft + (std::log10(intensity) - x.first) / (x.second - x.first) * (kRight - kLeft);
  }
  double py(double gflops) const {
    return kBottom - (std::log10(gflops) - y.first) / (y.second - y.first) * (kBottom - kTop);
  }
};

}  // namespace

void write_roofline_svg(const MachineRoofs& roofs, std::span<const KernelPoint> points, const std::string& path) {
  if (roofs.compute.empty() || roofs.memory.empty()) {
    throw std::invalid_argument("write_roofline_svg: needs at least one compute roof and one memory roof");
  }
  const double peak = roofs.compute.front().gflops;
  std::vector<double> xs, ys;
  for (const ComputeRoof& roof : roofs.compute) {
    require_positive("the compute roof \"" + roof.label + "\"", roof.gflops);
    if (roof.gflops > peak) {
      throw std::invalid_argument("write_roofline_svg: the compute roof \"" + roof.label +
                                  "\" is above the first one, which must be the peak");
    }
    ys.push_back(roof.gflops);
  }
  double fastest = 0;
  for (const MemoryRoof& roof : roofs.memory) {
    require_positive("the memory roof \"" + roof.label + "\"", roof.gbps);
    xs.push_back(peak / roof.gbps);
    fastest = std::max(fastest, roof.gbps);
  }
  for (const KernelPoint& point : points) {
    require_positive("the intensity of \"" + point.label + "\"", point.intensity);
    require_positive("the GFLOP/s of \"" + point.label + "\"", point.gflops);
    xs.push_back(point.intensity);
    ys.push_back(point.gflops);
  }
  require_unique_labels("compute roofs", roofs.compute);
  require_unique_labels("memory roofs", roofs.memory);
  require_unique_labels("points", std::vector<KernelPoint>(points.begin(), points.end()));

  const LogAxes axes{decade_range(xs), decade_range(ys)};
  const double x_min = std::pow(10.0, axes.x.first);
  const double y_min = std::pow(10.0, axes.y.first);
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << ' ' << kHeight << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << kRight - kLeft << "\" height=\""
      << kBottom - kTop << "\" fill=\"none\" stroke=\"black\"/>\n";
  for (int d = axes.x.first; d <= axes.x.second; ++d) {  // decade grid and tick labels
    const double x = axes.px(std::pow(10.0, d));
    svg << "<line x1=\"" << x << "\" y1=\"" << kTop << "\" x2=\"" << x << "\" y2=\"" << kBottom
        << "\" stroke=\"#ddd\"/>\n<text class=\"x-tick\" x=\"" << x << "\" y=\"" << kBottom + 18
        << "\" text-anchor=\"middle\">" << decade_text(d) << "</text>\n";
  }
  for (int d = axes.y.first; d <= axes.y.second; ++d) {
    const double y = axes.py(std::pow(10.0, d));
    svg << "<line x1=\"" << kLeft << "\" y1=\"" << y << "\" x2=\"" << kRight << "\" y2=\"" << y
        << "\" stroke=\"#ddd\"/>\n<text class=\"y-tick\" x=\"" << kLeft - 6 << "\" y=\"" << y
        << "\" text-anchor=\"end\" dominant-baseline=\"middle\">" << decade_text(d) << "</text>\n";
  }
  svg << "<text class=\"x-title\" x=\"" << (kLeft + kRight) / 2 << "\" y=\"" << kHeight - 16
      << "\" text-anchor=\"middle\">Arithmetic intensity (FLOP/byte)</text>\n"
      << "<text class=\"y-title\" transform=\"translate(18 " << (kTop + kBottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">Performance (GFLOP/s)</text>\n";

  for (const ComputeRoof& roof : roofs.compute) {  // from the fastest memory roof to the right edge
    const bool is_peak = &roof == &roofs.compute.front();
    const double x1 = axes.px(std::max(x_min, roof.gflops / fastest)), y = axes.py(roof.gflops);
    svg << "<line class=\"compute-roof\" data-label=\"" << escaped(roof.label) << "\" x1=\"" << x1 << "\" y1=\"" << y
        << "\" x2=\"" << kRight << "\" y2=\"" << y << "\" stroke=\"black\" stroke-width=\"" << (is_peak ? 2.5 : 1.5)
        << '"' << (is_peak ? "" : " stroke-dasharray=\"6 4\"") << "/>\n<text x=\"" << kRight - 4 << "\" y=\""
        << y - 5 << "\" text-anchor=\"end\">" << escaped(roof.label) << " " << std::lround(roof.gflops)
        << " GFLOP/s</text>\n";
  }
  for (std::size_t i = 0; i < roofs.memory.size(); ++i) {  // up to the ridge with the peak
    const MemoryRoof& roof = roofs.memory[i];
    const double start = std::max(x_min, y_min / roof.gbps), ridge = peak / roof.gbps;
    const double x1 = axes.px(start), y1 = axes.py(start * roof.gbps), x2 = axes.px(ridge), y2 = axes.py(peak);
    const double angle = std::atan2(y2 - y1, x2 - x1) * 180 / 3.14159265358979323846;
    const char* colour = kMemoryColours[i % kMemoryColours.size()];
    svg << "<line class=\"memory-roof\" data-label=\"" << escaped(roof.label) << "\" x1=\"" << x1 << "\" y1=\""
        << y1 << "\" x2=\"" << x2 << "\" y2=\"" << y2 << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/>\n"
        << "<text transform=\"translate(" << (x1 + x2) / 2 << ' ' << (y1 + y2) / 2 - 6 << ") rotate(" << angle
        << ")\" text-anchor=\"middle\" fill=\"" << colour << "\">" << escaped(roof.label) << " "
        << std::lround(roof.gbps) << " GB/s</text>\n";
  }
  std::vector<LabelBox> placed;
  for (const KernelPoint& point : points) placed.push_back({axes.px(point.intensity) - 6, axes.py(point.gflops) - 6, 12});
  for (const KernelPoint& point : points) {
    const double x = axes.px(point.intensity), y = axes.py(point.gflops);
    const LabelBox box = place_label(placed, x, y, point.label.size());
    svg << "<circle class=\"kernel\" data-label=\"" << escaped(point.label) << "\" cx=\"" << x << "\" cy=\"" << y
        << "\" r=\"5\" fill=\"#ff7f0e\" stroke=\"black\"/>\n<text x=\"" << box.x << "\" y=\"" << box.y + 9
        << "\" font-size=\"11\">" << escaped(point.label) << "</text>\n";
  }
  svg << "</svg>\n";

  std::ofstream file(path);
  file << svg.str();
  if (!file.flush()) throw std::runtime_error("write_roofline_svg: cannot write " + path);
}

}  // namespace accel::stage06
