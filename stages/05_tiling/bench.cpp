// Stage 05 benchmarks, with FLOP/s and byte counters:
//   transpose_naive, the seed's plain tiled loop and transpose_blocked (by tile) against a copy,
//   matmul_tiled (by tile) and matmul_packed against a local i-k-j loop and OpenBLAS;
//   matmul_tiled's two halves alone (local: tiles with one k per pass, four k's without tiles).
//   OPENBLAS_NUM_THREADS=1 build/<preset>/bin/stage05_bench --benchmark_filter='matmul_(packed|openblas|blis)'
// The i-k-j loop and the OpenBLAS and BLIS calls are local baselines; BLAS is linked into
// this bench and the demo only, never into the stage library. Both libraries run on one
// thread here; the context names the kernels each chose.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#if defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#include "accel/bench.hpp"
#include "accel/blas_info.hpp"
#include "accel/blis_gemm.hpp"
#include "accel/tensor.hpp"
#include "accel/todo.hpp"
#include "accel/lesson.hpp"
#include "tiling.hpp"

namespace {

using accel::Tensor;
namespace s05 = accel::stage05;

// ---- transpose: bytes moved (read once, written once), no FLOPs ----
// The steps of the lesson, each against a copy of the same bytes (the roof): the naive
// loop, the seed's tiled loop (local, as the lesson writes it), and transpose_blocked,
// whose reference adds register blocks and streaming stores. 4096 × 4096 and 2000 × 8000:
// a power of two, where rows share their cache sets, and a size where they do not.

// The seed's tiled transpose: tile × tile blocks, plain loops inside.
void transpose_tiled_plain(const float* in, float* out, std::size_t rows, std::size_t cols, std::size_t tile) {
  for (std::size_t i0 = 0; i0 < rows; i0 += tile) {
    for (std::size_t j0 = 0; j0 < cols; j0 += tile) {
      const std::size_t i1 = std::min(rows, i0 + tile), j1 = std::min(cols, j0 + tile);
      for (std::size_t i = i0; i < i1; ++i) {
        for (std::size_t j = j0; j < j1; ++j) out[j * rows + i] = in[i * cols + j];
      }
    }
  }
}

enum class Transpose { copy, naive, tiled_plain, blocked };

template <Transpose kWhich>
void BM_transpose(benchmark::State& state) {
  const auto rows = std::size_t(state.range(0)), cols = std::size_t(state.range(1));
  const std::size_t tile = state.range(2) > 0 ? std::size_t(state.range(2)) : 32;
  const Tensor in = Tensor::random({rows, cols}, 1);
  Tensor out({cols, rows});
  auto call = [&] {
    if constexpr (kWhich == Transpose::copy) {
      std::copy_n(in.data(), rows * cols, out.data());
    } else if constexpr (kWhich == Transpose::naive) {
      s05::transpose_naive(in.data(), out.data(), rows, cols);
    } else if constexpr (kWhich == Transpose::tiled_plain) {
      transpose_tiled_plain(in.data(), out.data(), rows, cols, tile);
    } else {
      s05::transpose_blocked(in.data(), out.data(), rows, cols, tile);
    }
  };
  if (!accel::first_call_works(state, call)) return;
  for (auto _ : state) {
    call();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(2 * rows * cols * sizeof(float)));
}
const std::vector<std::int64_t> kTransposeRows = {4096, 2000}, kTransposeCols = {4096, 8000};
void transpose_shapes(benchmark::internal::Benchmark* b, const std::vector<std::int64_t>& tiles) {
  for (std::size_t s = 0; s < kTransposeRows.size(); ++s) {
    for (const std::int64_t tile : tiles) b->Args({kTransposeRows[s], kTransposeCols[s], tile});
  }
  b->ArgNames({"rows", "cols", "tile"})->Unit(benchmark::kMillisecond);
}
BENCHMARK(BM_transpose<Transpose::copy>)->Name("BM_copy")->Apply([](auto* b) { transpose_shapes(b, {0}); });
BENCHMARK(BM_transpose<Transpose::naive>)->Name("BM_transpose_naive")->Apply([](auto* b) { transpose_shapes(b, {0}); });
BENCHMARK(BM_transpose<Transpose::tiled_plain>)->Name("BM_transpose_tiled_plain")
    ->Apply([](auto* b) { transpose_shapes(b, {8, 16, 32, 64}); });
BENCHMARK(BM_transpose<Transpose::blocked>)->Name("BM_transpose_blocked")
    ->Apply([](auto* b) { transpose_shapes(b, {16, 32, 64, 128, 256}); });

// ---- matmul ----

// The two halves of matmul_tiled, each without the other: the seed's tiled loop with one k
// per pass over a row segment of C, and i-k-j with four k's per pass but no tiles.
void matmul_tiled_one_k(const float* A, const float* B, float* C, std::size_t n, std::size_t tile) {
  std::fill(C, C + n * n, 0.0f);
  for (std::size_t i0 = 0; i0 < n; i0 += tile) {
    for (std::size_t j0 = 0; j0 < n; j0 += tile) {
      for (std::size_t k0 = 0; k0 < n; k0 += tile) {
        const std::size_t i1 = std::min(n, i0 + tile), j1 = std::min(n, j0 + tile), k1 = std::min(n, k0 + tile);
        for (std::size_t i = i0; i < i1; ++i) {
          for (std::size_t k = k0; k < k1; ++k) {
            const float a_ik = A[i * n + k];
            for (std::size_t j = j0; j < j1; ++j) C[i * n + j] += a_ik * B[k * n + j];
          }
        }
      }
    }
  }
}
void matmul_ikj_four_k(const float* A, const float* B, float* C, std::size_t n) {  // n a multiple of 4
  std::fill(C, C + n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    float* c_row = C + i * n;
    for (std::size_t k = 0; k < n; k += 4) {
      const float* a = A + i * n + k;
      const float* b = B + k * n;
      for (std::size_t j = 0; j < n; ++j) c_row[j] += a[0] * b[j] + a[1] * b[n + j] + a[2] * b[2 * n + j] + a[3] * b[3 * n + j];
    }
  }
}

// OpenBLAS (Accelerate on macOS) on one thread: the yardstick for matmul_packed.
void matmul_blas(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  const int lda = int(std::max<std::size_t>(K, 1)), ldb = int(std::max<std::size_t>(N, 1));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(M), int(N), int(K), 1.0f, A, lda, B, ldb, 0.0f, C, ldb);
}

// A kernel on n×n matrices (n = range(0)); matmul_tiled gets its tile from range(1).
template <typename Kernel>
void square(benchmark::State& state, Kernel kernel) {
  const auto n = std::size_t(state.range(0));
  const Tensor a = Tensor::random({n, n}, 1), b = Tensor::random({n, n}, 2);
  Tensor c({n, n});
  auto call = [&] { kernel(a.data(), b.data(), c.data(), n); };
  if (!accel::first_call_works(state, call)) return;
  for (auto _ : state) {
    call();
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  accel::report_cost(state, accel::matmul_cost(n, n, n));
}

void BM_matmul_ikj(benchmark::State& state) {
  square(state, accel::lesson::matmul_ikj);
}
void BM_matmul_tiled(benchmark::State& state) {
  const auto tile = std::size_t(state.range(1));
  square(state, [tile](const float* a, const float* b, float* c, std::size_t n) {
    s05::matmul_tiled(a, b, c, n, n, n, tile);
  });
}
void BM_matmul_tiled_one_k(benchmark::State& state) {
  const auto tile = std::size_t(state.range(1));
  square(state, [tile](const float* a, const float* b, float* c, std::size_t n) { matmul_tiled_one_k(a, b, c, n, tile); });
}
void BM_matmul_ikj_four_k(benchmark::State& state) {
  square(state, [](const float* a, const float* b, float* c, std::size_t n) { matmul_ikj_four_k(a, b, c, n); });
}
void BM_matmul_packed(benchmark::State& state) {
  square(state, [](const float* a, const float* b, float* c, std::size_t n) { s05::matmul_packed(a, b, c, n, n, n); });
}
void BM_matmul_blis(benchmark::State& state) {
#if defined(ACCEL_HAVE_BLIS)
  state.SetLabel("BLIS kernels: " + accel::blis_kernels());
  square(state, [](const float* a, const float* b, float* c, std::size_t n) { accel::blis_sgemm(a, b, c, n, n, n); });
#else
  state.SkipWithError("BLIS is not installed here");
#endif
}
void BM_matmul_openblas(benchmark::State& state) {
#if defined(ACCEL_BLAS_OPENBLAS)
  openblas_set_num_threads(1);
#endif
  state.SetLabel(accel::blas_vendor());  // OpenBLAS names the kernels it runs
  square(state, [](const float* a, const float* b, float* c, std::size_t n) { matmul_blas(a, b, c, n, n, n); });
}

// 255 and 1000: sizes no block size divides; 1024 and 2048: powers of two, where a column
// walk maps every row to the same few cache sets.
BENCHMARK(BM_matmul_ikj)->Arg(255)->Arg(256)->Arg(512)->Arg(1000)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_matmul_tiled)->ArgsProduct({{255, 512, 1000, 1024, 2048}, {32, 64, 128, 256}})->ArgNames({"n", "tile"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_matmul_tiled_one_k)->ArgsProduct({{256, 1024, 2048}, {128, 256}})->ArgNames({"n", "tile"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_matmul_ikj_four_k)->Arg(256)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_matmul_packed)->Arg(64)->Arg(128)->Arg(255)->Arg(512)->Arg(1000)->Arg(1024)->Arg(2048)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_matmul_openblas)->Arg(64)->Arg(128)->Arg(255)->Arg(512)->Arg(1000)->Arg(1024)->Arg(2048)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_matmul_blis)->Arg(64)->Arg(128)->Arg(255)->Arg(512)->Arg(1000)->Arg(1024)->Arg(2048)
    ->Unit(benchmark::kMillisecond);

}  // namespace
