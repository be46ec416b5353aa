// Stage 05 demo: cache tiling, measured live.
//   1. transpose 4096×4096: naive against blocked, by tile, with the cache models' misses
//   2. choose_tile's sweep beside the cache arithmetic 3·T²·4 bytes against L1 and L2
//   3. the matmul ladder: i-j-k, i-k-j, matmul_tiled, matmul_packed and OpenBLAS (1 thread)
//   4. modelled cache misses of each matmul at n = 256, beside measured GFLOP/s, and the
//      hardware counters (perf_event_open) where the system exposes them
// The i-j-k and i-k-j loops and the OpenBLAS call are baselines local to this demo; the
// stage library itself never calls BLAS. Sections run in task order: a TODO stops the demo.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif
#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif
#if defined(__linux__)
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cerrno>
#endif

#include "accel/blas_info.hpp"
#include "accel/cache_model.hpp"
#include "accel/cpu_info.hpp"
#include "accel/profiler.hpp"
#include "accel/table.hpp"
#include "accel/tensor.hpp"
#include "accel/todo.hpp"
#include "accel/lesson.hpp"
#include "tiling.hpp"

using namespace accel;
namespace s05 = accel::stage05;

namespace {

// ---- baselines (i-j-k and i-k-j: accel/lesson.hpp) ----

void matmul_openblas(const float* A, const float* B, float* C, std::size_t n) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(n), int(n), 1.0f, A, int(n), B, int(n), 0.0f, C,
              int(n));
}
// The stage's kernels on n×n matrices, in the same shape as the baselines.
void packed(const float* A, const float* B, float* C, std::size_t n) { s05::matmul_packed(A, B, C, n, n, n); }
auto tiled(std::size_t tile) {
  return [tile](const float* A, const float* B, float* C, std::size_t n) { s05::matmul_tiled(A, B, C, n, n, n, tile); };
}

std::string kib(std::size_t bytes) { return std::to_string(bytes / 1024) + " KiB"; }
std::string describe(const CacheGeometry& g) {
  return kib(g.size_bytes) + ", " + std::to_string(g.ways) + "-way, " + std::to_string(g.sets()) + " sets of " +
         std::to_string(g.line_bytes) + "-byte lines";
}

// ---- hardware counters, where Linux lets a user program read them ----

enum class Level { l1d, last };

// Read misses of one cache level, counted for this thread in user code only.
struct PerfCounter {
  int fd = -1;
  std::string error;
  explicit PerfCounter([[maybe_unused]] Level level) {
#if defined(__linux__)
    perf_event_attr attr{};
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_HW_CACHE;
    attr.config = (level == Level::l1d ? PERF_COUNT_HW_CACHE_L1D : PERF_COUNT_HW_CACHE_LL) |
                  (PERF_COUNT_HW_CACHE_OP_READ << 8) | (PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
    attr.disabled = 1;
    attr.exclude_kernel = 1;  // what perf_event_paranoid = 2 still allows a user
    attr.exclude_hv = 1;
    fd = int(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    if (fd < 0) error = std::strerror(errno);
#else
    error = "perf_event_open is Linux-only";
#endif
  }
  PerfCounter(const PerfCounter&) = delete;
  PerfCounter& operator=(const PerfCounter&) = delete;
  ~PerfCounter() {
#if defined(__linux__)
    if (fd >= 0) close(fd);
#endif
  }
  template <typename Fn>
  double count(Fn&& fn) const {
    std::uint64_t value = 0;
#if defined(__linux__)
    ioctl(fd, PERF_EVENT_IOC_RESET, 0);
    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
    fn();
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    if (read(fd, &value, sizeof value) != sizeof value) value = 0;
#else
    fn();
#endif
    return double(value);
  }
};

std::string paranoid_level() {
  std::string level = "?";
  std::ifstream("/proc/sys/kernel/perf_event_paranoid") >> level;
  return level;
}

// ---- address streams of each loop nest, replayed through an L1 model that passes its
// misses on to an L2 model. Every element a loop reads or writes is one access (a
// read-modify-write of C counts once); accumulators kept in registers are not accesses.

struct Hierarchy {
  CacheModel l1{l1d_geometry()}, l2{l2_geometry()};
  void touch(const float* p) {
    if (!l1.access(p)) l2.access(p);
  }
};

// transpose_blocked's order (n a multiple of tile); tile = n is transpose_naive's.
void replay_transpose(Hierarchy& h, const float* in, const float* out, std::size_t n, std::size_t tile) {
  for (std::size_t i0 = 0; i0 < n; i0 += tile) {
    for (std::size_t j0 = 0; j0 < n; j0 += tile) {
      for (std::size_t i = i0; i < i0 + tile; ++i) {
        for (std::size_t j = j0; j < j0 + tile; ++j) {
          h.touch(in + i * n + j);
          h.touch(out + j * n + i);
        }
      }
    }
  }
}

void replay_ijk(Hierarchy& h, const float* A, const float* B, const float* C, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t k = 0; k < n; ++k) {
        h.touch(A + i * n + k);
        h.touch(B + k * n + j);
      }
      h.touch(C + i * n + j);
    }
  }
}

// i-k-j over [i0, i1) × [j0, j1) × [k0, k1): all of the i-k-j baseline as one block.
void replay_ikj_block(Hierarchy& h, const float* A, const float* B, const float* C, std::size_t n, std::size_t i0,
                      std::size_t i1, std::size_t j0, std::size_t j1, std::size_t k0, std::size_t k1) {
  for (std::size_t i = i0; i < i1; ++i) {
    for (std::size_t k = k0; k < k1; ++k) {
      h.touch(A + i * n + k);
      for (std::size_t j = j0; j < j1; ++j) {
        h.touch(B + k * n + j);
        h.touch(C + i * n + j);
      }
    }
  }
}

// The block loop of matmul_tiled: i-k-j with four k's per pass over a row segment of C,
// which is read and written once per four multiply-adds.
void replay_tiled_block(Hierarchy& h, const float* A, const float* B, const float* C, std::size_t n,
                        std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1, std::size_t k0,
                        std::size_t k1) {
  for (std::size_t i = i0; i < i1; ++i) {
    std::size_t k = k0;
    for (; k + 4 <= k1; k += 4) {
      for (std::size_t q = 0; q < 4; ++q) h.touch(A + i * n + k + q);
      for (std::size_t j = j0; j < j1; ++j) {
        for (std::size_t q = 0; q < 4; ++q) h.touch(B + (k + q) * n + j);
        h.touch(C + i * n + j);
      }
    }
    replay_ikj_block(h, A, B, C, n, i, i + 1, j0, j1, k, k1);  // the last K mod 4 k's
  }
}

void replay_tiled(Hierarchy& h, const float* A, const float* B, const float* C, std::size_t n, std::size_t tile) {
  for (std::size_t i = 0; i < n * n; ++i) h.touch(C + i);  // C = 0
  for (std::size_t i0 = 0; i0 < n; i0 += tile) {
    for (std::size_t j0 = 0; j0 < n; j0 += tile) {
      for (std::size_t k0 = 0; k0 < n; k0 += tile) {
        replay_tiled_block(h, A, B, C, n, i0, std::min(n, i0 + tile), j0, std::min(n, j0 + tile), k0,
                           std::min(n, k0 + tile));
      }
    }
  }
}

// The five loops of matmul_packed with the blocking packed_blocking() gives this machine.
void replay_packed(Hierarchy& h, const float* A, const float* B, const float* C, std::size_t n,
                   const s05::Blocking& b) {
  auto round_up = [](std::size_t x, std::size_t multiple) { return (x + multiple - 1) / multiple * multiple; };
  const std::size_t b_floats = std::min(b.kc, n) * round_up(std::min(b.nc, n), b.nr);
  const Tensor buffers({b_floats + std::min(b.kc, n) * round_up(std::min(b.mc, n), b.mr)});
  const float* packed_b = buffers.data();
  const float* packed_a = packed_b + b_floats;
  for (std::size_t jc = 0; jc < n; jc += b.nc) {
    const std::size_t nc = std::min(b.nc, n - jc);
    for (std::size_t pc = 0; pc < n; pc += b.kc) {
      const std::size_t kc = std::min(b.kc, n - pc);
      for (std::size_t k = 0; k < kc; ++k) {
        for (std::size_t j = 0; j < nc; ++j) {
          h.touch(B + (pc + k) * n + jc + j);
          h.touch(packed_b + (j / b.nr) * kc * b.nr + k * b.nr + j % b.nr);
        }
      }
      for (std::size_t ic = 0; ic < n; ic += b.mc) {
        const std::size_t mc = std::min(b.mc, n - ic);
        for (std::size_t i = 0; i < mc; ++i) {
          for (std::size_t k = 0; k < kc; ++k) {
            h.touch(A + (ic + i) * n + pc + k);
            h.touch(packed_a + (i / b.mr) * kc * b.mr + k * b.mr + i % b.mr);
          }
        }
        for (std::size_t jr = 0; jr < nc; jr += b.nr) {
          for (std::size_t ir = 0; ir < mc; ir += b.mr) {
            for (std::size_t k = 0; k < kc; ++k) {
              for (std::size_t r = 0; r < b.mr; ++r) h.touch(packed_a + ir * kc + k * b.mr + r);
              for (std::size_t c = 0; c < b.nr; ++c) h.touch(packed_b + jr * kc + k * b.nr + c);
            }
            for (std::size_t r = 0; r < std::min(b.mr, mc - ir); ++r) {
              for (std::size_t c = 0; c < std::min(b.nr, nc - jr); ++c) h.touch(C + (ic + ir + r) * n + jc + jr + c);
            }
          }
        }
      }
    }
  }
}

}  // namespace

int main() try {
#if defined(ACCEL_BLAS_OPENBLAS)
  openblas_set_num_threads(1);  // one thread, like every kernel of this stage
#endif
  std::cout << "Stage 05 — cache tiling\n" << describe_machine();
  const CacheGeometry l1 = l1d_geometry(), l2 = l2_geometry();
  std::cout << "L1d model: " << describe(l1) << "\nL2 model:  " << describe(l2) << "\nmatmul_packed micro-kernel: "
            << s05::micro_kernel_path() << '\n';
  double peak = 0;
  std::cout << "FMA peak of one core: " << lesson::fma_peaks_text(&peak) << "\n\n";

  // ---- 1. transpose ----
  {
    constexpr std::size_t n = 4096;
    const Tensor in = Tensor::random({n, n}, 1);
    Tensor out({n, n});
    const double bytes = 2.0 * n * n * sizeof(float);
    // The roof: a transpose moves what a copy of the same bytes moves, in another order.
    const double copy_ms = lesson::median_ms([&] { std::copy_n(in.data(), n * n, out.data()); });
    std::cout << "Transpose of a " << n << "×" << n << " matrix (64 MiB each way), and the cache models' misses;\n"
              << "a copy of the same bytes runs at " << fixed(gigabytes_per_second(bytes, copy_ms), 1)
              << " GB/s here, the roof of a transpose\n";
    Table table({"kernel", "ms", "GB/s", "share of copy", "speedup", "L1 misses per element", "L2 misses per element"});
    double naive_ms = 0;
    for (const std::size_t tile : {n, std::size_t{8}, std::size_t{16}, std::size_t{32}, std::size_t{64}}) {
      const bool naive = tile == n;  // one n×n block: the naive loop's order
      const double ms = lesson::median_ms([&] {
        if (naive) {
          s05::transpose_naive(in.data(), out.data(), n, n);
        } else {
          s05::transpose_blocked(in.data(), out.data(), n, n, tile);
        }
      });
      if (naive) naive_ms = ms;
      Hierarchy h;
      replay_transpose(h, in.data(), out.data(), n, tile);
      table.add_row({naive ? "transpose_naive" : "transpose_blocked, tile " + std::to_string(tile), fixed(ms, 1),
                     fixed(gigabytes_per_second(bytes, ms), 2), fixed(100 * copy_ms / ms, 0) + " %",
                     fixed(naive_ms / ms, 1) + "x",
                     fixed(double(h.l1.misses()) / double(n * n), 3), fixed(double(h.l2.misses()) / double(n * n), 3)});
    }
    table.print(std::cout);
    std::cout << "Rows of 4096 floats are 16 KiB apart: a column of `out` maps to one L1 set (" << l1.ways
              << " ways) and to 8 L2 sets.\nTiles of 16 and more still miss L1 on every write, but L2 keeps the lines;"
                 " a tile of 8 fits\nthe L1 ways too, but writes each line of `out` in two halves. (Not modelled: the"
                 " TLB.)\n\n";
  }

  // ---- 2. the tile sweep ----
  constexpr std::size_t kSweepN = 1024;
  const std::vector<std::size_t> candidates = {16, 32, 48, 64, 96, 128, 192, 256, 512};
  std::cout << "choose_tile: matmul_tiled at n = " << kSweepN << " for each candidate tile\n";
  const Tensor a = Tensor::random({kSweepN, kSweepN}, 1), b = Tensor::random({kSweepN, kSweepN}, 2);
  Tensor c({kSweepN, kSweepN});
  const double ikj_ms = lesson::median_ms([&] { lesson::matmul_ikj(a.data(), b.data(), c.data(), kSweepN); });
  const double sweep_ikj = gflops_per_second(matmul_cost(kSweepN, kSweepN, kSweepN).flops, ikj_ms);
  const s05::TileChoice choice = s05::choose_tile(kSweepN, candidates, 3);
  Table sweep({"tile T", "3·T²·4 bytes", "fits in", "GFLOP/s", "vs i-k-j", ""});
  for (const s05::TileTiming& t : choice.sweep) {
    const std::size_t bytes = 3 * t.tile * t.tile * sizeof(float);
    const char* level = bytes <= l1.size_bytes ? "L1" : bytes <= l2.size_bytes ? "L2" : "L3";
    sweep.add_row({std::to_string(t.tile), kib(bytes), level, fixed(t.gflops, 1), fixed(t.gflops / sweep_ikj, 2) + "x",
                   t.tile == choice.best_tile ? "fastest" : ""});
  }
  sweep.print(std::cout);
  std::cout << "i-k-j at n = " << kSweepN << ": " << fixed(sweep_ikj, 1) << " GFLOP/s. 3·T²·4 bytes: a T×T block "
            << "of A, of B and of C.\nThe fastest tile is measured, not computed: the arithmetic only says where to "
            << "look.\n\n";

  // ---- 3. the ladder ----
  const s05::Blocking blocking = s05::packed_blocking(l1, l2, cpu_info().l3_bytes);
  std::cout << "C = A·B, n×n, one thread. matmul_tiled with tile " << choice.best_tile
            << "; matmul_packed with MR×NR = " << blocking.mr << "×" << blocking.nr << ", KC = " << blocking.kc
            << ", MC = " << blocking.mc << ", NC = " << blocking.nc << "\n";
  Table ladder({"n", "i-j-k", "i-k-j", "matmul_tiled", "matmul_packed", "OpenBLAS", "packed/OpenBLAS",
                "packed % of peak"});
  for (std::size_t n : {255, 512, 1024, 2048}) {
    const Tensor x = Tensor::random({n, n}, 3), y = Tensor::random({n, n}, 4);
    Tensor z({n, n});
    const double flops = matmul_cost(n, n, n).flops;
    auto rate = [&](auto kernel) {
      return gflops_per_second(flops, lesson::median_ms([&] { kernel(x.data(), y.data(), z.data(), n); }));
    };
    const std::string ijk = n <= 512 ? fixed(rate(lesson::matmul_ijk), 2) : "-";  // 2048: minutes
    const double ikj = rate(lesson::matmul_ikj), tiled_rate = rate(tiled(choice.best_tile));
    const double packed_rate = rate(packed), blas = rate(matmul_openblas);
    ladder.add_row({std::to_string(n), ijk, fixed(ikj, 1), fixed(tiled_rate, 1), fixed(packed_rate, 1), fixed(blas, 1),
                    fixed(packed_rate / blas, 2) + "x", peak > 0 ? fixed(100 * packed_rate / peak, 0) + "%" : "-"});
  }
  ladder.print(std::cout);
  std::cout << "GFLOP/s, medians. " << describe_blas() << '\n';

  // ---- 4. what the caches see ----
  constexpr std::size_t kModelN = 256;
  const Tensor x = Tensor::random({kModelN, kModelN}, 5), y = Tensor::random({kModelN, kModelN}, 6);
  Tensor z({kModelN, kModelN});
  const PerfCounter l1_counter(Level::l1d), llc_counter(Level::last);
  const bool counters = l1_counter.fd >= 0 && llc_counter.fd >= 0;
  std::cout << "Cache model at n = " << kModelN << " (" << kib(3 * kModelN * kModelN * 4)
            << " of matrices: more than L1, less than L2), misses per 1000 multiply-adds\n";
  if (!counters) {
    std::cout << "Hardware cache counters: not available here (perf_event_open: "
              << (l1_counter.error.empty() ? llc_counter.error : l1_counter.error)
              << "; perf_event_paranoid = " << paranoid_level() << "), so the table shows the model only.\n";
  }
  std::vector<std::string> headers = {"kernel", "accesses per FMA", "L1 miss rate", "L1 misses", "L2 misses",
                                      "GFLOP/s"};
  if (counters) headers.insert(headers.end(), {"L1d misses (perf)", "LLC misses (perf)"});
  Table model(headers);
  const double fmas = double(kModelN) * kModelN * kModelN;
  auto model_row = [&](const std::string& name, auto kernel, auto replay) {
    Hierarchy h;
    replay(h);
    auto call = [&] { kernel(x.data(), y.data(), z.data(), kModelN); };
    std::vector<std::string> row = {name, fixed(double(h.l1.accesses()) / fmas, 2),
                                    fixed(100 * h.l1.miss_rate(), 2) + "%",
                                    fixed(1000 * double(h.l1.misses()) / fmas, 1),
                                    fixed(1000 * double(h.l2.misses()) / fmas, 2),
                                    fixed(gflops_per_second(2 * fmas, lesson::median_ms(call)), 1)};
    if (counters) {
      row.push_back(fixed(1000 * l1_counter.count(call) / fmas, 1));
      row.push_back(fixed(1000 * llc_counter.count(call) / fmas, 2));
    }
    model.add_row(row);
  };
  model_row("i-j-k", lesson::matmul_ijk, [&](Hierarchy& h) { replay_ijk(h, x.data(), y.data(), z.data(), kModelN); });
  model_row("i-k-j", lesson::matmul_ikj, [&](Hierarchy& h) {
    for (std::size_t i = 0; i < kModelN * kModelN; ++i) h.touch(z.data() + i);
    replay_ikj_block(h, x.data(), y.data(), z.data(), kModelN, 0, kModelN, 0, kModelN, 0, kModelN);
  });
  for (std::size_t tile : {32, 64, 128}) {
    model_row("matmul_tiled, tile " + std::to_string(tile), tiled(tile),
              [&](Hierarchy& h) { replay_tiled(h, x.data(), y.data(), z.data(), kModelN, tile); });
  }
  model_row("matmul_packed", packed,
            [&](Hierarchy& h) { replay_packed(h, x.data(), y.data(), z.data(), kModelN, blocking); });
  model.print(std::cout);
  std::cout << "The model counts every element access; the compiled code moves whole vectors, and\nhardware prefetchers"
               " hide many of these misses. Fewer misses per FMA is what blocking buys.\n";
  return 0;
} catch (const accel::NotImplemented& todo) {
  std::cerr << '\n' << todo.what() << '\n';
  return 1;
}
