// Stage 08 demo: every core, measured live (about ten seconds on two cores).
//   0. the roof: DRAM bandwidth with every usable core streaming (this demo's own threads)
//   1. the memory-bound pair, add_parallel and gelu_parallel, in L2 and at DRAM size, by
//      thread count: GB/s, speedup over one thread, and the fraction of the roof; and in
//      L2 again with the threads started once for many passes
//   2. matmul_parallel at n = 1024 by thread count: GFLOP/s, speedup, efficiency, OpenBLAS
//   3. false sharing: sum_adjacent_counters against sum_parallel
//   4. the stage 07 MLP block (sgemm, gelu_parallel, sgemm) on one core and on all of them
//   5. Amdahl's law: the serial fraction each measurement implies, and what it predicts
// Thread counts are 1 to accel::usable_cores() (past 8: 8, 16, 32, ... and the last). The
// OpenBLAS calls are baselines local to this demo; the stage library never calls BLAS.
// Sections run in task order: a TODO stops the demo.

#include <algorithm>
#include <barrier>
#include <bit>
#include <chrono>
#include <cstddef>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#include "accel/blas_info.hpp"
#include "accel/cpu_info.hpp"
#include "accel/lesson.hpp"
#include "accel/profiler.hpp"
#include "accel/table.hpp"
#include "accel/tensor.hpp"
#include "accel/todo.hpp"
#include "multicore.hpp"

using namespace accel;
namespace s08 = accel::stage08;

namespace {

constexpr std::size_t kDramFloats = std::size_t{1} << 24;  // 64 MiB per array: past any last-level cache
constexpr double kGeluFlops = 9;

std::vector<unsigned> thread_counts(unsigned cores) {
  std::vector<unsigned> counts;
  for (unsigned t = 1; t <= cores; t = t < 8 ? t + 1 : 2 * t) counts.push_back(t);
  if (counts.back() != cores) counts.push_back(cores);
  return counts;
}

// The largest power of two whose three arrays (add: a, b, c) take at most half of one
// core's L2.
std::size_t l2_floats() {
  const std::size_t l2 = cpu_info().l2_bytes != 0 ? cpu_info().l2_bytes : std::size_t{512} << 10;
  return std::bit_floor(std::max<std::size_t>(l2 / 24, 1024));
}

std::string mib(std::size_t bytes) {
  return fixed(double(bytes) / double(1 << 20), bytes < (1 << 20) ? 2 : 0) + " MiB";
}
std::string times(double x) { return fixed(x, x < 10 ? 2 : 1) + "x"; }
std::string percent(double fraction) { return fixed(100 * fraction, 0) + " %"; }
std::string call_time(double ms) { return ms < 1 ? fixed(1e3 * ms, 1) + " us" : fixed(ms, 2) + " ms"; }

// ---- 0. the roof: every core streaming at once, on this demo's own threads ----

// The fastest of 10 runs of `slice` over [0, n) split across `cores` threads. The threads
// start once; a barrier lines them up before each run and after it, and its completion step
// reads the clock, so a run is timed from the moment all threads start to the moment the
// last one is done, with no thread start and no allocation inside.
template <typename Slice>
double best_seconds_on_every_core(unsigned cores, std::size_t n, Slice slice) {
  constexpr int kRuns = 10;
  std::vector<std::chrono::steady_clock::time_point> marks;
  marks.reserve(2 * kRuns);
  auto mark = [&]() noexcept { marks.push_back(std::chrono::steady_clock::now()); };
  std::barrier sync(std::ptrdiff_t(cores), mark);
  auto worker = [&](unsigned t) {
    const std::size_t first = n / cores * t + std::min<std::size_t>(t, n % cores);
    const std::size_t last = n / cores * (t + 1) + std::min<std::size_t>(t + 1, n % cores);
    for (int run = 0; run < kRuns; ++run) {
      sync.arrive_and_wait();
      slice(first, last);
      sync.arrive_and_wait();
    }
  };
  {
    std::vector<std::jthread> team;
    for (unsigned t = 1; t < cores; ++t) team.emplace_back(worker, t);
    worker(0);
  }
  double best = 1e30;
  for (int run = 0; run < kRuns; ++run) {
    best = std::min(best, std::chrono::duration<double>(marks[2 * run + 1] - marks[2 * run]).count());
  }
  return best;
}

// STREAM's copy (a = s·b, 8 bytes per element; s = 1 comes in at run time so that the loop
// is not turned into memcpy, whose streaming stores the kernels do not have) and triad
// (a = b + s·c, 12 bytes), counted as the kernels below are: each array once. Functions of
// their own, with everything passed by value, so that the compiler vectorizes them.
[[gnu::noinline]] void copy_slice(float* a, const float* b, float s, std::size_t first, std::size_t last) {
  for (std::size_t i = first; i < last; ++i) a[i] = s * b[i];
}
[[gnu::noinline]] void triad_slice(float* a, const float* b, const float* c, float s, std::size_t first,
                                   std::size_t last) {
  for (std::size_t i = first; i < last; ++i) a[i] = b[i] + s * c[i];
}

struct Roofs {
  double copy = 0, triad = 0;  // GB/s
};

Roofs dram_roofs(unsigned cores, Tensor& a, const Tensor& b, const Tensor& c) {
  volatile float opaque_one = 1.0f;
  const float s = opaque_one;
  const std::size_t n = a.size();
  const double copy = best_seconds_on_every_core(
      cores, n, [&](std::size_t first, std::size_t last) { copy_slice(a.data(), b.data(), s, first, last); });
  const double triad = best_seconds_on_every_core(cores, n, [&](std::size_t first, std::size_t last) {
    triad_slice(a.data(), b.data(), c.data(), s, first, last);
  });
  return {8.0 * double(n) / copy / 1e9, 12.0 * double(n) / triad / 1e9};
}

// ---- measuring a call at every thread count ----

struct ByThreads {
  std::vector<unsigned> threads;
  std::vector<double> ms;  // median per call
  double speedup(std::size_t i) const { return ms.front() / ms[i]; }
};

template <typename Call>
ByThreads measure_by_threads(const std::vector<unsigned>& counts, Call call) {
  ByThreads result{counts, {}};
  for (const unsigned threads : counts) result.ms.push_back(lesson::median_ms([&] { call(threads); }));
  return result;
}

// ---- 1. add and GELU ----

struct Workload {
  std::string name;
  unsigned p = 0;  // the thread count of tp
  double t1 = 0, tp = 0;
};

void show_memory_bound_pair(const std::vector<unsigned>& counts, const Roofs& roofs, std::vector<Workload>& amdahl) {
  const std::size_t small = l2_floats();
  std::cout << "1. The memory-bound pair by thread count: add_parallel (c = a + b, 12 bytes per element) and\n"
            << "   gelu_parallel (8 bytes per element), on " << small << " floats per array (add's three arrays take "
            << mib(12 * small) << ":\n   one core's L2 holds them) and on 2^24 floats per array (DRAM). GB/s of "
            << "compulsory traffic;\n   the roof is section 0's all-core triad for add, its copy for GELU.\n";
  Table table({"kernel", "n", "threads", "per call", "GB/s", "speedup", "of DRAM roof"});
  const Tensor a = Tensor::random({kDramFloats}, 1, -4.0f, 4.0f), b = Tensor::random({kDramFloats}, 2);
  Tensor c({kDramFloats});
  double run_l2_add_ms = 0;
  for (const bool gelu : {false, true}) {
    for (const std::size_t n : {small, kDramFloats}) {
      const ByThreads run = measure_by_threads(counts, [&](unsigned threads) {
        if (gelu) {
          s08::gelu_parallel(a.data(), c.data(), n, threads);
        } else {
          s08::add_parallel(a.data(), b.data(), c.data(), n, threads);
        }
      });
      const double bytes = (gelu ? 8.0 : 12.0) * double(n), roof = gelu ? roofs.copy : roofs.triad;
      const std::string name = gelu ? "gelu_parallel" : "add_parallel";
      for (std::size_t i = 0; i < counts.size(); ++i) {
        const double gbps = gigabytes_per_second(bytes, run.ms[i]);
        table.add_row({i == 0 ? name : "", i == 0 ? (n == small ? std::to_string(n) + " (L2)" : "2^24 (DRAM)") : "",
                       std::to_string(counts[i]), call_time(run.ms[i]), fixed(gbps, 1), times(run.speedup(i)),
                       percent(gbps / roof)});
      }
      if (!gelu && n == small) run_l2_add_ms = run.ms.front();
      amdahl.push_back({name + (n == small ? ", L2" : ", DRAM"), counts.back(), run.ms.front(), run.ms.back()});
    }
  }
  // In L2 again, with the threads started once for kPasses passes: each thread runs the
  // kernel on its own share, on one thread (threads = 1 runs inline), kPasses times over.
  constexpr int kPasses = 2048;  // milliseconds of work per thread: the threads' start skew vanishes
  for (const bool gelu : {false, true}) {
    const ByThreads run = measure_by_threads(counts, [&](unsigned threads) {
      s08::parallel_for(0, small, threads, [&](std::size_t first, std::size_t last) {
        for (int pass = 0; pass < kPasses; ++pass) {
          if (gelu) {
            s08::gelu_parallel(a.data() + first, c.data() + first, last - first, 1);
          } else {
            s08::add_parallel(a.data() + first, b.data() + first, c.data() + first, last - first, 1);
          }
        }
      });
    });
    const double bytes = (gelu ? 8.0 : 12.0) * double(small), roof = gelu ? roofs.copy : roofs.triad;
    const std::string name = gelu ? "gelu_parallel" : "add_parallel";
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const double ms = run.ms[i] / kPasses, gbps = gigabytes_per_second(bytes, ms);
      table.add_row({i == 0 ? name : "", i == 0 ? std::to_string(small) + " (L2) x" + std::to_string(kPasses) : "",
                     std::to_string(counts[i]), call_time(ms), fixed(gbps, 1), times(run.speedup(i)),
                     percent(gbps / roof)});
    }
    amdahl.push_back({name + ", L2 x" + std::to_string(kPasses), counts.back(), run.ms.front(), run.ms.back()});
  }
  table.print(std::cout);
  const unsigned most = counts.back();
  const double start_ms = lesson::median_ms([&] { s08::parallel_for(0, most, most, [](std::size_t, std::size_t) {}); });
  std::cout << "At DRAM size the bytes, not the cores, set the time: at the roof, one more thread adds nothing.\n"
            << "A call's fixed cost: parallel_for with an empty body on " << most << " threads takes "
            << call_time(start_ms) << " (starting\nand joining its threads), against " << call_time(run_l2_add_ms)
            << " for add_parallel's whole L2 call on one thread. In L2 the cores\nscale once that cost is paid for "
            << kPasses << " passes (rows \"x" << kPasses << "\": each thread runs the kernel on its own share,\non one "
            << "thread, " << kPasses << " times; \"per call\" is per pass).\n\n";
}

// ---- 2. matmul ----

void set_blas_threads([[maybe_unused]] unsigned threads) {
#if defined(ACCEL_BLAS_OPENBLAS)
  openblas_set_num_threads(int(threads));
#endif
}

void sgemm(const float* A, const float* B, float* C, std::size_t n) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(n), int(n), 1.0f, A, int(n), B, int(n), 0.0f, C,
              int(n));
}

void show_matmul(const std::vector<unsigned>& counts, std::vector<Workload>& amdahl) {
  constexpr std::size_t n = 1024;
  const Tensor a = Tensor::random({n, n}, 3), b = Tensor::random({n, n}, 4);
  Tensor c({n, n});
  const double flops = matmul_cost(n, n, n).flops;
  const ByThreads mine =
      measure_by_threads(counts, [&](unsigned t) { s08::matmul_parallel(a.data(), b.data(), c.data(), n, n, n, t); });
  const ByThreads blas = measure_by_threads(counts, [&](unsigned t) {
    set_blas_threads(t);
    sgemm(a.data(), b.data(), c.data(), n);
  });
  set_blas_threads(1);
  std::cout << "2. matmul_parallel, C = A·B at n = " << n << " (compute-bound: 2n³ FLOPs on 12 MiB)\n";
  Table table({"threads", "ms", "GFLOP/s", "speedup", "efficiency", "OpenBLAS GFLOP/s", "OpenBLAS speedup"});
  for (std::size_t i = 0; i < counts.size(); ++i) {
    table.add_row({std::to_string(counts[i]), fixed(mine.ms[i], 2), fixed(gflops_per_second(flops, mine.ms[i]), 1),
                   times(mine.speedup(i)), percent(mine.speedup(i) / counts[i]),
                   fixed(gflops_per_second(flops, blas.ms[i]), 1), times(blas.speedup(i))});
  }
  table.print(std::cout);
  std::cout << "Efficiency = speedup / threads. Each thread packs its own blocks of A in its own L2; the threads\n"
               "share B's packed panel.\n\n";
  amdahl.push_back({"matmul_parallel 1024", counts.back(), mine.ms.front(), mine.ms.back()});
}

// ---- 3. false sharing ----

void show_false_sharing(const std::vector<unsigned>& counts) {
  constexpr std::size_t n = std::size_t{1} << 20;
  const Tensor x = Tensor::random({n}, 5);
  float sink = 0;
  const ByThreads adjacent =
      measure_by_threads(counts, [&](unsigned t) { sink += s08::sum_adjacent_counters(x.data(), n, t); });
  const ByThreads apart = measure_by_threads(counts, [&](unsigned t) { sink += s08::sum_parallel(x.data(), n, t); });
  std::cout << "3. False sharing: the sum of 2^20 floats (4 MiB), the threads' counters side by side in one cache\n"
               "   line (sum_adjacent_counters) or each on a line of its own (sum_parallel)\n";
  Table table({"threads", "adjacent counters ms", "speedup", "own lines ms", "speedup", "adjacent / own lines",
               "false sharing"});
  const double ratio_alone = adjacent.ms[0] / apart.ms[0];
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double ratio = adjacent.ms[i] / apart.ms[i];
    table.add_row({std::to_string(counts[i]), fixed(adjacent.ms[i], 3), times(adjacent.speedup(i)),
                   fixed(apart.ms[i], 3), times(apart.speedup(i)), times(ratio), times(ratio / ratio_alone)});
  }
  table.print(std::cout);
  std::cout << "On one thread the ratio is what a load and a store per add cost against a sum kept in a register.\n"
               "False sharing is what it grows by with more threads (last column): the counters' line moves from\n"
               "core to core, and every add waits for it.\n\n";
  if (sink == 42.0f) std::cout << ' ';
}

// ---- 4. the MLP block ----

void show_mlp_block(unsigned cores, std::vector<Workload>& amdahl) {
  constexpr std::size_t kBatch = 64, kDModel = 512, kDFf = 2048;
  const Tensor x = Tensor::random({kBatch, kDModel}, 1), W1 = Tensor::random({kDFf, kDModel}, 2, -0.09f, 0.09f);
  const Tensor W2 = Tensor::random({kDModel, kDFf}, 4, -0.04f, 0.04f);
  Tensor h({kBatch, kDFf}), g({kBatch, kDFf}), y({kBatch, kDModel});
  const int B = int(kBatch), D = int(kDModel), F = int(kDFf);
  auto block = [&](unsigned threads) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, F, D, 1, x.data(), D, W1.data(), D, 0, h.data(), F);
    s08::gelu_parallel(h.data(), g.data(), kBatch * kDFf, threads);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, D, F, 1, g.data(), F, W2.data(), F, 0, y.data(), D);
  };
  const double flops = 2 * matmul_cost(kBatch, kDFf, kDModel).flops + kGeluFlops * double(kBatch * kDFf);
  std::vector<double> ms;
  for (const unsigned threads : {1u, cores}) {
    set_blas_threads(threads);
    ms.push_back(lesson::median_ms([&] { block(threads); }));
  }
  set_blas_threads(1);
  std::cout << "4. The stage 07 MLP block without its biases: y = GELU(x·W1ᵀ)·W2ᵀ, x " << kBatch << "x" << kDModel
            << ", W1 " << kDFf << "x" << kDModel << ", W2 " << kDModel << "x" << kDFf
            << ":\n   two cblas_sgemm calls and gelu_parallel, all on the same number of threads\n";
  Table table({"threads", "ms", "GFLOP/s", "speedup", "efficiency"});
  const std::vector<unsigned> rows = {1u, cores};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    table.add_row({std::to_string(rows[i]), fixed(ms[i], 3), fixed(gflops_per_second(flops, ms[i]), 1),
                   times(ms[0] / ms[i]), percent(ms[0] / ms[i] / rows[i])});
  }
  table.print(std::cout);
#if !defined(ACCEL_BLAS_OPENBLAS)
  std::cout << "(This BLAS chooses its own threads: only gelu_parallel's thread count changed.)\n";
#endif
  std::cout << '\n';
  amdahl.push_back({"MLP block, batch 64", cores, ms[0], ms[1]});
}

// ---- 5. Amdahl ----

void show_amdahl(const std::vector<Workload>& workloads) {
  std::cout << "5. Amdahl's law: the serial fraction s that each measured speedup implies (stage08::serial_fraction),\n"
               "   and the speedup it predicts on more cores (stage08::amdahl_speedup)\n";
  Table table({"workload", "t1 ms", "cores", "tp ms", "speedup", "s", "2 cores", "4 cores", "8 cores", "16 cores"});
  for (const Workload& w : workloads) {
    const double s = s08::serial_fraction(w.t1, w.tp, w.p);
    std::vector<std::string> row = {w.name,         fixed(w.t1, 3), std::to_string(w.p), fixed(w.tp, 3),
                                    times(w.t1 / w.tp), fixed(s, 3)};
    for (const unsigned p : {2u, 4u, 8u, 16u}) row.push_back(times(s08::amdahl_speedup(s, p)));
    table.add_row(row);
  }
  table.print(std::cout);
  std::cout << "A kernel at the DRAM roof shows a large s, yet it has no serial code: what does not grow with the\n"
               "cores is the memory's bandwidth. Amdahl's s is whatever the cores do not speed up.\n";
}

}  // namespace

int main() try {
  set_blas_threads(1);
  const unsigned cores = usable_cores();
  const std::vector<unsigned> counts = thread_counts(cores);
  std::cout << "Stage 08 — every core: threads, scaling, and the memory-bound ceiling\n"
            << describe_machine() << describe_blas() << "\nUsable cores (this process's affinity mask): " << cores
            << "\n\n";

  Roofs one, all;
  {
    Tensor a({kDramFloats});
    const Tensor b = Tensor::random({kDramFloats}, 1), c = Tensor::random({kDramFloats}, 2);
    one = dram_roofs(1, a, b, c);
    all = dram_roofs(cores, a, b, c);
  }
  std::cout << "0. DRAM bandwidth, 2^24 floats per array (this demo's own loops, best of 10):\n"
            << "   one core:  copy " << fixed(one.copy, 1) << " GB/s, triad " << fixed(one.triad, 1) << " GB/s\n"
            << "   " << cores << (cores == 1 ? " core:    " : " cores:   ") << "copy " << fixed(all.copy, 1)
            << " GB/s, triad " << fixed(all.triad, 1) << " GB/s (the roof below)\n\n";

  std::vector<Workload> amdahl;
  show_memory_bound_pair(counts, all, amdahl);
  show_matmul(counts, amdahl);
  show_false_sharing(counts);
  show_mlp_block(cores, amdahl);
  if (cores >= 2) {
    show_amdahl(amdahl);
  } else {
    std::cout << "5. Amdahl's law needs measurements on two cores or more; this process may use one.\n";
  }
  return 0;
} catch (const accel::NotImplemented& todo) {
  std::cerr << '\n' << todo.what() << '\n';
  return 1;
}
