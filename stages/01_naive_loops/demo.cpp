// Stage 01 demo: the scaling table of the textbook loop order (ijk) against the
// interchanged one (ikj), and the element-wise baselines, measured live.

#include <cstdio>
#include <iostream>
#include <vector>

#include "accel/cpu_info.hpp"
#include "accel/profiler.hpp"
#include "accel/table.hpp"
#include "accel/todo.hpp"
#include "naive_loops.hpp"

using namespace accel;

int main() try {
  std::cout << "Stage 01 — naive loops\n" << describe_machine() << '\n';
  const Profiler profiler;

  std::cout << "C = A·B for N×N float32 matrices (median of timed runs)\n";
  Table matmul_table({"N", "ijk ms", "ijk GFLOP/s", "ikj ms", "ikj GFLOP/s", "ikj GB/s", "ikj speedup"});
  // ijk's next size costs 8× the FLOPs, and more than that once B's column walk falls out
  // of a cache level (at N = 1024 each step of it is a new 4 KiB page): a row of ijk is run
  // only if 16× the last one, times the row's calls, stays under the budget.
  constexpr double kIjkBudgetMs = 1500;
  const auto calls = [](std::size_t n) { return n <= 256 ? 10 : 3; };  // timed, after one untimed
  bool run_ijk = true;
  for (std::size_t n : {64, 128, 256, 512, 1024}) {
    const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
    Tensor c({n, n});
    const OpCost cost = matmul_cost(n, n, n);
    const int iterations = calls(n);
    const double ikj_ms = profiler.measure_latency(
        [&] { stage01::matmul_ikj(a.data(), b.data(), c.data(), n, n, n); }, 1, iterations);
    std::string ijk_ms = "-", ijk_rate = "-", speedup = "-";
    if (run_ijk) {
      const double ms = profiler.measure_latency(
          [&] { stage01::matmul_ijk(a.data(), b.data(), c.data(), n, n, n); }, 1, iterations);
      ijk_ms = fixed(ms, 2);
      ijk_rate = fixed(gflops_per_second(cost.flops, ms), 2);
      speedup = fixed(ms / ikj_ms, 1) + "x";
      run_ijk = ms * 16 * (calls(2 * n) + 1) < kIjkBudgetMs;
    }
    matmul_table.add_row({std::to_string(n), ijk_ms, ijk_rate, fixed(ikj_ms, 2),
                          fixed(gflops_per_second(cost.flops, ikj_ms), 2),
                          fixed(gigabytes_per_second(cost.bytes, ikj_ms), 2), speedup});
  }
  matmul_table.print(std::cout);
  std::cout << "GB/s counts compulsory traffic only (A, B and C once): matmul is compute-bound,\n"
               "so this column stays far below what memory can deliver.\n\n";

  std::cout << "Element-wise baselines over n floats (memory-bound: 1 FLOP per 8-12 bytes)\n";
  Table elementwise_table({"n", "add KiB", "add us", "add GB/s", "relu us", "relu GB/s"});
  for (std::size_t n : {std::size_t{4'096}, std::size_t{262'144}, std::size_t{16'777'216}}) {
    const Tensor a = Tensor::random({n}, 3), b = Tensor::random({n}, 4);
    Tensor out({n});
    const int iterations = n > 1'000'000 ? 10 : 200;
    const double add_ms = profiler.measure_latency([&] { stage01::add(a.span(), b.span(), out.span()); }, 2, iterations);
    const double relu_ms = profiler.measure_latency([&] { stage01::relu(a.span(), out.span()); }, 2, iterations);
    elementwise_table.add_row({std::to_string(n), std::to_string(3 * n * sizeof(float) / 1024), fixed(add_ms * 1e3, 1),
                               fixed(gigabytes_per_second(elementwise_cost(n, 1, 2, 1).bytes, add_ms), 1),
                               fixed(relu_ms * 1e3, 1),
                               fixed(gigabytes_per_second(elementwise_cost(n, 1, 1, 1).bytes, relu_ms), 1)});
  }
  elementwise_table.print(std::cout);
  std::cout << "GB/s drops as the working set leaves L1, L2 and L3: the memory roof of stage 06.\n";
  return 0;
} catch (const NotImplemented& todo) {
  std::cerr << todo.what() << '\n';
  return 1;
}
