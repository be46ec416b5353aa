#pragma once
// Stage 07 — the capstone: a transformer MLP block, profiled. Read-only: write your code in
// capstone.cpp.
//
// The block of every transformer layer, with PyTorch's nn.Linear shapes:
//   y = GELU(x·W1ᵀ + b1)·W2ᵀ + b2
//   x (batch, d_model)   W1 (d_ff, d_model)   b1 (d_ff)   W2 (d_model, d_ff)   b2 (d_model)
//   y (batch, d_model)   and the hidden activation h = x·W1ᵀ + b1 is (batch, d_ff).
// GELU is stage 04's tanh form, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), accurate to
// 1e-5 + 1e-4·|GELU| against the same formula in double precision, with
// GELU(+inf) = +inf, GELU(−inf) = 0, GELU(NaN) = NaN.
// This stage may call BLAS (cblas_sgemm): <cblas.h> with OpenBLAS, <Accelerate/Accelerate.h>
// on macOS; the build defines ACCEL_BLAS_OPENBLAS or ACCEL_BLAS_ACCELERATE for capstone.cpp.
//
// Rules every block function keeps (mlp_naive, mlp_fast, profile_mlp):
// - Any of batch, d_model, d_ff may be 0: batch 0 gives an empty y, d_ff 0 gives y = b2 in
//   every row, d_model 0 gives h = b1 in every row.
// - Shapes: std::invalid_argument naming every operand's shape, e.g.
//   "mlp_fast: shape mismatch: x (64, 500), W1 (2048, 512), b1 (2048), W2 (512, 2048), b2 (512)";
//   x, W1, W2 (and y) must be rank 2, b1 and b2 rank 1.
// - Non-finite values follow IEEE arithmetic through both products and GELU as above. So a
//   NaN in row r of x makes row r of y NaN and no other row; a NaN in b1 makes all of y NaN;
//   b1[k] = −inf switches hidden unit k off (GELU gives 0 in every row); b1[k] = +inf makes
//   y(i, j) = +inf where W2(j, k) > 0 and −inf where W2(j, k) < 0 (when every other value is
//   finite); a NaN in b2[j] makes column j of y NaN and no other column.
// - Accuracy: y is compared with the block computed in double precision, within the
//   componentwise error bound of two float GEMMs and the GELU tolerance (README.md).

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "accel/profiler.hpp"
#include "accel/tensor.hpp"

namespace accel::stage07 {

// Task 1. The block as a first attempt writes it: every step a new Tensor. Both products as
// plain loops (no BLAS, no intrinsics), each bias in its own pass over the product, and
// GELU as stage 04's seven passes (cube, scaled, inner, arg, t = std::tanh(arg), one_plus,
// result), each producing a new tensor. This is the baseline the stage measures, so do not
// fuse or vectorize it: the tests check that it allocates GELU's temporaries.
Tensor mlp_naive(const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2, const Tensor& b2);

// Task 2. The block's epilogue in one pass, in place: h[r·C + c] = GELU(h[r·C + c] + bias[c])
// for h a row-major matrix of C = bias.size() columns. SIMD, with your own vector exp (or
// tanh) as in stage 04: 16 floats per step with AVX-512, 8 with AVX2+FMA, 4 with NEON, a
// scalar fallback otherwise. Any number of columns (each row has its tail), any alignment of
// h and bias, nothing touched past h's end, no heap allocation.
// std::invalid_argument naming the lengths when h.size() is not a whole number of rows, or
// bias is empty and h is not. Empty h with empty bias does nothing.
void bias_gelu(std::span<float> h, std::span<const float> bias);

// Which branch bias_gelu was compiled to: "AVX-512", "AVX2+FMA", "NEON" or "scalar".
const char* bias_gelu_path();

// Task 3. Scratch memory for mlp_fast, owned by the caller and kept across calls, so that
// the block's hidden activation is allocated once, not on every call.
class MlpWorkspace {
 public:
  MlpWorkspace() = default;  // empty: the first call sizes it

  // The hidden activation of a call with `rows` rows: rows·d_ff floats, 64-byte aligned,
  // contents unspecified. Reallocates only when the storage holds fewer floats, and never
  // shrinks, so once the largest call has run no call allocates. Calling it once up front
  // with the largest batch sizes the workspace before any timed call.
  std::span<float> hidden(std::size_t rows, std::size_t d_ff);

  std::size_t capacity() const { return storage_.size(); }  // floats held

 private:
  Tensor storage_{Shape{0}};
};

// Task 3. The block as fast as its two GEMMs allow, into the caller's y (batch, d_model),
// whose old contents are ignored (NaN in y is fine):
//   - two cblas_sgemm calls, W1 and W2 passed with CblasTrans (no transposed copy);
//   - b2 folded into the second: y pre-filled with b2 in every row, beta = 1 (stage 03);
//   - b1 and GELU in one bias_gelu pass over the hidden activation, in the workspace;
//   - no heap allocation once the workspace has room (with single-threaded BLAS, as the
//     grader runs it: a threaded OpenBLAS allocates for its threads on its own).
// y may be x itself (the block then replaces its input): x is read only by the first GEMM,
// before y is written. Errors as for every block function, and a y that is not
// (batch, d_model), named beside x: "mlp_fast: y (64, 511) must be (batch, d_model) for x (64, 512)".
void mlp_fast(const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2, const Tensor& b2,
              MlpWorkspace& workspace, Tensor& y);

// ---- Task 4: the profile ------------------------------------------------------------------

enum class MlpVariant { naive, fast };

// The three regions of the block, in the order they run.
inline constexpr std::array<std::string_view, 3> kMlpRegionNames = {"gemm 1", "bias + GELU", "gemm 2"};

// FLOPs and bytes of one block call, per region, for batch B, d_model D, d_ff F.
// FLOPs are the block's arithmetic, the same for both variants: a product 2 per
// multiply-add, a bias add 1 per element, GELU 9 per element (tanh counted as 1, stage 04):
//   gemm 1       2·B·F·D
//   bias + GELU  10·B·F
//   gemm 2       2·B·D·F + B·D           (the product and b2)
// Bytes are what the variant's passes move: 4 per float, every array a pass reads or
// writes counted once per pass (the course's count: caches and write-allocate left out):
//   gemm 1       4·(B·D + F·D + B·F)     reads x and W1, writes h
//   bias + GELU  fast:  4·(2·B·F + F)             one pass: reads h and b1, writes h
//                naive: 4·(2·B·F + F) + 64·B·F    the bias pass, then GELU's seven
//                                                 passes (9 array reads + 7 writes)
//   gemm 2       4·(B·F + D·F + D + 3·B·D)  two passes in both variants: fast fills y with
//                b2 (reads b2, writes y), then accumulates (reads h, W2 and y, writes y);
//                naive multiplies (reads the GELU output and W2, writes y), then adds b2
//                (reads y and b2, writes y)
std::array<OpCost, 3> mlp_region_costs(MlpVariant variant, std::size_t batch, std::size_t d_model, std::size_t d_ff);

struct MlpRegion {
  std::string_view name;  // kMlpRegionNames[i]
  OpCost cost;            // mlp_region_costs(...)[i]
  double ms = 0;          // median time of this region per block call
  double share = 0;       // ms over the sum of the three regions' ms (0 when that sum is 0)
  double gflops() const { return ms > 0 ? gflops_per_second(cost.flops, ms) : 0; }
  double intensity() const { return cost.intensity(); }
};

struct MlpProfile {
  std::array<MlpRegion, 3> regions;
  Tensor output{Shape{0}};  // y of the last profiled call: the profile timed the real block
  double total_ms() const { return regions[0].ms + regions[1].ms + regions[2].ms; }
};

// Task 4. Runs the block `rounds` times (after one untimed warm-up round) with the given
// variant's code, the three regions timed separately in every round with accel::Profiler's
// named regions (Profiler::time_region), and returns each region's median time, cost and
// share. The fast variant times exactly the steps mlp_fast takes, with a workspace and y of
// its own; the naive one the steps of mlp_naive. Errors as for every block function, and
// rounds == 0 → std::invalid_argument naming it.
MlpProfile profile_mlp(MlpVariant variant, const Tensor& x, const Tensor& W1, const Tensor& b1, const Tensor& W2,
                       const Tensor& b2, std::size_t rounds);

}  // namespace accel::stage07
