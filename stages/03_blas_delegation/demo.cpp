// Stage 03 demo: the seed course's scaling table measured here — naive loops against BLAS,
// on one thread and on all of them, as GFLOP/s and as a fraction of this machine's peak —
// and the thread-scaling experiment. Runs in well under a minute.
//
// The ijk and ikj columns are local baselines (the two loop orders of stage 01, rewritten
// here so this demo does not depend on another stage's code).

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "accel/blas_info.hpp"
#include "accel/cpu_info.hpp"
#include "accel/lesson.hpp"
#include "accel/profiler.hpp"
#include "accel/table.hpp"
#include "accel/todo.hpp"
#include "blas_delegation.hpp"

using namespace accel;

namespace {

std::string percent(double part, double whole) { return fixed(100 * part / whole, 0) + " %"; }

}  // namespace

int main() try {
  std::cout << "Stage 03 — BLAS delegation\n" << describe_machine() << describe_blas() << '\n';
  const unsigned cores = std::max(1u, cpu_info().logical_cores);
  const std::vector<lesson::Peak> peaks_1 = lesson::fma_peaks(1), peaks_all = lesson::fma_peaks(cores);
  const double peak_1 = peaks_1.front().gflops, peak_all = peaks_all.front().gflops;
  std::cout << "Measured FMA peak (" << peaks_1.front().width << " FMAs, the widest this build has, best of 15 runs): "
            << fixed(peak_1, 1) << " GFLOP/s on 1 core, " << fixed(peak_all, 1) << " GFLOP/s on " << cores
            << " cores together.\n\n";

  std::cout << "C = A·B for N×N float32 matrices: median time, GFLOP/s (2·N³ FLOP per call) and the\n"
               "fraction of the measured peak (1-core peak for 1 thread, all-core peak for "
            << cores << " threads).\n"
            << "ijk and ikj are local baselines; ijk stops once one call would take over a second,\n"
               "and a call that takes over a second is timed once.\n";
  Table scaling({"N", "kernel", "ms", "GFLOP/s", "of peak", "vs ikj"});
  bool run_ijk = true;
  for (std::size_t n : {64, 128, 256, 512, 1024, 2048}) {
    const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
    Tensor c({n, n});
    const double flops = matmul_cost(n, n, n).flops;
    const double ikj_ms = lesson::median_ms([&] { lesson::matmul_ikj(a.data(), b.data(), c.data(), n); });
    const auto row = [&](const std::string& kernel, double ms, double peak) {
      scaling.add_row({std::to_string(n), kernel, fixed(ms, ms < 10 ? 3 : 1), fixed(gflops_per_second(flops, ms), 1),
                       percent(gflops_per_second(flops, ms), peak), fixed(ikj_ms / ms, 1) + "x"});
    };
    if (run_ijk) {
      const double ms = lesson::median_ms([&] { lesson::matmul_ijk(a.data(), b.data(), c.data(), n); });
      row("ijk (baseline)", ms, peak_1);
      run_ijk = ms * 8 < 1000;  // the next size costs 8x the FLOPs
    }
    row("ikj (baseline)", ikj_ms, peak_1);
    stage03::set_blas_threads(1);
    row("BLAS, 1 thread", lesson::median_ms([&] { c = stage03::matmul_blas(a, b); }), peak_1);
    stage03::set_blas_threads(cores);
    row("BLAS, " + std::to_string(cores) + " threads", lesson::median_ms([&] { c = stage03::matmul_blas(a, b); }),
        peak_all);
  }
  scaling.print(std::cout);

  std::cout << "\nThread scaling of matmul_blas (threads past " << cores
            << " share the cores: oversubscription)\n";
  Table threads_table({"N", "threads", "ms", "GFLOP/s", "speedup vs 1 thread"});
  for (std::size_t n : {128, 512, 2048}) {
    const Tensor a = Tensor::random({n, n}, 3), b = Tensor::random({n, n}, 4);
    Tensor c({n, n});
    double one_thread_ms = 0;
    for (unsigned threads = 1; threads <= 2 * cores; threads *= 2) {
      const std::size_t reported = stage03::set_blas_threads(threads);
      const double ms = lesson::median_ms([&] { c = stage03::matmul_blas(a, b); });
      if (threads == 1) one_thread_ms = ms;
      threads_table.add_row({std::to_string(n),
                             std::to_string(threads) + (reported == threads ? "" : " (library: " +
                                                                                      std::to_string(reported) + ")"),
                             fixed(ms, 2), fixed(gflops_per_second(matmul_cost(n, n, n).flops, ms), 1),
                             fixed(one_thread_ms / ms, 2) + "x"});
    }
  }
  stage03::set_blas_threads(cores);
  threads_table.print(std::cout);
  std::cout << "A second thread helps once each has enough work to amortize splitting it; past the\n"
               "core count, threads only take turns.\n";
  return 0;
} catch (const NotImplemented& todo) {
  std::cerr << todo.what() << '\n';
  return 1;
}
