#include "workloads.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

namespace accel::grade {
namespace {

// splitmix64's finalizer: a counter-based generator, so any element of any call's inputs
// is a pure function of (seed, call, index), the same in every process and on every
// standard library (std::uniform_real_distribution is not).
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Uniform in [low, high) from 24 random bits: exact in float.
float uniform(std::uint64_t key, float low, float high) {
  return low + (high - low) * float(mix(key) >> 40) * 0x1p-24f;
}

// Keys of independent streams: one per tensor, and one per call for the per-call changes.
std::uint64_t stream(std::uint64_t seed, std::uint64_t which) { return mix(seed ^ (which * 0x632be59bd9b4e019ull)); }

Tensor random_tensor(Shape shape, std::uint64_t key, float low = -1.0f, float high = 1.0f) {
  Tensor tensor(std::move(shape));
  float* data = tensor.data();
  for (std::size_t i = 0; i < tensor.size(); ++i) data[i] = uniform(key + i, low, high);
  return tensor;
}

// The per-call column scales of MatmulWorkload and LinearWorkload, in [0.5, 1.5): far
// enough from 1 that a stale result is wrong by much more than rounding. `scales` is the
// workload's own buffer, so a timed call allocates nothing.
void scale_columns(const Tensor& base, Tensor& scaled, std::size_t rows, std::size_t cols, std::uint64_t key,
                   std::vector<float>& scales) {
  scales.resize(cols);
  for (std::size_t j = 0; j < cols; ++j) scales[j] = uniform(key + j, 0.5f, 1.5f);
  const float* from = base.data();
  float* to = scaled.data();
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) to[i * cols + j] = from[i * cols + j] * scales[j];
  }
}

std::uint64_t call_key(std::uint64_t seed, std::uint64_t call) { return stream(seed, 1000 + call); }

}  // namespace

OpCost WorkloadSpec::cost() const {
  const double a = double(d0), b = double(d1), c = double(d2);
  switch (kind) {
    case Kind::matmul: return matmul_cost(d0, d1, d2);
    case Kind::dot: return {2 * a, 8 * a};
    case Kind::gelu: return {9 * a, 8 * a};  // x³ (2), ·0.044715, +x, ·√(2/π), tanh (as 1), +1, ·x, ·0.5
    case Kind::linear: return {2 * a * b * c + a * c, 4 * (a * b + c * b + c + a * c)};
    case Kind::transpose: return {0, 8 * a * b};
    case Kind::add: return {a, 12 * a};
    case Kind::sum: return {a, 4 * a};
    case Kind::mlp:  // two products, b1 and GELU (10 per hidden element), b2; x, W1, b1, W2, b2, y once
      return {4 * a * b * c + 10 * a * c + a * b, 4 * (2 * a * b + 2 * b * c + b + c)};
  }
  return {};
}

std::string WorkloadSpec::arguments() const {
  if (kind == Kind::dot || kind == Kind::gelu || kind == Kind::add || kind == Kind::sum) return "(n = " + std::to_string(d0) + ")";
  if (kind == Kind::transpose) return "(" + std::to_string(d0) + " x " + std::to_string(d1) + ")";
  if (kind == Kind::mlp) {
    return "(batch " + std::to_string(d0) + ", d_model " + std::to_string(d1) + ", d_ff " + std::to_string(d2) + ")";
  }
  return "(" + std::to_string(d0) + ", " + std::to_string(d1) + ", " + std::to_string(d2) + ")";
}

MatmulWorkload::MatmulWorkload(WorkloadSpec spec, std::uint64_t seed)
    : Workload(spec),
      a({m(), k()}),
      b(random_tensor({k(), n()}, stream(seed, 2))),
      c({m(), n()}),
      a_base_(random_tensor({m(), k()}, stream(seed, 1))),
      seed_(seed) {}

void MatmulWorkload::prepare(std::uint64_t call) { scale_columns(a_base_, a, m(), k(), call_key(seed_, call), scales_); }

DotWorkload::DotWorkload(WorkloadSpec spec, std::uint64_t seed)
    : Workload(spec),
      a(random_tensor({n()}, stream(seed, 1))),
      b(random_tensor({n()}, stream(seed, 2))),
      a_base_(a) {}

void DotWorkload::prepare(std::uint64_t call) {
  if (n() == 0) return;
  // No hashing here: this runs in every timed call of a kernel that takes 100 ns.
  a.data()[changed_] = a_base_.data()[changed_];
  changed_ = std::size_t(call % n());
  // The dot product moves by 2 to 4 from the base's, however small b is there: far more than
  // rounding, so no earlier call's result passes for this one's.
  const float b_there = b.data()[changed_];
  const float shift = 2.0f + float(call % 1024) / 512.0f;
  a.data()[changed_] = a_base_.data()[changed_] + (b_there != 0.0f ? shift / b_there : shift);
}

GeluWorkload::GeluWorkload(WorkloadSpec spec, std::uint64_t seed)
    : Workload(spec), x({n()}), out({n()}), x_base_(random_tensor({n()}, stream(seed, 1), -4.0f, 4.0f)), seed_(seed) {}

void GeluWorkload::prepare(std::uint64_t call) {
  const float shift = uniform(call_key(seed_, call), -0.5f, 0.5f);
  const float* from = x_base_.data();
  float* to = x.data();
  for (std::size_t i = 0; i < n(); ++i) to[i] = from[i] + shift;
}

LinearWorkload::LinearWorkload(WorkloadSpec spec, std::uint64_t seed)
    : Workload(spec),
      x({batch(), in()}),
      w(random_tensor({out(), in()}, stream(seed, 2))),
      bias(random_tensor({out()}, stream(seed, 3))),
      y({batch(), out()}),
      x_base_(random_tensor({batch(), in()}, stream(seed, 1))),
      seed_(seed) {}

void LinearWorkload::prepare(std::uint64_t call) { scale_columns(x_base_, x, batch(), in(), call_key(seed_, call), scales_); }

TransposeWorkload::TransposeWorkload(WorkloadSpec spec, std::uint64_t seed)
    : Workload(spec), in({rows(), cols()}), out({cols(), rows()}), seed_(seed) {}

void TransposeWorkload::prepare(std::uint64_t call) {
  // 32-bit arithmetic (Wellons' lowbias32 hash), which the compiler vectorizes: a few ms
  // for 16 M elements, outside the timed call.
  const std::uint32_t key = std::uint32_t(call_key(seed_, call));
  float* data = in.data();
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::uint32_t x = std::uint32_t(i) ^ key;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    data[i] = float(x >> 8) * 0x1p-23f - 1.0f;  // 24 random bits: uniform in [-1, 1), exact in float
  }
}

MlpWorkload::MlpWorkload(WorkloadSpec spec, std::uint64_t seed)
    : Workload(spec),
      x({batch(), d_model()}),
      w1(random_tensor({d_ff(), d_model()}, stream(seed, 2))),
      b1(random_tensor({d_ff()}, stream(seed, 3))),
      w2(random_tensor({d_model(), d_ff()}, stream(seed, 4))),
      b2(random_tensor({d_model()}, stream(seed, 5))),
      y({batch(), d_model()}),
      x_base_(random_tensor({batch(), d_model()}, stream(seed, 1))),
      seed_(seed) {}

void MlpWorkload::prepare(std::uint64_t call) {
  scale_columns(x_base_, x, batch(), d_model(), call_key(seed_, call), scales_);
}

AddWorkload::AddWorkload(WorkloadSpec spec, std::uint64_t seed)
    : Workload(spec),
      a({n()}),
      b(random_tensor({n()}, stream(seed, 2))),
      c({n()}),
      a_base_(random_tensor({n()}, stream(seed, 1))),
      seed_(seed) {}

void AddWorkload::prepare(std::uint64_t call) {
  const float shift = uniform(call_key(seed_, call), -0.5f, 0.5f);
  const float* from = a_base_.data();
  float* to = a.data();
  for (std::size_t i = 0; i < n(); ++i) to[i] = from[i] + shift;
}

SumWorkload::SumWorkload(WorkloadSpec spec, std::uint64_t seed) : Workload(spec), x({n()}), x_base_({n()}) {
  if (n() > (std::size_t{1} << 24)) throw std::invalid_argument("SumWorkload: at most 2^24 elements stay exact");
  const std::uint64_t key = stream(seed, 1);
  for (std::size_t i = 0; i < n(); ++i) x_base_.data()[i] = (mix(key + i) >> 32) & 1 ? 1.0f : -1.0f;
  x = x_base_;
}

void SumWorkload::prepare(std::uint64_t call) {
  if (n() == 0) return;
  x.data()[changed_] = x_base_.data()[changed_];
  changed_ = std::size_t(call % n());
  x.data()[changed_] = -x_base_.data()[changed_];
}

std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, std::uint64_t seed) {
  switch (spec.kind) {
    case Kind::matmul: return std::make_unique<MatmulWorkload>(spec, seed);
    case Kind::dot: return std::make_unique<DotWorkload>(spec, seed);
    case Kind::gelu: return std::make_unique<GeluWorkload>(spec, seed);
    case Kind::linear: return std::make_unique<LinearWorkload>(spec, seed);
    case Kind::transpose: return std::make_unique<TransposeWorkload>(spec, seed);
    case Kind::mlp: return std::make_unique<MlpWorkload>(spec, seed);
    case Kind::add: return std::make_unique<AddWorkload>(spec, seed);
    case Kind::sum: return std::make_unique<SumWorkload>(spec, seed);
  }
  throw std::logic_error("make_workload: unknown kind");
}

namespace {

constexpr WorkloadSpec kMatmul512{Kind::matmul, 512, 512, 512};
constexpr WorkloadSpec kMatmul256{Kind::matmul, 256, 256, 256};  // A, B and C 256 KiB each: in L2
constexpr WorkloadSpec kDotL1{Kind::dot, 2048};                    // two 8 KiB vectors: L1-resident
constexpr WorkloadSpec kLinear64{Kind::linear, 64, 512, 512};      // a 512 -> 512 layer, batch 64
constexpr WorkloadSpec kGeluDram{Kind::gelu, std::size_t{1} << 24};  // 64 MiB per array: memory
constexpr WorkloadSpec kGeluL2{Kind::gelu, std::size_t{1} << 15};    // x and out 256 KiB: in L2
// 61 MiB each way. The naive loop writes down a column of out: one cache line, and one page,
// per column of in, 8000 of them, more than any course machine's TLB holds pages (its L2
// lines too on some). Not a power of two: rows 4096 floats apart share their cache sets,
// and how many sets and ways a CPU has would decide the grade (stage 05's lesson explains).
constexpr WorkloadSpec kTranspose2000x8000{Kind::transpose, 2000, 8000};
constexpr WorkloadSpec kMatmul1024{Kind::matmul, 1024, 1024, 1024};
// B 128 MiB, past every course machine's L3: an untiled loop streams all of it from
// memory for every row of A, where blocking reads each tile once for all 64 rows.
constexpr WorkloadSpec kMatmulWideB{Kind::matmul, 64, 4096, 8192};
// GPT-2 small's MLP block narrowed to d_model 512 (d_ff = 4·d_model), 64 tokens: W1 and W2
// 4 MiB each, past L2 on both course machines; both products big enough for BLAS to run at
// its speed.
constexpr WorkloadSpec kMlp64{Kind::mlp, 64, 512, 2048};
// Stage 08. 64 MiB per array, past every course machine's L3: what all cores together get
// from memory. And a sum of 16 Mi floats, whose adds wait on each other (3-4 cycles each,
// a few GB/s per core: not the memory's limit on 2 cores): long enough, at milliseconds,
// that starting a thread is noise. (At 1 Mi floats, 0.5-0.7 ms a call, the time a VM takes
// to wake its idle second virtual CPU, about 0.2 ms on the Zen 4 VM, came or went from one
// process to the next, and the same code read 0.74 of itself.)
constexpr WorkloadSpec kAddDram{Kind::add, std::size_t{1} << 24};
constexpr WorkloadSpec kSum16Mi{Kind::sum, std::size_t{1} << 24};

constexpr std::array kCatalog = {
    CaseEntry{"baseline/matmul_ijk/512", kMatmul512},
    CaseEntry{"baseline/matmul_ikj/512", kMatmul512},
    CaseEntry{"student/matmul_ikj/512", kMatmul512},
    CaseEntry{"baseline/matmul_ikj/256", kMatmul256},
    CaseEntry{"student/matmul_simd/256", kMatmul256},
    CaseEntry{"student/matmul_blas/512", kMatmul512},
    CaseEntry{"baseline/dot_strict/2048", kDotL1},
    CaseEntry{"student/dot_simd/2048", kDotL1},
    CaseEntry{"baseline/linear_naive/64", kLinear64},
    CaseEntry{"student/linear/64", kLinear64},
    CaseEntry{"baseline/gelu_unfused_vectorized/16777216", kGeluDram},
    CaseEntry{"student/gelu_fused_simd/16777216", kGeluDram},
    CaseEntry{"baseline/gelu_fused_scalar/32768", kGeluL2},
    CaseEntry{"student/gelu_fused_simd/32768", kGeluL2},
    CaseEntry{"baseline/transpose_naive/2000x8000", kTranspose2000x8000},
    CaseEntry{"student/transpose_blocked/2000x8000", kTranspose2000x8000},
    CaseEntry{"baseline/matmul_ikj/64x4096x8192", kMatmulWideB},
    CaseEntry{"student/matmul_tiled/64x4096x8192", kMatmulWideB},
    CaseEntry{"baseline/matmul_ikj/1024", kMatmul1024},
    CaseEntry{"student/matmul_packed/1024", kMatmul1024},
    CaseEntry{"baseline/openblas_sgemm/1024", kMatmul1024},
    CaseEntry{"baseline/mlp_naive/64", kMlp64},
    CaseEntry{"baseline/mlp_two_sgemm/64", kMlp64},
    CaseEntry{"student/mlp_fast/64", kMlp64},
    CaseEntry{"baseline/triad_all_cores/16777216", kAddDram},
    CaseEntry{"student/add_parallel/16777216", kAddDram},
    CaseEntry{"baseline/scale_all_cores/16777216", kGeluDram},
    CaseEntry{"student/gelu_parallel/16777216", kGeluDram},
    CaseEntry{"student/matmul_parallel_one_thread/1024", kMatmul1024},
    CaseEntry{"student/matmul_parallel/1024", kMatmul1024},
    CaseEntry{"baseline/sum_false_sharing/16777216", kSum16Mi},
    CaseEntry{"student/sum_parallel/16777216", kSum16Mi},
};

}  // namespace

const CaseEntry* find_case(std::string_view name) {
  for (const CaseEntry& entry : kCatalog) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::string_view function_of(std::string_view case_name) {
  const auto first = case_name.find('/');
  const auto last = case_name.rfind('/');
  if (first == std::string_view::npos || last == first) return case_name;
  return case_name.substr(first + 1, last - first - 1);
}

}  // namespace accel::grade
