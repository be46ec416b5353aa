// The grader's speed cases for stage 02. Case names are what rubric.json refers to:
//   baseline/dot_strict/2048  vs  student/dot_simd/2048    (two 8 KiB vectors: L1-resident)
//   baseline/matmul_ikj/512   vs  student/matmul_simd/512  (the compiler-vectorized loop)

#include <benchmark/benchmark.h>

#include <span>

#include "accel/bench.hpp"
#include "accel/tensor.hpp"
#include "baselines.hpp"
#include "simd_intrinsics.hpp"

namespace {

using accel::Tensor;

float student_dot(const float* a, const float* b, std::size_t n) {
  return accel::stage02::dot_simd(std::span<const float>(a, n), std::span<const float>(b, n));
}

template <auto Kernel>
void dot_case(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  const Tensor a = Tensor::random({n}, 1), b = Tensor::random({n}, 2);
  for (auto _ : state) {
    float result = Kernel(a.data(), b.data(), n);
    benchmark::DoNotOptimize(result);
  }
  accel::report_cost(state, accel::OpCost{2.0 * double(n), 8.0 * double(n)});
}
BENCHMARK(dot_case<accel::baselines::dot_strict>)->Name("baseline/dot_strict")->Arg(2048);
BENCHMARK(dot_case<student_dot>)->Name("student/dot_simd")->Arg(2048);

BENCHMARK(accel::square_matmul<accel::baselines::matmul_ikj>)->Name("baseline/matmul_ikj")->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(accel::square_matmul<accel::stage02::matmul_simd>)->Name("student/matmul_simd")->Arg(512)->Unit(benchmark::kMillisecond);

}  // namespace
