#pragma once
// What the course's tests compare against: references computed in double precision,
// tolerance checks that report the first mismatch the way a student needs it, the
// componentwise GEMM error bound, guard cells that catch tail overruns, and the seed.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "accel/todo.hpp"

namespace accel::check {

// The seed for random test inputs: ACCEL_SEED from the environment, else a fixed default.
std::uint64_t seed();
// "seed 42 (rerun with ACCEL_SEED=42)": put it in every random test's SCOPED_TRACE.
std::string seed_note(std::uint64_t seed);

// C = A·B in double precision, row-major, A is M×K and B is K×N.
std::vector<double> matmul_reference(const float* a, const float* b, std::size_t m, std::size_t n, std::size_t k);

// Every got[i] within atol + rtol·|expected[i]|. NaN must meet NaN and ±inf the same
// infinity. row_length > 0 adds (row, col) to the first mismatch's index.
::testing::AssertionResult allclose(std::span<const float> got, std::span<const double> expected, double atol,
                                    double rtol, std::size_t row_length = 0);

// C (M×N) against A·B with the componentwise bound for any summation order:
// |C − Ĉ| ≤ γ_K · (|A|·|B|), γ_K = K·u / (1 − K·u), u = 2⁻²⁴ (float32 unit roundoff).
::testing::AssertionResult gemm_close(std::span<const float> c, const float* a, const float* b, std::size_t m,
                                      std::size_t n, std::size_t k);

// An output buffer followed by guard cells holding a sentinel. `misalign` shifts the
// start by that many floats off the 64-byte boundary, for unaligned-pointer tests.
class GuardedBuffer {
 public:
  static constexpr std::size_t kGuardCells = 16;
  explicit GuardedBuffer(std::size_t size, std::size_t misalign = 0, float fill = 0.0f);
  ~GuardedBuffer();
  GuardedBuffer(GuardedBuffer&&) noexcept = default;
  GuardedBuffer& operator=(GuardedBuffer&&) = delete;
  float* data() { return storage_.get() + misalign_; }
  std::span<float> span() { return {data(), size_}; }
  std::span<const float> span() const { return {storage_.get() + misalign_, size_}; }
  // Fails naming the first guard cell that was written, i.e. how far past the end.
  ::testing::AssertionResult guards_intact() const;

 private:
  void set_guards_poisoned(bool poisoned) const;

  std::size_t size_;
  std::size_t misalign_;
  std::unique_ptr<float[], decltype(&std::free)> storage_;  // 64-byte aligned
};

// Registers a GoogleTest environment that says, before the tests run, which SIMD branch the
// stage's code was compiled to ("stage 05 tests: SIMD path compiled = NEON"), so that a run
// under qemu-aarch64 or on an Apple Silicon Mac shows the vector code, not a fallback, was
// checked. `path` may still be a TODO in a stub. Use at namespace scope:
//   [[maybe_unused]] const bool kAnnounced = check::announce_simd_path("05", [] { return ...; });
bool announce_simd_path(std::string stage, std::function<std::string()> path);

// Passes when fn throws exactly E with `expected` in its message. NotImplemented is let
// through, so a stub's test reports "not implemented" instead of "wrong exception".
template <typename E, typename Fn>
::testing::AssertionResult throws_with(Fn&& fn, std::string_view expected) {
  try {
    fn();
  } catch (const NotImplemented&) {
    throw;
  } catch (const E& error) {
    if (std::string_view(error.what()).find(expected) != std::string_view::npos) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "threw the right type, but the message \"" << error.what()
                                         << "\" does not contain \"" << expected << "\"";
  } catch (const std::exception& error) {
    return ::testing::AssertionFailure() << "threw the wrong type of exception: \"" << error.what() << "\"";
  }
  return ::testing::AssertionFailure() << "did not throw; expected an error containing \"" << expected << "\"";
}

}  // namespace accel::check
