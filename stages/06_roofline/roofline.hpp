#pragma once
// Stage 06 — the roofline. Read-only: write your code in roofline.cpp.
// Measure this machine's two limits (the FMA peak and the memory bandwidth), place every
// kernel of the course under them by its arithmetic intensity, predict its time, and draw
// the picture. Every function is a plain function of its arguments: no global state, so
// each can be called on its own (the grader calls the probes from a separate process).
// Bad input throws std::invalid_argument with a message that names the value.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "accel/profiler.hpp"  // accel::OpCost {flops, bytes}

namespace accel::stage06 {

// ---- Task 1: the compute roof --------------------------------------------------------

// GFLOP/s of `accumulators` independent chains acc = acc·x + y, each an FMA on the widest
// float vectors this build targets (16 lanes with AVX-512, 8 with AVX2+FMA, 4 with NEON,
// 1 in the scalar fallback), 2 FLOPs per lane per FMA, no memory traffic. The chains
// start from distinct values, so the compiler cannot merge them. The best of several
// short timed runs (a peak is what the core does undisturbed). 1 ≤ accumulators ≤ 16,
// else std::invalid_argument naming the count.
double fma_gflops(std::size_t accumulators);

// The FMA peak of one core in GFLOP/s: fma_gflops with enough accumulators to keep every
// FMA pipe busy for the whole FMA latency (pipes × latency chains, or more).
double peak_gflops();

// ---- Task 2: the memory roof ---------------------------------------------------------

// STREAM's triad a[i] = b[i] + s·c[i] over three float arrays that together take `bytes`
// (n = bytes / 12 floats each), initialized before timing. Returns GB/s (1e9 bytes/s)
// counting 12 bytes per element (two reads, one write), as STREAM does: the read a store
// may cause first (write-allocate) is not counted. The best of several timed runs, each
// long enough to time reliably. bytes < 192 (fewer than 16 floats per array) →
// std::invalid_argument naming bytes.
double stream_triad_gbps(std::size_t bytes);

// ---- Task 3: the model ---------------------------------------------------------------

// The two limits of the simple roofline: GFLOP/s of the compute roof and GB/s of the
// memory level the data streams from. Both must be positive and finite.
struct Roofs {
  double peak_gflops = 0;
  double bandwidth_gbps = 0;
};

enum class Bound { memory, compute };

// FLOPs per byte: cost.flops / cost.bytes. bytes ≤ 0, flops < 0 or either not finite →
// std::invalid_argument.
double arithmetic_intensity(const OpCost& cost);

// What the roofline allows at this intensity: min(peak, ai · bandwidth), in GFLOP/s.
// ai < 0 or not finite, or roofs not positive and finite → std::invalid_argument.
double attainable_gflops(double ai, const Roofs& roofs);

// The intensity where the two roofs meet: peak / bandwidth, in FLOP/byte.
double ridge_point(const Roofs& roofs);

// Memory-bound below the ridge point, compute-bound at or above it. Same errors.
Bound classify(double ai, const Roofs& roofs);

// The time the roofline predicts for one call: the longer of the time its FLOPs take at
// the peak and the time its bytes take at the bandwidth, in seconds. (A copy has no FLOPs
// and still takes time.) Negative or non-finite cost, or bad roofs → std::invalid_argument.
double predict_seconds(const OpCost& cost, const Roofs& roofs);

// ---- Task 4: what the course's kernels cost ------------------------------------------
// FLOPs and compulsory memory traffic of one call over float32 data, as the lesson counts
// them: every array read or written once per pass (4 bytes per element), scalars free.

OpCost add_cost(std::size_t n);            // out = a + b
OpCost dot_cost(std::size_t n);            // Σ a[i]·b[i] (one multiply and one add per element)
OpCost triad_cost(std::size_t n);          // a = b + s·c
// GELU of n elements, counting tanh as 1 FLOP (9 per element, as in stage 04): seven passes
// over whole arrays (9 array reads and 7 writes), or one fused pass (read x, write out).
OpCost gelu_unfused_cost(std::size_t n);
OpCost gelu_fused_cost(std::size_t n);
// C = A·B for n×n matrices: 2n³ FLOPs; bytes for three schedules of the same product.
// naive: nothing stays in cache, so every multiply-add loads its A and its B element and
// every C element is written once. tiled: tile×tile blocks, each A and B block loaded
// once per block product ((n/tile)³ products), C written once; 1 ≤ tile ≤ n, else
// std::invalid_argument (tile = 1 is the naive count, tile = n the ideal one).
// ideal: each matrix read or written exactly once (the seed's 3n² floats).
OpCost matmul_naive_cost(std::size_t n);
OpCost matmul_tiled_cost(std::size_t n, std::size_t tile);
OpCost matmul_ideal_cost(std::size_t n);

// ---- Task 5: the picture -------------------------------------------------------------

struct ComputeRoof {
  std::string label;  // "FMA peak", "no FMA", "no SIMD"
  double gflops = 0;
};
struct MemoryRoof {
  std::string label;  // "L1", "L2", "L3", "DRAM"
  double gbps = 0;
};
// Every roof the picture draws: the compute roofs with the FMA peak first (the highest),
// then lower ceilings; the memory roofs one per level.
struct MachineRoofs {
  std::vector<ComputeRoof> compute;
  std::vector<MemoryRoof> memory;
};
// A measured kernel: where it sits on the picture.
struct KernelPoint {
  std::string label;
  double intensity = 0;  // FLOP/byte
  double gflops = 0;     // measured GFLOP/s
};

// Writes a log-log roofline as an SVG file a browser shows, 800 × 560 user units
// (width="800" height="560"). Both axes are logarithmic over whole decades: x from the
// decade at or below the smallest to the decade at or above the largest of every
// point's intensity and every ridge point (peak / bandwidth of each memory roof); y
// likewise over every point's GFLOP/s and every compute roof; each axis at least one
// decade long. So that a program can check
// the picture, these elements carry a class attribute (other elements are free):
//   <text class="x-tick" x="…">0.1</text>   one per decade of x; its x attribute is the
//                                           horizontal position of that value
//   <text class="y-tick" y="…">100</text>   one per decade of y; its y attribute is the
//                                           vertical position of that value
//   <text class="x-title">…FLOP/byte…</text> and <text class="y-title">…GFLOP/s…</text>
//   <line class="compute-roof" data-label="FMA peak" x1 y1 x2 y2/>  horizontal, from where
//       the fastest memory roof reaches this height (or from the left end of the x axis,
//       if that is further right) to the right end of the x axis
//   <line class="memory-roof" data-label="DRAM" x1 y1 x2 y2/>  GFLOP/s = GB/s × intensity,
//       from the left end of the x axis (or from the bottom of the y axis, where the line
//       enters there) up to its ridge point, where it meets the FMA peak
//   <circle class="kernel" data-label="add (DRAM)" cx cy r/>  one per point
// and every roof and point has a visible <text> with its label. Tick texts are decimal
// numbers ("0.01", "1", "1000"). Writes nothing and throws std::invalid_argument when
// there is no compute roof or no memory roof, a compute roof is above the first, a roof or
// a point is not positive and finite, or a label repeats among the compute roofs, the
// memory roofs or the points; throws std::runtime_error naming the path when the file
// cannot be written.
void write_roofline_svg(const MachineRoofs& roofs, std::span<const KernelPoint> points, const std::string& path);

}  // namespace accel::stage06
