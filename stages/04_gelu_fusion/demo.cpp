// Stage 04 demo: the memory tax of an unfused element-wise chain, measured live.
// Seven-pass GELU against one-pass GELU (same std::tanh) and the SIMD one-pass GELU, for
// an array that fits in cache, the seed's 2000×2000 tensor and one four times the L3:
// time, effective bandwidth, predicted traffic against the time memory alone would need,
// and the heap bytes each call allocates (counted by the toolkit's replaced operator new).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "accel/cpu_info.hpp"
#include "accel/heap_counter.hpp"
#include "accel/profiler.hpp"
#include "accel/table.hpp"
#include "accel/todo.hpp"
#include "gelu_fusion.hpp"

using namespace accel;
namespace s04 = accel::stage04;

namespace {

std::string megabytes(double bytes) {
  if (bytes == 0) return "0";
  if (bytes < 1e6) return fixed(bytes / 1e3, 1) + " kB";
  return fixed(bytes / 1e6, 1) + " MB";
}

struct Measured {
  double ms;          // median
  std::size_t heap;   // bytes allocated by one call
};

// One call counts the heap bytes and sizes the run: enough calls for a stable median
// but about half a second per kernel (at least 3 calls).
template <typename Fn>
Measured measure(const Profiler& profiler, Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  const std::size_t heap = heap_use_of(fn).bytes;
  const double first_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const int iterations = std::clamp(int(500.0 / std::max(first_ms, 1e-3)), 3, 201);
  return {profiler.measure_latency(fn, 0, iterations), heap};
}

double gelu_double(double x) {
  if (std::isinf(x)) return x > 0 ? x : 0.0;
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
}

template <typename Kernel>
double max_abs_error(Kernel kernel) {
  std::vector<float> x;
  for (int i = -40960; i <= 40960; ++i) x.push_back(float(i) / 4096.0f);
  std::vector<float> out(x.size());
  kernel(x, out);
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(double(out[i]) - gelu_double(x[i])));
  return worst;
}

void show_scalar_costs(const Profiler& profiler) {
  constexpr std::size_t n = 8192;
  const Tensor x = Tensor::random({n}, 7, -4.0f, 4.0f);
  Tensor out({n});
  float* o = out.data();
  const float* in = x.data();
  const double tanh_ms = measure(profiler, [&] { for (std::size_t i = 0; i < n; ++i) o[i] = std::tanh(in[i]); }).ms;
  const double exp_ms = measure(profiler, [&] { for (std::size_t i = 0; i < n; ++i) o[i] = std::exp(in[i]); }).ms;
  const double simd_ms = measure(profiler, [&] { s04::gelu_fused_simd(x.span(), out.span()); }).ms;
  std::cout << "What the math costs, in cache (n = " << n << ", x uniform in [-4, 4)):\n"
            << "  std::tanh alone        " << fixed(tanh_ms * 1e6 / n, 2) << " ns per element\n"
            << "  std::exp alone         " << fixed(exp_ms * 1e6 / n, 2) << " ns per element\n"
            << "  gelu_fused_simd, whole " << fixed(simd_ms * 1e6 / n, 2) << " ns per element\n\n";
  std::cout << "Accuracy against the tanh-GELU in double precision, [-10, 10] in steps of 1/4096:\n"
            << "  gelu_fused      (std::tanh)        max abs error " << max_abs_error(s04::gelu_fused) << '\n'
            << "  gelu_fused_simd (" << s04::gelu_fused_simd_path() << ")  max abs error " << max_abs_error(s04::gelu_fused_simd)
            << "\n  (the tests allow 1e-5 + 1e-4·|GELU(x)|; neighbouring floats near 10 are 9.5e-7 apart)\n\n";
}

void show_size(const Profiler& profiler, std::size_t n, const std::string& label) {
  const Tensor x = Tensor::random({n}, 1, -4.0f, 4.0f);
  Tensor out({n});
  Tensor copy_out({n});

  // The memory roof at this size: a plain copy reads n floats and writes n floats.
  const double copy_ms = measure(profiler, [&] { std::copy(x.data(), x.data() + n, copy_out.data()); }).ms;
  const double copy_gbs = gigabytes_per_second(8.0 * double(n), copy_ms);

  struct Row {
    std::string name;
    double traffic;
    Measured measured;
  };
  const double unfused_traffic = double(s04::traffic_bytes_unfused(n));
  const double fused_traffic = double(s04::traffic_bytes_fused(n));
  const std::vector<Row> rows{
      {"gelu_unfused (7 passes)", unfused_traffic, measure(profiler, [&] { const Tensor y = s04::gelu_unfused(x); })},
      {"gelu_fused (1 pass)", fused_traffic, measure(profiler, [&] { s04::gelu_fused(x.span(), out.span()); })},
      {"gelu_fused_simd", fused_traffic, measure(profiler, [&] { s04::gelu_fused_simd(x.span(), out.span()); })}};

  std::cout << "n = " << n << " floats, " << label << "; copy runs at " << fixed(copy_gbs, 1) << " GB/s here\n";
  Table table({"kernel", "ms", "ns/elem", "predicted traffic", "effective GB/s", "ms at copy speed", "share of copy",
               "heap allocated", "speedup"});
  for (const Row& row : rows) {
    const double ms = row.measured.ms, at_copy_speed_ms = row.traffic / (copy_gbs * 1e6);
    table.add_row({row.name, fixed(ms, 3), fixed(ms * 1e6 / double(n), 2), megabytes(row.traffic),
                   fixed(gigabytes_per_second(row.traffic, ms), 1), fixed(at_copy_speed_ms, 3),
                   fixed(100 * at_copy_speed_ms / ms, 0) + " %", megabytes(double(row.measured.heap)),
                   fixed(rows.front().measured.ms / ms, 1) + "x"});
  }
  table.print(std::cout);
  std::cout << '\n';
}

}  // namespace

int main() try {
  std::cout << "Stage 04 — unfused vs fused GELU\n" << describe_machine() << "Branch of gelu_fused_simd in this build: " << s04::gelu_fused_simd_path()
            << "\n\n";
  const Profiler profiler;
  show_scalar_costs(profiler);

  std::cout << "predicted traffic: 64 bytes per element for 7 passes (9 array reads + 7 writes), 8 for one pass.\n"
               "ms at copy speed: the time that traffic needs at this size's measured copy bandwidth; a kernel\n"
               "far slower than that is waiting on its arithmetic (std::tanh), not on memory. share of copy:\n"
               "the kernel's speed as a share of the copy's, its roof.\n\n";
  show_size(profiler, 8192, "32 KiB per array: every array stays in L2");
  show_size(profiler, 2000 * 2000, "the seed's 2000×2000 tensor, 16 MB per array");
  constexpr std::size_t kDramFloats = std::size_t{1} << 24;  // 64 MiB per array
  std::ostringstream dram_label;
  dram_label << "64 MiB per array, x and out together ";
  if (cpu_info().l3_bytes == 0) {
    dram_label << "past the caches: DRAM";
  } else {
    dram_label << std::fixed << std::setprecision(1)
               << double(2 * kDramFloats * sizeof(float)) / double(cpu_info().l3_bytes) << "× the L3: DRAM";
  }
  show_size(profiler, kDramFloats, dram_label.str());

  std::cout << "heap allocated: counted per call by the replaced operator new. gelu_unfused allocates seven\n"
               "n-float tensors (and zero-fills each, as accel::Tensor does); the fused kernels write into the\n"
               "caller's out and allocate nothing. speedup: against gelu_unfused at the same size.\n";
  return 0;
} catch (const accel::NotImplemented& todo) {
  std::cerr << '\n' << todo.what() << '\n';
  return 1;
}
