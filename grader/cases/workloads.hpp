#pragma once
// The work behind every timed case of the grader, shared by three programs: the baseline
// bench (grader-owned kernels only), each stage's candidate bench (the student's kernels)
// and the grader itself, which rebuilds a case's inputs to check what the timed process
// produced. No kernel lives here.
//
// Two rules make a timed output worth checking:
//  - Inputs are generated from a seed, so the grader can rebuild them outside the process
//    that ran student code, and check the output against its own computation.
//  - Every timed call gets inputs no earlier call had, changed in a way that no cache of
//    earlier results can turn into less work than the call itself (see prepare() of each
//    kind), so memoising, special-casing or skipping calls gives a wrong last output.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "accel/profiler.hpp"
#include "accel/tensor.hpp"

namespace accel::grade {

enum class Kind { matmul, dot, gelu, linear, transpose, mlp, add, sum };

// A kind and its sizes: matmul (M, N, K); dot (n); gelu (n); linear (batch, in, out);
// transpose (rows, cols); mlp (batch, d_model, d_ff); add (n); sum (n).
struct WorkloadSpec {
  Kind kind = Kind::dot;
  std::size_t d0 = 0, d1 = 0, d2 = 0;

  bool operator==(const WorkloadSpec&) const = default;
  OpCost cost() const;                // compulsory FLOPs and bytes of one call
  std::string arguments() const;      // "(512, 512, 512)", for messages
  // Whether the harness times each call alone, with its preparation outside the clock. A
  // dot product of an L1-sized vector takes ~100 ns and is prepared with one store: its
  // calls are timed as a loop, since a clock read per call would be half the time.
  bool timed_per_call() const { return kind != Kind::dot; }
};

// The harness's untimed calls before the timed ones (harness.cpp says why two), and their
// call numbers: past any timed call's (1, 2, ...), so a warm-up never sees a timed call's inputs.
inline constexpr std::uint64_t kWarmupCalls = 2;
inline constexpr std::uint64_t kWarmupCallBase = std::uint64_t{1} << 62;

class Workload {
 public:
  explicit Workload(WorkloadSpec spec) : spec_(spec) {}
  virtual ~Workload() = default;
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  const WorkloadSpec& spec() const { return spec_; }
  // Sets the inputs to those of call number `call`: a pure function of (seed, call), so
  // the grader can rebuild the last call's inputs with one prepare(last) on a fresh
  // workload. Cheap next to the kernel, and part of every timed call, baseline and
  // candidate alike.
  virtual void prepare(std::uint64_t call) = 0;
  virtual std::span<float> output() = 0;

 private:
  WorkloadSpec spec_;
};

// C = A·B: A M×K, B K×N, C M×N. Call c multiplies the columns of A by scales drawn for c:
// A_c·B = A·(D_c·B) has no shortcut from any earlier product.
class MatmulWorkload final : public Workload {
 public:
  MatmulWorkload(WorkloadSpec spec, std::uint64_t seed);
  void prepare(std::uint64_t call) override;
  std::span<float> output() override { return c.span(); }
  std::size_t m() const { return spec().d0; }
  std::size_t n() const { return spec().d1; }
  std::size_t k() const { return spec().d2; }

  Tensor a, b, c;

 private:
  Tensor a_base_;
  std::uint64_t seed_;
  std::vector<float> scales_;
};

// Σ a[i]·b[i]. Call c changes one element of a (the rest is the base), so that the product
// moves by 2 to 4: finding the element takes a pass over a, which costs as much as the
// dot product itself.
class DotWorkload final : public Workload {
 public:
  DotWorkload(WorkloadSpec spec, std::uint64_t seed);
  void prepare(std::uint64_t call) override;
  std::span<float> output() override { return result.span(); }
  std::size_t n() const { return spec().d0; }

  Tensor a, b;
  Tensor result{{1}};  // where a runner stores the dot product

 private:
  Tensor a_base_;
  std::size_t changed_ = 0;
};

// out[i] = GELU(x[i]). Call c shifts every x by an offset drawn for c: every element is
// new, and GELU(x + s) cannot be had from GELU(x).
class GeluWorkload final : public Workload {
 public:
  GeluWorkload(WorkloadSpec spec, std::uint64_t seed);
  void prepare(std::uint64_t call) override;
  std::span<float> output() override { return out.span(); }
  std::size_t n() const { return spec().d0; }

  Tensor x, out;

 private:
  Tensor x_base_;
  std::uint64_t seed_;
};

// y = x·Wᵀ + bias: x batch×in, W out×in, bias out, y batch×out. Call c scales the
// columns of x, as MatmulWorkload scales A.
class LinearWorkload final : public Workload {
 public:
  LinearWorkload(WorkloadSpec spec, std::uint64_t seed);
  void prepare(std::uint64_t call) override;
  std::span<float> output() override { return y.span(); }
  std::size_t batch() const { return spec().d0; }
  std::size_t in() const { return spec().d1; }
  std::size_t out() const { return spec().d2; }

  Tensor x, w, bias, y;

 private:
  Tensor x_base_;
  std::uint64_t seed_;
  std::vector<float> scales_;
};

// out (cols × rows) = inᵀ (rows × cols). Every element of in is new in every call (random,
// from a hash of the call and its index): a transpose only moves data, so an input that
// changed in a few places, or by a rule applied to every element (a shift, a scale), would
// let a kernel rebuild its output from its last one with a sequential pass, cheaper than
// the transpose it is timed for.
class TransposeWorkload final : public Workload {
 public:
  TransposeWorkload(WorkloadSpec spec, std::uint64_t seed);
  void prepare(std::uint64_t call) override;
  std::span<float> output() override { return out.span(); }
  std::size_t rows() const { return spec().d0; }
  std::size_t cols() const { return spec().d1; }

  Tensor in, out;

 private:
  std::uint64_t seed_;
};

// A transformer MLP block, y = GELU(x·W1ᵀ + b1)·W2ᵀ + b2: x batch×d_model, W1 d_ff×d_model,
// b1 d_ff, W2 d_model×d_ff, b2 d_model, y batch×d_model. Call c scales the columns of x, as
// LinearWorkload does.
class MlpWorkload final : public Workload {
 public:
  MlpWorkload(WorkloadSpec spec, std::uint64_t seed);
  void prepare(std::uint64_t call) override;
  std::span<float> output() override { return y.span(); }
  std::size_t batch() const { return spec().d0; }
  std::size_t d_model() const { return spec().d1; }
  std::size_t d_ff() const { return spec().d2; }

  Tensor x, w1, b1, w2, b2, y;

 private:
  Tensor x_base_;
  std::uint64_t seed_;
  std::vector<float> scales_;
};

// c[i] = a[i] + b[i]. Call c shifts every a by an offset drawn for c, as GeluWorkload
// shifts x: every element is new.
class AddWorkload final : public Workload {
 public:
  AddWorkload(WorkloadSpec spec, std::uint64_t seed);
  void prepare(std::uint64_t call) override;
  std::span<float> output() override { return c.span(); }
  std::size_t n() const { return spec().d0; }

  Tensor a, b, c;

 private:
  Tensor a_base_;
  std::uint64_t seed_;
};

// Σ x[i]. Every x is +1 or -1, so every partial sum of up to 2^24 of them is a whole number
// a float holds exactly, and the sum has one right answer in any order: the grader checks
// it exactly, whatever order a kernel adds in, and an element left out or added twice moves
// it. Call c flips the sign of one element (the rest is the base): finding it takes a pass
// over x, as much as the sum.
class SumWorkload final : public Workload {
 public:
  SumWorkload(WorkloadSpec spec, std::uint64_t seed);
  void prepare(std::uint64_t call) override;
  std::span<float> output() override { return result.span(); }
  std::size_t n() const { return spec().d0; }

  Tensor x;
  Tensor result{{1}};  // where a runner stores the sum

 private:
  Tensor x_base_;
  std::size_t changed_ = 0;
};

std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, std::uint64_t seed);

// A runner's view of its workload. The harness checks, before anything is timed, that a
// runner is registered for the kind of its case, so a plain cast is safe (and costs
// nothing inside the timed loop, where a dynamic_cast would be measured).
template <typename Concrete>
Concrete& as(Workload& workload) {
  return static_cast<Concrete&>(workload);
}

// The catalog: every case name the rubric may use, and the workload it times.
// "baseline/..." cases run in the baseline bench, "student/..." in a stage's bench.
struct CaseEntry {
  std::string_view name;  // "student/matmul_ikj/512"
  WorkloadSpec spec;
};
const CaseEntry* find_case(std::string_view name);

// "matmul_ikj" from "student/matmul_ikj/512": the function a message names.
std::string_view function_of(std::string_view case_name);

// The output dump a timed program sends the grader: this magic, the number of the last
// call (uint64), the count of floats (uint64), the floats; native byte order, since the
// grader runs on the same machine.
inline constexpr char kDumpMagic[8] = {'A', 'C', 'C', 'E', 'L', 'D', 'M', 'P'};

}  // namespace accel::grade
