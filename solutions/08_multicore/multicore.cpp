// Stage 08 reference — every core: a static-partition parallel_for over std::jthread, the
// memory-bound pair (add, GELU), stage 05's packed GEMM with its rows split the way BLIS
// splits its third loop, a sum with and without false sharing, and Amdahl's law.

#include "multicore.hpp"

#include <algorithm>
#include <barrier>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "accel/blend.hpp"
#include "accel/cache_model.hpp"
#include "accel/cpu_info.hpp"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace accel::stage08 {
namespace {

void require_threads(const char* function, unsigned threads) {
  if (threads == 0) throw std::invalid_argument(std::string(function) + ": threads must be at least 1, got 0");
}

// The start of share i of n items over t shares: ⌊i·n/t⌋, computed as i·⌊n/t⌋ + ⌊i·(n mod t)/t⌋
// so that i·n cannot overflow.
std::size_t share_start(std::size_t i, std::size_t n, std::size_t t) { return i * (n / t) + i * (n % t) / t; }

// ---- GELU, vectorizable as plain code ----
// The identity 0.5·(1 + tanh(u)) = 1 / (1 + exp(-2u)) turns GELU into x / (1 + exp(z)),
// z = x·(a + b·x²) (stage 04's reference derives it). exp(z) by range reduction, z = k·ln2 + r,
// exp(z) = 2^k·exp(r), with k rounded by adding 1.5·2^23 and 2^k built in the exponent bits:
// every step is a float or int operation on one lane, and every select an accel::blend (a
// float select would leave the loop scalar in an AVX2 build, accel/blend.hpp says why), so
// GCC vectorizes the loop at the machine's widest vectors without one intrinsic.
constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kZScale = -2.0f * kSqrt2OverPi;        // a
constexpr float kZCubicScale = kZScale * 0.044715f;    // b
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2 = 0.693147180559945309f;
constexpr float kRoundingMagic = 12582912.0f;          // 1.5·2^23
constexpr float kExpMin = -87.0f, kExpMax = 88.0f;     // 2^k stays a normal float
constexpr float kZeroBelow = -10.0f;                   // GELU(x) < 1e-22 there: 0, and GELU(-inf) = 0

float gelu(float x) {
  const float z_raw = x * (kZScale + kZCubicScale * x * x);
  const float z_low = blend(z_raw < kExpMin, kExpMin, z_raw);
  const float z = blend(z_low > kExpMax, kExpMax, z_low);
  const float shifted = z * kLog2e + kRoundingMagic;
  const std::int32_t k = std::bit_cast<std::int32_t>(shifted) - std::bit_cast<std::int32_t>(kRoundingMagic);
  const float r = z - (shifted - kRoundingMagic) * kLn2;
  // exp(r) for |r| ≤ ln2/2 by its Taylor polynomial of degree 5 (next term below 2e-7).
  const float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120)))));
  const float exp_z = p * std::bit_cast<float>((k + 127) << 23);
  return blend(x < kZeroBelow, 0.0f, x) / (1.0f + exp_z);
}

// ---- stage 05's packed GEMM, whose rows matmul_parallel splits over threads ----
// The same micro-kernel, packing and blocking as stage 05's reference (a stage's reference
// is one file, as a student's submission is, so it carries its own copy).

// ---- the micro-kernel's vector type, one struct per instruction set ----
// MR × NR is the block of C the micro-kernel keeps in registers: MR rows broadcast from A,
// NR columns loaded from B as NR / kLanes vectors, MR · NR / kLanes accumulators.

#if defined(__AVX512F__)
// 32 zmm registers of 16 floats: 14 rows × 2 vectors = 28 accumulators, 2 for the row of
// B and 1 for the broadcast A value: 31 of 32. 28 independent FMAs per k step cover two
// FMA pipes of latency 4 three times over, for 2 vector loads of B and 14 broadcasts of
// A. (12 rows, 24 accumulators, measured about 10 % slower here: fewer FMAs per load.)
struct Simd {
  using Vec = __m512;
  static constexpr std::size_t kLanes = 16, kMR = 14, kNR = 32;
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static Vec broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
};
#elif defined(__AVX2__) && defined(__FMA__)
// 16 ymm registers of 8 floats: 6 rows × 2 vectors = 12 accumulators, 2 for B and 1 for
// the broadcast: 15 of 16. Twelve FMAs in flight cover Zen 3's two pipes of latency 4.
struct Simd {
  using Vec = __m256;
  static constexpr std::size_t kLanes = 8, kMR = 6, kNR = 16;
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static Vec broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
};
#elif defined(__ARM_NEON) && defined(__aarch64__)
// 32 registers of 4 floats: 8 rows × 3 vectors = 24 accumulators, 3 for B and the A
// values: 28 of 32 (the 8×12 block of BLIS's and OpenBLAS's Armv8 kernels).
struct Simd {
  using Vec = float32x4_t;
  static constexpr std::size_t kLanes = 4, kMR = 8, kNR = 12;
  static Vec zero() { return vdupq_n_f32(0.0f); }
  static Vec load(const float* p) { return vld1q_f32(p); }
  static Vec broadcast(const float* p) { return vld1q_dup_f32(p); }
  static Vec fma(Vec a, Vec b, Vec c) { return vfmaq_f32(c, a, b); }
  static Vec add(Vec a, Vec b) { return vaddq_f32(a, b); }
  static void store(float* p, Vec v) { vst1q_f32(p, v); }
};
#else
// Plain floats: 4×4 accumulators, which the compiler keeps in registers and may vectorize.
struct Simd {
  using Vec = float;
  static constexpr std::size_t kLanes = 1, kMR = 4, kNR = 4;
  static Vec zero() { return 0.0f; }
  static Vec load(const float* p) { return *p; }
  static Vec broadcast(const float* p) { return *p; }
  static Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
  static Vec add(Vec a, Vec b) { return a + b; }
  static void store(float* p, Vec v) { *p = v; }
};
#endif

constexpr std::size_t kMR = Simd::kMR, kNR = Simd::kNR, kVecs = kNR / Simd::kLanes;

// C[0..rows)[0..cols) = (or +=, with accumulate) the product of one packed MR×kc
// micro-panel of A (MR floats per k step) and one packed kc×NR micro-panel of B (NR floats
// per k step), of which it computes the first Vecs vectors' columns: an edge micro-panel of
// B one vector wide or less takes the 1-vector kernel, instead of computing zeros for the
// rest (at n = 1000 on AVX-512, 8 columns of the last 32: 2 % of all the work). The unroll
// pragmas let GCC keep acc in registers (see stage 02).
template <std::size_t Vecs>
void micro_kernel(std::size_t kc, const float* a, const float* b, float* c, std::size_t ldc, std::size_t rows,
                  std::size_t cols, bool accumulate) {
  Simd::Vec acc[kMR][Vecs];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < Vecs; ++v) acc[r][v] = Simd::zero();
  }
  // C's block is needed only after the k loop: ask for its lines now. When N is a power of
  // two its rows are a multiple of 4 KiB apart and share one L1 set, so they miss often.
  for (std::size_t r = 0; r < rows; ++r) {
    __builtin_prefetch(c + r * ldc, 1);
    __builtin_prefetch(c + r * ldc + cols - 1, 1);
  }
  // Four k steps per trip, as BLIS's kernels unroll theirs (stage 05's reference says why).
#pragma GCC unroll 4
  for (std::size_t k = 0; k < kc; ++k, a += kMR, b += kNR) {
    Simd::Vec b_row[Vecs];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < Vecs; ++v) b_row[v] = Simd::load(b + v * Simd::kLanes);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < kMR; ++r) {
      const Simd::Vec a_value = Simd::broadcast(a + r);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < Vecs; ++v) acc[r][v] = Simd::fma(a_value, b_row[v], acc[r][v]);
    }
  }
  if (rows == kMR && cols == Vecs * Simd::kLanes) {  // a whole block: straight into C
#pragma GCC unroll 16
    for (std::size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 4
      for (std::size_t v = 0; v < Vecs; ++v) {
        float* out = c + r * ldc + v * Simd::kLanes;
        Simd::store(out, accumulate ? Simd::add(Simd::load(out), acc[r][v]) : acc[r][v]);
      }
    }
    return;
  }
  // An edge block: through a buffer, so only the rows × cols that belong to C are written.
  alignas(64) float block[kMR * kNR];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < Vecs; ++v) Simd::store(block + r * kNR + v * Simd::kLanes, acc[r][v]);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < cols; ++j) c[r * ldc + j] = (accumulate ? c[r * ldc + j] : 0.0f) + block[r * kNR + j];
  }
}

// B's kc×nc slice (rows ldb apart) as ⌈nc/NR⌉ micro-panels, each kc rows of NR floats in
// a row. Columns past nc are zeros: the micro-kernel computes them and they are dropped, but
// on defined numbers (uninitialized memory may hold denormals, which are slow). Copied row
// by row of B, so that the reads run along whole rows, which the prefetcher follows; a row
// of NR floats is kVecs vectors (a call to memcpy is not free).
void pack_b(const float* B, std::size_t ldb, std::size_t kc, std::size_t nc, float* packed) {
  const std::size_t full = nc / kNR * kNR;
  for (std::size_t k = 0; k < kc; ++k) {
    const float* b_row = B + k * ldb;
    for (std::size_t j = 0; j < full; j += kNR) {
#pragma GCC unroll 4
      for (std::size_t v = 0; v < kVecs; ++v) {
        Simd::store(packed + j * kc + k * kNR + v * Simd::kLanes, Simd::load(b_row + j + v * Simd::kLanes));
      }
    }
  }
  if (full == nc) return;
  float* panel = packed + full * kc;
  for (std::size_t k = 0; k < kc; ++k) {
    std::copy_n(B + k * ldb + full, nc - full, panel + k * kNR);
    std::fill(panel + k * kNR + nc - full, panel + (k + 1) * kNR, 0.0f);
  }
}

// A's mc×kc block (rows lda apart) as ⌈mc/MR⌉ micro-panels, each kc columns of MR floats
// (A transposed, MR rows at a time); rows past mc are zeros.
void pack_a(const float* A, std::size_t lda, std::size_t mc, std::size_t kc, float* packed) {
  for (std::size_t i = 0; i < mc; i += kMR) {
    const std::size_t rows = std::min(kMR, mc - i);
    float* panel = packed + i * kc;
    if (rows == kMR) {  // k outside: the MR rows' cache lines are fetched side by side, not row after row
      for (std::size_t k = 0; k < kc; ++k) {
#pragma GCC unroll 16
        for (std::size_t r = 0; r < kMR; ++r) panel[k * kMR + r] = A[(i + r) * lda + k];
      }
      continue;
    }
    for (std::size_t r = 0; r < rows; ++r) {
      const float* a_row = A + (i + r) * lda;
      for (std::size_t k = 0; k < kc; ++k) panel[k * kMR + r] = a_row[k];
    }
    for (std::size_t r = rows; r < kMR; ++r) {
      for (std::size_t k = 0; k < kc; ++k) panel[k * kMR + r] = 0.0f;
    }
  }
}

std::size_t round_up(std::size_t value, std::size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

// KC, MC and NC from the caches, by the analytical model of BLIS (Low et al., ACM TOMS
// 2016): a block that must stay in a set-associative cache gets whole ways of it, and one
// way is left for what streams past. Both geometries must have sets (a size, a line size
// and ways); l3_bytes 0 stands for 8 MiB.
struct Blocks {
  std::size_t kc, mc, nc;
};

Blocks analytic_blocks(const CacheGeometry& l1d, const CacheGeometry& l2, std::size_t l3_bytes) {
  constexpr std::size_t kFloat = sizeof(float), kMaxNC = 4096;
  // L1: B's kc×NR micro-panel, which every micro-panel of A in the block reuses, gets all of
  // it; A streams from L2 behind the prefetcher, and a deeper kc means fewer trips of C to
  // L3 and back (stage 05's reference says more).
  Blocks blocks{};
  blocks.kc = std::max<std::size_t>(1, l1d.size_bytes / (kFloat * kNR));
  // L2: A's block gets the ways that B's micro-panel (streaming through) and C leave free.
  const std::size_t l2_way = l2.size_bytes / l2.ways;
  const std::size_t b_ways_l2 = (blocks.kc * kNR * kFloat + l2_way - 1) / l2_way;
  const std::size_t a_ways_l2 = l2.ways > b_ways_l2 + 1 ? l2.ways - 1 - b_ways_l2 : 1;
  blocks.mc = std::max(kMR, a_ways_l2 * l2_way / (kFloat * blocks.kc) / kMR * kMR);
  // L3 (shared with the other cores): half of it for B's panel.
  const std::size_t l3 = l3_bytes ? l3_bytes : std::size_t{8} << 20;
  blocks.nc = std::clamp(l3 / 2 / (kFloat * blocks.kc) / kNR * kNR, kNR, kMaxNC / kNR * kNR);
  return blocks;
}

// ---- the packed GEMM's buffers ----
// One 64-byte-aligned buffer, kept from call to call and grown when a product needs more:
// allocated per call, its pages would be faulted in by every call.
float* packing_buffer(std::size_t floats) {
  static std::unique_ptr<float[], decltype(&std::free)> buffer(nullptr, &std::free);
  static std::size_t capacity = 0;
  if (floats > capacity) {
    buffer.reset(static_cast<float*>(std::aligned_alloc(64, round_up(floats * sizeof(float), 64))));
    if (!buffer) {
      capacity = 0;
      throw std::bad_alloc();
    }
    capacity = floats;
  }
  return buffer.get();
}

}  // namespace

void parallel_for(std::size_t begin, std::size_t end, unsigned threads,
                  const std::function<void(std::size_t first, std::size_t last)>& body) {
  require_threads("parallel_for", threads);
  if (begin > end) {
    throw std::invalid_argument("parallel_for: begin " + std::to_string(begin) + " is past end " + std::to_string(end));
  }
  const std::size_t n = end - begin;
  if (n == 0) return;
  const std::size_t shares = std::min<std::size_t>(threads, n);
  auto first_of = [&](std::size_t i) { return begin + share_start(i, n, shares); };
  std::mutex error_mutex;
  std::exception_ptr first_error;
  auto run_share = [&](std::size_t i) {
    try {
      body(first_of(i), first_of(i + 1));
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> workers;  // joined when this block ends, even if starting one throws
    workers.reserve(shares - 1);
    for (std::size_t i = 1; i < shares; ++i) workers.emplace_back(run_share, i);
    run_share(0);  // the calling thread takes the first share instead of waiting idle
  }
  if (first_error) std::rethrow_exception(first_error);
}

void add_parallel(const float* a, const float* b, float* c, std::size_t n, unsigned threads) {
  require_threads("add_parallel", threads);
  parallel_for(0, n, threads, [=](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) c[i] = a[i] + b[i];
  });
}

void gelu_parallel(const float* x, float* out, std::size_t n, unsigned threads) {
  require_threads("gelu_parallel", threads);
  parallel_for(0, n, threads, [=](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) out[i] = gelu(x[i]);
  });
}

void matmul_parallel(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K,
                     unsigned threads) {
  require_threads("matmul_parallel", threads);
  if (M == 0 || N == 0) return;
  if (K == 0) {
    std::fill_n(C, M * N, 0.0f);
    return;
  }
  // The blocks of stage 05's packed GEMM. L1 and L2 are each core's own, so every thread's
  // micro-panel of B and block of A get a whole one; B's panel is shared in the L3.
  static const Blocks blocks =
      analytic_blocks(l1d_geometry(), l2_geometry(), cpu_info().l3_bytes);
  const std::size_t KC = blocks.kc, MC = blocks.mc, NC = blocks.nc;
  // Thread t takes a static share of C's MR-row micro-panels: whole panels, so the shares
  // differ by at most MR rows and every micro-kernel call stays within one thread's rows.
  const std::size_t row_panels = (M + kMR - 1) / kMR;
  const std::size_t team = std::min<std::size_t>(threads, row_panels);
  const std::size_t rows_per_share = (row_panels + team - 1) / team * kMR;
  // One buffer: B's panel, shared, then each thread's block of A, each on a cache line.
  const std::size_t b_floats = round_up(std::min(KC, K) * round_up(std::min(NC, N), kNR), 16);
  const std::size_t a_floats = round_up(std::min(KC, K) * round_up(std::min(MC, rows_per_share), kMR), 16);
  float* const packed_b = packing_buffer(b_floats + team * a_floats);

  // Every thread packs its share of B's micro-panels, waits for the others (the panel is
  // whole), multiplies its rows, and waits again before the panel is packed anew.
  std::barrier sync{std::ptrdiff_t(team)};
  parallel_for(0, team, unsigned(team), [&](std::size_t t, std::size_t) {
    float* const packed_a = packed_b + b_floats + t * a_floats;
    const std::size_t row_begin = share_start(t, row_panels, team) * kMR;
    const std::size_t row_end = std::min(M, share_start(t + 1, row_panels, team) * kMR);
    for (std::size_t jc = 0; jc < N; jc += NC) {  // loop 5: a panel of NC columns
      const std::size_t nc = std::min(NC, N - jc);
      const std::size_t col_panels = (nc + kNR - 1) / kNR;
      for (std::size_t pc = 0; pc < K; pc += KC) {  // loop 4: KC steps of k; B's panel to L3
        const std::size_t kc = std::min(KC, K - pc);
        const std::size_t j0 = share_start(t, col_panels, team) * kNR;
        const std::size_t j1 = std::min(nc, share_start(t + 1, col_panels, team) * kNR);
        if (j0 < j1) pack_b(B + pc * N + jc + j0, N, kc, j1 - j0, packed_b + j0 * kc);
        sync.arrive_and_wait();
        for (std::size_t ic = row_begin; ic < row_end; ic += MC) {  // loop 3: this thread's rows, MC at a time
          const std::size_t mc = std::min(MC, row_end - ic);
          pack_a(A + ic * K + pc, K, mc, kc, packed_a);
          for (std::size_t jr = 0; jr < nc; jr += kNR) {    // loop 2
            for (std::size_t ir = 0; ir < mc; ir += kMR) {  // loop 1
              const std::size_t rows = std::min(kMR, mc - ir), cols = std::min(kNR, nc - jr);
              float* const c = C + (ic + ir) * N + jc + jr;
              if (cols <= Simd::kLanes) {
                micro_kernel<1>(kc, packed_a + ir * kc, packed_b + jr * kc, c, N, rows, cols, pc > 0);
              } else {
                micro_kernel<kVecs>(kc, packed_a + ir * kc, packed_b + jr * kc, c, N, rows, cols, pc > 0);
              }
            }
          }
        }
        sync.arrive_and_wait();
      }
    }
  });
}

float sum_adjacent_counters(const float* x, std::size_t n, unsigned threads) {
  require_threads("sum_adjacent_counters", threads);
  if (n == 0) return 0.0f;
  const std::size_t team = std::min<std::size_t>(threads, n);
  std::vector<float> counters(team, 0.0f);  // side by side: 16 of them share a 64-byte line
  parallel_for(0, team, unsigned(team), [&](std::size_t t, std::size_t) {
    // A load and a store per add. A sum kept in a register and only stored each time loses
    // nothing here: the store buffer hands the line a batch of stores whenever it comes back.
    volatile float* const counter = counters.data() + t;
    for (std::size_t i = share_start(t, n, team); i < share_start(t + 1, n, team); ++i) *counter = *counter + x[i];
  });
  float sum = 0.0f;
  for (const float counter : counters) sum += counter;
  return sum;
}

float sum_parallel(const float* x, std::size_t n, unsigned threads) {
  require_threads("sum_parallel", threads);
  if (n == 0) return 0.0f;
  const std::size_t team = std::min<std::size_t>(threads, n);
  // A cache line per counter. (The sum itself stays in a register; the counter is written once.)
  struct alignas(64) Counter {
    float value = 0.0f;
  };
  std::vector<Counter> counters(team);
  parallel_for(0, team, unsigned(team), [&](std::size_t t, std::size_t) {
    float sum = 0.0f;
    for (std::size_t i = share_start(t, n, team); i < share_start(t + 1, n, team); ++i) sum += x[i];
    counters[t].value = sum;
  });
  float sum = 0.0f;
  for (const Counter& counter : counters) sum += counter.value;
  return sum;
}

double amdahl_speedup(double serial_fraction, unsigned p) {
  if (!(serial_fraction >= 0.0 && serial_fraction <= 1.0) || p == 0) {
    throw std::invalid_argument("amdahl_speedup: needs a serial fraction in [0, 1] and p >= 1, got " +
                                std::to_string(serial_fraction) + " and " + std::to_string(p));
  }
  return 1.0 / (serial_fraction + (1.0 - serial_fraction) / p);
}

double serial_fraction(double t1, double tp, unsigned p) {
  if (!(t1 > 0.0 && tp > 0.0) || p < 2) {
    throw std::invalid_argument("serial_fraction: needs t1 > 0, tp > 0 and p >= 2, got " + std::to_string(t1) + ", " +
                                std::to_string(tp) + " and " + std::to_string(p));
  }
  // tp / t1 = s + (1 - s)/p  ⇒  s = (tp/t1 - 1/p) / (1 - 1/p)
  const double s = (tp / t1 - 1.0 / p) / (1.0 - 1.0 / p);
  return std::clamp(s, 0.0, 1.0);
}

}  // namespace accel::stage08
