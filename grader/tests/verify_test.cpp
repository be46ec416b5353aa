// The grader's check of timed outputs, and the workloads it rebuilds them from.
#include "verify.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "workloads.hpp"

namespace {

using namespace accel::grade;
using accel::grader::check_output;

std::vector<float> values(const accel::Tensor& t) { return {t.data(), t.data() + t.size()}; }

// The inputs of a call are a function of (seed, call) alone: a fresh workload prepared for
// the last call sees what the timed process's last call saw, whatever came before.
TEST(Workloads, InputsOfACallDependOnlyOnSeedAndCall) {
  const WorkloadSpec spec{Kind::matmul, 5, 7, 3};
  auto timed = make_workload(spec, 11), rebuilt = make_workload(spec, 11);
  for (std::uint64_t call = 0; call <= 9; ++call) timed->prepare(call);
  rebuilt->prepare(9);
  EXPECT_EQ(values(as<MatmulWorkload>(*timed).a), values(as<MatmulWorkload>(*rebuilt).a));
  EXPECT_EQ(values(as<MatmulWorkload>(*timed).b), values(as<MatmulWorkload>(*rebuilt).b));
}

// Every call's inputs differ from the last call's, so no result can be reused; for the
// matrix kinds every element of A differs.
TEST(Workloads, EveryCallGetsNewInputs) {
  auto matmul = make_workload({Kind::matmul, 4, 4, 4}, 1);
  matmul->prepare(1);
  const std::vector<float> first = values(as<MatmulWorkload>(*matmul).a);
  matmul->prepare(2);
  const std::vector<float> second = values(as<MatmulWorkload>(*matmul).a);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_NE(first[i], second[i]) << i;

  auto gelu = make_workload({Kind::gelu, 16}, 1);
  gelu->prepare(1);
  const std::vector<float> x1 = values(as<GeluWorkload>(*gelu).x);
  gelu->prepare(2);
  EXPECT_NE(x1, values(as<GeluWorkload>(*gelu).x));

  auto dot = make_workload({Kind::dot, 8}, 1);
  dot->prepare(1);
  const std::vector<float> a1 = values(as<DotWorkload>(*dot).a);
  dot->prepare(2);
  EXPECT_NE(a1, values(as<DotWorkload>(*dot).a));
}

TEST(Workloads, CatalogNamesFunctionsAndCosts) {
  const CaseEntry* entry = find_case("student/matmul_ikj/512");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(function_of(entry->name), "matmul_ikj");
  EXPECT_EQ(entry->spec.arguments(), "(512, 512, 512)");
  EXPECT_DOUBLE_EQ(entry->spec.cost().flops, 2.0 * 512 * 512 * 512);
  EXPECT_EQ(find_case("student/matmul_ikj/513"), nullptr);
  EXPECT_EQ(find_case("baseline/matmul_ijk/512")->spec, entry->spec);
}

std::vector<float> product(const MatmulWorkload& w) {
  std::vector<float> c(w.m() * w.n(), 0.0f);
  for (std::size_t i = 0; i < w.m(); ++i)
    for (std::size_t k = 0; k < w.k(); ++k)
      for (std::size_t j = 0; j < w.n(); ++j) c[i * w.n() + j] += w.a.data()[i * w.k() + k] * w.b.data()[k * w.n() + j];
  return c;
}

TEST(Verify, ARightProductPassesAndAWrongElementIsNamed) {
  auto workload = make_workload({Kind::matmul, 6, 5, 9}, 3);
  workload->prepare(4);
  std::vector<float> c = product(as<MatmulWorkload>(*workload));
  EXPECT_EQ(check_output(*workload, c, 1), std::nullopt);
  const float right = c[2 * 5 + 3];
  c[2 * 5 + 3] += 0.5f;
  const auto wrong = check_output(*workload, c, 1);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->rfind("is wrong at (2, 3): got ", 0), 0u) << *wrong;
  EXPECT_NE(wrong->find("expected " + std::to_string(right).substr(0, 4)), std::string::npos) << *wrong;
  EXPECT_EQ(check_output(*workload, std::vector<float>(7, 0.0f), 1), "has 7 values where 30 were expected");
}

TEST(Verify, AnOutputLeftAsTheHarnessFilledItIsWrong) {
  auto workload = make_workload({Kind::dot, 100}, 3);
  workload->prepare(1);
  const std::vector<float> nan = {std::numeric_limits<float>::quiet_NaN()};
  const auto wrong = check_output(*workload, nan, 1);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_NE(wrong->find("is wrong at index 0: got nan"), std::string::npos) << *wrong;
}

double gelu(double x) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / std::acos(-1.0)) * (x + 0.044715 * x * x * x))); }

// Outputs too long to check whole are checked at both ends and at random places; a wrong
// tail (a kernel that skips the last elements) is always caught.
TEST(Verify, LongOutputsAreCheckedAtTheirEndsAndAtRandom) {
  const std::size_t n = std::size_t{1} << 23;
  auto workload = make_workload({Kind::gelu, n}, 5);
  workload->prepare(2);
  const auto& w = as<GeluWorkload>(*workload);
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = float(gelu(w.x.data()[i]));
  EXPECT_EQ(check_output(*workload, out, 9), std::nullopt);
  out[n - 3] = 0;
  const auto wrong = check_output(*workload, out, 9);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_NE(wrong->find("index " + std::to_string(n - 3)), std::string::npos) << *wrong;
}

}  // namespace
