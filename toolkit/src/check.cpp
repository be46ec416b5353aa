#include "accel/check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <new>
#include <optional>
#include <stdexcept>
#include <utility>

#include "accel/compare.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define ACCEL_POISON_GUARDS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACCEL_POISON_GUARDS 1
#endif
#endif
#if defined(ACCEL_POISON_GUARDS)
#include <sanitizer/asan_interface.h>
#endif

namespace accel::check {

namespace {

class AnnounceSimdPath : public ::testing::Environment {
 public:
  AnnounceSimdPath(std::string stage, std::function<std::string()> path) : stage_(std::move(stage)), path_(std::move(path)) {}
  void SetUp() override {
    std::string path;
    try {
      path = path_();
    } catch (const NotImplemented&) {
      path = "(not implemented yet)";
    }
    std::cout << "stage " << stage_ << " tests: SIMD path compiled = " << path << '\n';
  }

 private:
  std::string stage_;
  std::function<std::string()> path_;
};

}  // namespace

bool announce_simd_path(std::string stage, std::function<std::string()> path) {
  ::testing::AddGlobalTestEnvironment(new AnnounceSimdPath(std::move(stage), std::move(path)));
  return true;
}

std::uint64_t seed() {
  constexpr std::uint64_t kDefaultSeed = 20261121;
  const char* text = std::getenv("ACCEL_SEED");
  if (text == nullptr || *text == '\0') return kDefaultSeed;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (*end != '\0') throw std::invalid_argument(std::string("ACCEL_SEED must be a whole number, not '") + text + "'");
  return value;
}

std::string seed_note(std::uint64_t seed) {
  return "seed " + std::to_string(seed) + " (rerun with ACCEL_SEED=" + std::to_string(seed) + ")";
}

std::vector<double> matmul_reference(const float* a, const float* b, std::size_t m, std::size_t n, std::size_t k) {
  std::vector<double> c(m * n, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t p = 0; p < k; ++p)
      for (std::size_t j = 0; j < n; ++j) c[i * n + j] += double(a[i * k + p]) * double(b[p * n + j]);
  return c;
}

namespace {

std::string position(std::size_t index, std::size_t row_length) {
  std::string text = "index " + std::to_string(index);
  if (row_length > 0) {
    text += " (row " + std::to_string(index / row_length) + ", col " + std::to_string(index % row_length) + ")";
  }
  return text;
}

// Checks got against expected with a per-element tolerance, reporting the first miss.
template <typename Tolerance>
::testing::AssertionResult compare(std::span<const float> got, std::span<const double> expected,
                                   std::size_t row_length, Tolerance tolerance) {
  if (got.size() != expected.size()) {
    return ::testing::AssertionFailure() << "got " << got.size() << " values, expected " << expected.size();
  }
  const std::optional<Mismatch> miss = first_mismatch(got, expected, tolerance);
  if (!miss) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << miss->count << " of " << got.size() << " values differ; first at "
                                       << position(miss->index, row_length) << ": expected " << miss->expected
                                       << ", got " << miss->got << " (tolerance " << miss->tolerance << ")";
}

}  // namespace

::testing::AssertionResult allclose(std::span<const float> got, std::span<const double> expected, double atol,
                                    double rtol, std::size_t row_length) {
  return compare(got, expected, row_length, [&](std::size_t i) { return atol + rtol * std::abs(expected[i]); });
}

::testing::AssertionResult gemm_close(std::span<const float> c, const float* a, const float* b, std::size_t m,
                                      std::size_t n, std::size_t k) {
  const double gamma = float_sum_bound_factor(k);
  std::vector<double> magnitude(m * n, 0.0);  // |A|·|B|
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t p = 0; p < k; ++p)
      for (std::size_t j = 0; j < n; ++j) magnitude[i * n + j] += std::abs(double(a[i * k + p]) * double(b[p * n + j]));
  const std::vector<double> expected = matmul_reference(a, b, m, n, k);
  return compare(c, expected, n, [&](std::size_t i) { return gamma * magnitude[i]; });
}

namespace {
// A signalling-looking NaN payload no kernel produces by arithmetic.
float sentinel() {
  constexpr std::uint32_t bits = 0x7fa5a5a5u;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}
bool is_sentinel(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits == 0x7fa5a5a5u;
}
}  // namespace

GuardedBuffer::GuardedBuffer(std::size_t size, std::size_t misalign, float fill)
    : size_(size), misalign_(misalign), storage_(nullptr, &std::free) {
  constexpr std::size_t kAlignment = 64;
  const std::size_t count = misalign + size + kGuardCells;
  const std::size_t bytes = (count * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment;
  storage_.reset(static_cast<float*>(std::aligned_alloc(kAlignment, bytes)));
  if (!storage_) throw std::bad_alloc();
  std::fill_n(storage_.get(), count, sentinel());
  std::fill_n(data(), size_, fill);
  set_guards_poisoned(true);
}

GuardedBuffer::~GuardedBuffer() { set_guards_poisoned(false); }

// Under AddressSanitizer (./lab test NN --asan) the guard cells are poisoned: the first
// write past the output stops the test at the line that made it, where the guard check
// could only say that it happened.
void GuardedBuffer::set_guards_poisoned([[maybe_unused]] bool poisoned) const {
#if defined(ACCEL_POISON_GUARDS)
  if (!storage_) return;  // moved from
  const float* guards = storage_.get() + misalign_ + size_;
  if (poisoned) {
    ASAN_POISON_MEMORY_REGION(guards, kGuardCells * sizeof(float));
  } else {
    ASAN_UNPOISON_MEMORY_REGION(guards, kGuardCells * sizeof(float));
  }
#endif
}

::testing::AssertionResult GuardedBuffer::guards_intact() const {
  set_guards_poisoned(false);
  struct Repoison {
    const GuardedBuffer& buffer;
    ~Repoison() { buffer.set_guards_poisoned(true); }
  } repoison{*this};
  for (std::size_t g = 0; g < kGuardCells; ++g) {
    if (!is_sentinel(storage_.get()[misalign_ + size_ + g])) {
      return ::testing::AssertionFailure() << "wrote past the end of the output: guard cell " << g
                                           << " after the last of " << size_ << " elements was overwritten";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace accel::check
