// Stage 08 public tests: parallel_for, add_parallel, gelu_parallel, matmul_parallel,
// sum_adjacent_counters, sum_parallel, amdahl_speedup and serial_fraction.
// parallel_for is held to the header's static partition share by share (which range, how
// many calls, on which thread, what an exception does). Every kernel runs on 1, 2 and 3
// threads and on more threads than this process has cores, at sizes around SIMD widths and
// register blocks, empty, and with fewer items than threads; guard cells after every
// output, double-precision references.

#include "multicore.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "accel/check.hpp"
#include "accel/compare.hpp"
#include "accel/cpu_info.hpp"
#include "accel/tensor.hpp"
#include "accel/todo.hpp"

namespace {

using accel::Tensor;
using accel::gelu_reference;
namespace check = accel::check;
namespace s08 = accel::stage08;
using namespace std::chrono_literals;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// 1 (the calling thread alone), 2, 3 (shares that differ by one item) and more threads than
// this process may run on at once.
std::vector<unsigned> thread_counts() { return {1, 2, 3, accel::usable_cores() + 3}; }

// The header's partition: share i of n items over t shares starts at ⌊i·n/t⌋ (computed so
// that i·n cannot overflow).
std::size_t share_start(std::size_t i, std::size_t n, std::size_t t) { return i * (n / t) + i * (n % t) / t; }

// Around the SIMD widths (4, 8, 16 floats) and their multiples, odd, large, and empty.
const std::vector<std::size_t> kLengths = {0,  1,  2,  3,  4,  5,  7,  8,  9,  15, 16, 17,
                                           31, 32, 33, 63, 64, 65, 1000, 4099, 100'003};

std::string where(const char* function, std::size_t n, unsigned threads) {
  return std::string(function) + " with n=" + std::to_string(n) + ", threads=" + std::to_string(threads);
}

// Seeded uniform values in [low, high) in a buffer `misalign` floats past a 64-byte boundary.
check::GuardedBuffer random_buffer(std::size_t n, std::uint64_t seed, float low = -1.0f, float high = 1.0f,
                                   std::size_t misalign = 0) {
  const Tensor values = Tensor::random({n == 0 ? 1 : n}, seed, low, high);
  check::GuardedBuffer buffer(n, misalign);
  std::copy_n(values.data(), n, buffer.data());
  return buffer;
}

// ---- parallel_for ----

struct Share {
  std::size_t first, last;
  std::thread::id thread;
};

// Every call of the body, from whichever thread made it.
class ShareLog {
 public:
  void record(std::size_t first, std::size_t last) {
    const std::lock_guard lock(mutex_);
    shares_.push_back({first, last, std::this_thread::get_id()});
  }
  std::vector<Share> in_order() const {
    std::vector<Share> sorted = shares_;
    std::sort(sorted.begin(), sorted.end(), [](const Share& a, const Share& b) { return a.first < b.first; });
    return sorted;
  }

 private:
  std::mutex mutex_;
  std::vector<Share> shares_;
};

// The calls parallel_for made for [begin, end) on `threads` against the static partition:
// min(threads, n) calls, call i with [begin + ⌊i·n/t⌋, begin + ⌊(i+1)·n/t⌋).
::testing::AssertionResult follows_static_partition(const std::vector<Share>& got, std::size_t begin, std::size_t end,
                                                    unsigned threads) {
  const std::size_t n = end - begin, t = std::min<std::size_t>(threads, n);
  if (got.size() != t) {
    return ::testing::AssertionFailure() << "body was called " << got.size() << " times, expected " << t
                                         << " (min(threads, end - begin): a thread never gets an empty share)";
  }
  for (std::size_t i = 0; i < t; ++i) {
    const std::size_t first = begin + share_start(i, n, t), last = begin + share_start(i + 1, n, t);
    if (got[i].first != first || got[i].last != last) {
      return ::testing::AssertionFailure() << "share " << i << " of " << t << ": expected [" << first << ", " << last
                                           << "), got [" << got[i].first << ", " << got[i].last
                                           << ") (thread i takes [i·n/t, (i+1)·n/t) of the range)";
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(ParallelFor, SharesFollowTheStaticPartition) {
  for (const std::size_t begin : {std::size_t{0}, std::size_t{1'000'003}}) {
    for (const std::size_t n : {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 100, 1000, 4099}) {
      for (const unsigned threads : {1u, 2u, 3u, 4u, 7u, 16u, accel::usable_cores() + 3}) {
        SCOPED_TRACE("parallel_for(" + std::to_string(begin) + ", " + std::to_string(begin + n) + ", threads=" +
                     std::to_string(threads) + ")");
        ShareLog log;
        s08::parallel_for(begin, begin + n, threads,
                          [&](std::size_t first, std::size_t last) { log.record(first, last); });
        ASSERT_TRUE(follows_static_partition(log.in_order(), begin, begin + n, threads));
      }
    }
  }
}

TEST(ParallelFor, EveryIndexIsVisitedExactlyOnce) {
  constexpr std::size_t begin = 17, n = 4099;
  for (const unsigned threads : {1u, 2u, 3u, 8u, accel::usable_cores() + 3}) {
    SCOPED_TRACE("parallel_for(" + std::to_string(begin) + ", " + std::to_string(begin + n) + ", threads=" +
                 std::to_string(threads) + ")");
    std::vector<std::atomic<int>> visits(n);
    std::atomic<std::size_t> outside{0};
    s08::parallel_for(begin, begin + n, threads, [&](std::size_t first, std::size_t last) {
      if (first < begin || last > begin + n || first > last) {
        outside.fetch_add(1);
        return;
      }
      for (std::size_t i = first; i < last; ++i) visits[i - begin].fetch_add(1);
    });
    EXPECT_EQ(outside.load(), 0u) << "body got shares outside [begin, end)";
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(visits[i].load(), 1) << "index " << begin + i << " was visited " << visits[i].load() << " times";
    }
  }
}

TEST(ParallelFor, MoreThreadsThanItemsGivesOneItemPerThread) {
  for (const unsigned threads : {4u, 8u, accel::usable_cores() + 3}) {
    SCOPED_TRACE("parallel_for(10, 13, threads=" + std::to_string(threads) + ")");
    ShareLog log;
    s08::parallel_for(10, 13, threads, [&](std::size_t first, std::size_t last) { log.record(first, last); });
    ASSERT_TRUE(follows_static_partition(log.in_order(), 10, 13, threads));
  }
}

TEST(ParallelFor, EmptyRangeCallsNothing) {
  for (const std::size_t at : {0, 5}) {
    for (const unsigned threads : thread_counts()) {
      std::atomic<int> calls{0};
      s08::parallel_for(at, at, threads, [&](std::size_t, std::size_t) { calls.fetch_add(1); });
      EXPECT_EQ(calls.load(), 0) << "parallel_for(" << at << ", " << at << ", threads=" << threads
                                 << ") must not call the body";
    }
  }
}

TEST(ParallelFor, OneShareRunsOnTheCallingThread) {
  // threads = 1, or a single item: one share, on the calling thread; no thread is started.
  for (const auto& [begin, end, threads] : {std::tuple{3, 103, 1u}, std::tuple{7, 8, 6u}}) {
    SCOPED_TRACE("parallel_for(" + std::to_string(begin) + ", " + std::to_string(end) + ", threads=" +
                 std::to_string(threads) + ")");
    ShareLog log;
    s08::parallel_for(std::size_t(begin), std::size_t(end), threads,
                      [&](std::size_t first, std::size_t last) { log.record(first, last); });
    const std::vector<Share> shares = log.in_order();
    ASSERT_EQ(shares.size(), 1u);
    EXPECT_EQ(shares[0].first, std::size_t(begin));
    EXPECT_EQ(shares[0].last, std::size_t(end));
    EXPECT_EQ(shares[0].thread, std::this_thread::get_id()) << "a single share runs on the calling thread";
  }
}

TEST(ParallelFor, EachShareRunsOnAThreadOfItsOwn) {
  for (const unsigned threads : {2u, 3u, accel::usable_cores() + 3}) {
    SCOPED_TRACE("parallel_for(0, 100, threads=" + std::to_string(threads) + ")");
    ShareLog log;
    s08::parallel_for(0, 100, threads, [&](std::size_t first, std::size_t last) { log.record(first, last); });
    const std::vector<Share> shares = log.in_order();
    ASSERT_EQ(shares.size(), threads);
    std::set<std::thread::id> ids;
    for (const Share& share : shares) ids.insert(share.thread);
    EXPECT_EQ(ids.size(), std::size_t(threads)) << "two shares ran on the same thread";
    EXPECT_EQ(ids.count(std::this_thread::get_id()), 1u) << "one share runs on the calling thread";
  }
}

TEST(ParallelFor, SharesRunAtTheSameTime) {
  // Each share waits (up to 2 s) until every share has started: shares run one after the
  // other would never all be there at once.
  for (const unsigned threads : {2u, 3u, accel::usable_cores() + 3}) {
    std::atomic<unsigned> arrived{0};
    std::atomic<bool> gave_up{false};
    s08::parallel_for(0, threads, threads, [&](std::size_t, std::size_t) {
      arrived.fetch_add(1);
      const auto deadline = std::chrono::steady_clock::now() + 2s;
      while (arrived.load() < threads && !gave_up.load()) {
        if (std::chrono::steady_clock::now() > deadline) gave_up.store(true);
        std::this_thread::yield();
      }
    });
    EXPECT_FALSE(gave_up.load()) << "parallel_for(0, " << threads << ", threads=" << threads
                                 << "): the shares did not all run at the same time (each must have a thread)";
  }
}

TEST(ParallelFor, HugeRangeIsSplitWithoutOverflow) {
  // i·n overflows std::size_t here; ⌊i·n/t⌋ does not.
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  for (const auto& [begin, end, threads] : {std::tuple{std::size_t{0}, kMax, 3u}, std::tuple{std::size_t{0}, kMax, 7u},
                                            std::tuple{kMax - 10, kMax, 4u}}) {
    SCOPED_TRACE("parallel_for(" + std::to_string(begin) + ", " + std::to_string(end) + ", threads=" +
                 std::to_string(threads) + "), body not iterating");
    ShareLog log;
    s08::parallel_for(begin, end, threads, [&](std::size_t first, std::size_t last) { log.record(first, last); });
    ASSERT_TRUE(follows_static_partition(log.in_order(), begin, end, threads));
  }
}

TEST(ParallelFor, ZeroThreadsIsRejected) {
  std::atomic<int> calls{0};
  const auto body = [&](std::size_t, std::size_t) { calls.fetch_add(1); };
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::parallel_for(0, 10, 0, body); }, "parallel_for"));
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::parallel_for(4, 4, 0, body); }, "parallel_for"));
  EXPECT_EQ(calls.load(), 0);
}

TEST(ParallelFor, BeginPastEndIsRejected) {
  std::atomic<int> calls{0};
  const auto body = [&](std::size_t, std::size_t) { calls.fetch_add(1); };
  for (const char* named : {"parallel_for", "1234", "567"}) {
    EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::parallel_for(1234, 567, 2, body); }, named))
        << "parallel_for(1234, 567, 2): the message must name the function, begin and end";
  }
  EXPECT_EQ(calls.load(), 0);
}

class ShareError : public std::runtime_error {
 public:
  explicit ShareError(std::size_t share)
      : std::runtime_error("share " + std::to_string(share) + " failed"), share(share) {}
  std::size_t share;
};

TEST(ParallelFor, ExceptionInAnyShareReachesTheCallerAfterEveryShareRan) {
  for (const unsigned threads : {1u, 2u, 4u, accel::usable_cores() + 3}) {
    const std::size_t n = 2 * std::size_t(threads);
    const std::set<std::size_t> throwers = {0, 1 % threads, threads / 2, threads - 1};
    for (const std::size_t thrower : throwers) {
      SCOPED_TRACE("parallel_for(0, " + std::to_string(n) + ", threads=" + std::to_string(threads) + "), share " +
                   std::to_string(thrower) + " throws, the others take 10 ms");
      std::atomic<int> finished{0};
      std::optional<std::size_t> caught;
      int finished_when_caught = -1;
      try {
        s08::parallel_for(0, n, threads, [&](std::size_t first, std::size_t) {
          if (first == share_start(thrower, n, threads)) throw ShareError(thrower);
          std::this_thread::sleep_for(10ms);
          finished.fetch_add(1);
        });
      } catch (const accel::NotImplemented&) {
        throw;
      } catch (const ShareError& error) {
        caught = error.share;
        finished_when_caught = finished.load();
      } catch (const std::exception& error) {
        ADD_FAILURE() << "the caller got \"" << error.what() << "\", not the exception the share threw";
        continue;
      }
      ASSERT_TRUE(caught.has_value()) << "the share's exception did not reach the caller";
      EXPECT_EQ(*caught, thrower);
      EXPECT_EQ(finished_when_caught, int(threads) - 1)
          << "the exception reached the caller before every other share had finished (join them all first)";
    }
  }
}

TEST(ParallelFor, WhenEveryShareThrowsOneOfTheirExceptionsReachesTheCaller) {
  constexpr unsigned kThreads = 4;
  std::atomic<int> calls{0};
  std::optional<std::size_t> caught;
  try {
    s08::parallel_for(0, 8, kThreads, [&](std::size_t first, std::size_t) {
      calls.fetch_add(1);
      throw ShareError(first / 2);
    });
  } catch (const accel::NotImplemented&) {
    throw;
  } catch (const ShareError& error) {
    caught = error.share;
  }
  ASSERT_TRUE(caught.has_value()) << "parallel_for(0, 8, threads=4) with every share throwing returned normally";
  EXPECT_LT(*caught, std::size_t{kThreads});
  EXPECT_EQ(calls.load(), int(kThreads)) << "every share runs, even when another one throws";
}

// ---- add_parallel ----

TEST(AddParallel, HandChecked) {
  const float a[] = {1, 2, 3, -4.5f, 0}, b[] = {10, 20, 30, 4.5f, -0.25f};
  for (const unsigned threads : thread_counts()) {
    check::GuardedBuffer c(5, 0, 1234.5f);
    s08::add_parallel(a, b, c.data(), 5, threads);
    EXPECT_EQ(std::vector<float>(c.data(), c.data() + 5), (std::vector<float>{11, 22, 33, 0, -0.25f}))
        << "threads=" << threads;
    EXPECT_TRUE(c.guards_intact());
  }
}

// a + b in float is a + b in double rounded once: within half an ulp, or ±inf from
// FLT_MAX + half an ulp on.
std::vector<double> sum_reference(std::span<const float> a, std::span<const float> b) {
  std::vector<double> expected(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double sum = double(a[i]) + double(b[i]);
    expected[i] = std::abs(sum) >= 0x1p128 - 0x1p103 ? std::copysign(double(kInf), sum) : sum;
  }
  return expected;
}
constexpr double kHalfUlp = 0x1p-24;

TEST(AddParallel, EveryLengthAndThreadCount) {
  const std::uint64_t seed = check::seed();
  for (const std::size_t n : kLengths) {
    const check::GuardedBuffer a = random_buffer(n, seed + n), b = random_buffer(n, seed + n + 1, -1, 1, 3);
    for (const unsigned threads : thread_counts()) {
      for (const std::size_t misalign : {0, 1}) {
        SCOPED_TRACE(where("add_parallel", n, threads) + ", c " + std::to_string(misalign) +
                     " float(s) off alignment, " + check::seed_note(seed));
        check::GuardedBuffer c(n, misalign, 1234.5f);
        s08::add_parallel(a.span().data(), b.span().data(), c.data(), n, threads);
        ASSERT_TRUE(check::allclose(c.span(), sum_reference(a.span(), b.span()), 0, kHalfUlp));
        ASSERT_TRUE(c.guards_intact());
      }
    }
  }
}

TEST(AddParallel, OutputMayBeAnInput) {
  const std::uint64_t seed = check::seed();
  constexpr std::size_t n = 4099;
  for (const unsigned threads : thread_counts()) {
    for (const bool into_a : {true, false}) {
      SCOPED_TRACE(where("add_parallel", n, threads) + (into_a ? ", c = a" : ", c = b") + ", " +
                   check::seed_note(seed));
      check::GuardedBuffer a = random_buffer(n, seed), b = random_buffer(n, seed + 1);
      const std::vector<double> expected = sum_reference(a.span(), b.span());
      float* c = into_a ? a.data() : b.data();
      s08::add_parallel(a.data(), b.data(), c, n, threads);
      ASSERT_TRUE(check::allclose({c, n}, expected, 0, kHalfUlp));
      ASSERT_TRUE(a.guards_intact());
      ASSERT_TRUE(b.guards_intact());
    }
  }
}

TEST(AddParallel, SpecialValues) {
  const std::vector<float> a = {kInf, -kInf, kInf, kNaN, 1, -0.0f, 3e38f, 1e-40f, 5, 6, 7};
  const std::vector<float> b = {1, 2, -kInf, 1, kNaN, -0.0f, 3e38f, 1e-40f, -5, -6, -7};
  const std::vector<double> expected = sum_reference(a, b);  // inf, -inf, NaN, NaN, NaN, -0, inf, 2e-40, 0, 0, 0
  for (const unsigned threads : thread_counts()) {
    SCOPED_TRACE(where("add_parallel", a.size(), threads) + ", infinities, NaN, overflow, denormals");
    check::GuardedBuffer c(a.size(), 0, 1234.5f);
    s08::add_parallel(a.data(), b.data(), c.data(), a.size(), threads);
    EXPECT_TRUE(check::allclose(c.span(), expected, 0, kHalfUlp));
    EXPECT_TRUE(c.guards_intact());
  }
}

TEST(AddParallel, ZeroThreadsIsRejected) {
  float a[4] = {}, b[4] = {}, c[4] = {};
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::add_parallel(a, b, c, 4, 0); }, "add_parallel"));
}

// ---- gelu_parallel ----

constexpr double kGeluAtol = 1e-5, kGeluRtol = 1e-4;

std::vector<double> gelu_reference(std::span<const float> x) {
  std::vector<double> expected(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) expected[i] = gelu_reference(double(x[i]));
  return expected;
}

// gelu_parallel of x into a guarded output pre-filled with garbage, against the reference.
void check_gelu(std::span<const float> x, unsigned threads, const std::string& context, std::size_t misalign = 0) {
  SCOPED_TRACE(where("gelu_parallel", x.size(), threads) + ", output " + std::to_string(misalign) +
               " float(s) off alignment, " + context);
  check::GuardedBuffer out(x.size(), misalign, 1234.5f);
  s08::gelu_parallel(x.data(), out.data(), x.size(), threads);
  ASSERT_TRUE(check::allclose(out.span(), gelu_reference(x), kGeluAtol, kGeluRtol));
  ASSERT_TRUE(out.guards_intact());
}

TEST(GeluParallel, HandCheckedValues) {
  const std::vector<float> x = {0.0f, 1.0f, -1.0f, 2.0f, -3.0f};
  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) worked out in double precision.
  const std::vector<double> expected = {0.0, 0.8411919906082768, -0.15880800939172324, 1.954597694087775,
                                        -0.0036373920817729943};
  for (const unsigned threads : thread_counts()) {
    std::vector<float> out(x.size(), 1234.5f);
    s08::gelu_parallel(x.data(), out.data(), x.size(), threads);
    EXPECT_TRUE(check::allclose(out, expected, kGeluAtol, kGeluRtol)) << "threads=" << threads;
  }
}

TEST(GeluParallel, DenseSweepOnEveryThreadCount) {
  std::vector<float> x;  // [-10, 10] in steps of 1/4096: every float GELU sees in practice
  for (int i = -40960; i <= 40960; ++i) x.push_back(float(i) / 4096.0f);
  for (const unsigned threads : thread_counts()) check_gelu(x, threads, "sweep of [-10, 10] in steps of 1/4096");
}

TEST(GeluParallel, EveryLengthAndThreadCount) {
  const std::uint64_t seed = check::seed();
  for (const std::size_t n : kLengths) {
    const check::GuardedBuffer x = random_buffer(n, seed + n, -8.0f, 8.0f, 1);
    for (const unsigned threads : thread_counts()) {
      for (const std::size_t misalign : {0, 3}) {
        check_gelu(x.span(), threads, "x = Tensor::random(n, seed + n, -8, 8), " + check::seed_note(seed), misalign);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(GeluParallel, WideSweep) {
  // Past the saturation points on both sides, out to where x³ overflows float.
  std::vector<float> x;
  for (float v = 10.0f; v < 1e13f; v *= 1.01f) {
    x.push_back(v);
    x.push_back(-v);
  }
  for (const unsigned threads : {1u, 3u}) check_gelu(x, threads, "geometric sweep of ±[10, 1e13]");
}

TEST(GeluParallel, ExtremeValues) {
  const std::vector<float> x = {kInf, -kInf, kNaN, -kNaN, 1e4f, -1e4f, 1e13f, -1e13f, std::numeric_limits<float>::max(),
                                std::numeric_limits<float>::lowest(), 0.0f, -0.0f, 1e-40f, -1e-40f, 9.0f, -9.0f, 10.0f,
                                -10.0f, 10.5f, -10.5f, 20.0f, -20.0f, 100.0f, -100.0f, kInf, -kInf, kNaN};
  for (const unsigned threads : thread_counts()) {
    check_gelu(x, threads, "infinities, NaN, huge, tiny and saturating values");
    std::vector<float> out(x.size(), 7.0f);
    s08::gelu_parallel(x.data(), out.data(), x.size(), threads);
    for (const std::size_t i : {0, 24}) {
      EXPECT_EQ(out[i], kInf) << "GELU(+inf) must be +inf (threads=" << threads << ")";
    }
    for (const std::size_t i : {1, 25}) {
      EXPECT_EQ(out[i], 0.0f) << "GELU(-inf) must be 0, -inf·0 is NaN: handle it (threads=" << threads << ")";
    }
    for (const std::size_t i : {2, 3, 26}) EXPECT_TRUE(std::isnan(out[i])) << "GELU(NaN) must be NaN, got " << out[i];
  }
}

TEST(GeluParallel, ZeroThreadsIsRejected) {
  float x[4] = {}, out[4] = {};
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::gelu_parallel(x, out, 4, 0); }, "gelu_parallel"));
}

// ---- matmul_parallel ----

struct GemmShape {
  std::size_t m, n, k;
};
void PrintTo(const GemmShape& s, std::ostream* out) { *out << "M=" << s.m << " N=" << s.n << " K=" << s.k; }
std::string gemm_name(const ::testing::TestParamInfo<GemmShape>& info) {
  return std::to_string(info.param.m) + "x" + std::to_string(info.param.n) + "x" + std::to_string(info.param.k);
}

// Seeded A and B, C pre-filled with garbage (a kernel that accumulates into C fails), C's
// guard cells, and the componentwise GEMM error bound.
void check_gemm(GemmShape s, unsigned threads, std::size_t misalign = 0) {
  const std::uint64_t seed = check::seed();
  SCOPED_TRACE("matmul_parallel with M=" + std::to_string(s.m) + " N=" + std::to_string(s.n) + " K=" +
               std::to_string(s.k) + ", threads=" + std::to_string(threads) + ", pointers " + std::to_string(misalign) +
               " float(s) off alignment, " + check::seed_note(seed));
  const check::GuardedBuffer a = random_buffer(s.m * s.k, seed, -1, 1, misalign);
  const check::GuardedBuffer b = random_buffer(s.k * s.n, seed + 1, -1, 1, misalign);
  check::GuardedBuffer c(s.m * s.n, misalign, 1234.5f);
  s08::matmul_parallel(a.span().data(), b.span().data(), c.data(), s.m, s.n, s.k, threads);
  ASSERT_TRUE(check::gemm_close(c.span(), a.span().data(), b.span().data(), s.m, s.n, s.k));
  ASSERT_TRUE(c.guards_intact());
}

TEST(MatmulParallel, HandChecked2x2) {
  // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]: small integers, exact in any order.
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  for (const unsigned threads : thread_counts()) {
    check::GuardedBuffer c(4, 0, 1234.5f);
    s08::matmul_parallel(a, b, c.data(), 2, 2, 2, threads);
    EXPECT_EQ(std::vector<float>(c.data(), c.data() + 4), (std::vector<float>{19, 22, 43, 50}))
        << "threads=" << threads;
    EXPECT_TRUE(c.guards_intact());
  }
}

// Around every register block (4, 6, 8, 12, 14, 16, 32 and ±1), odd and non-square, fewer
// rows than threads, K = 0 (C must become zeros) and empty outputs.
const std::vector<GemmShape> kShapes = {
    {1, 1, 1},    {2, 3, 4},    {3, 5, 7},    {4, 16, 16},  {6, 16, 16},  {7, 17, 9},   {8, 12, 9},
    {9, 13, 10},  {13, 31, 7},  {14, 32, 16}, {15, 33, 17}, {28, 64, 5},  {29, 65, 3},  {31, 63, 33},
    {33, 47, 64}, {43, 29, 18}, {63, 65, 64}, {65, 63, 65}, {1, 130, 7},  {2, 130, 7},  {130, 1, 7},
    {97, 100, 103}, {130, 67, 129}, {3, 5, 0}, {0, 5, 3},   {4, 0, 2},    {0, 0, 0}};

class MatmulParallel : public ::testing::TestWithParam<GemmShape> {};
TEST_P(MatmulParallel, MatchesDoubleReferenceOnEveryThreadCount) {
  for (const unsigned threads : thread_counts()) check_gemm(GetParam(), threads);
}
INSTANTIATE_TEST_SUITE_P(Sizes, MatmulParallel, ::testing::ValuesIn(kShapes), gemm_name);

TEST(MatmulParallel, EveryRowCountAcrossTheShares) {
  // Every M from 1 to 45: shares of whole micro-panels of up to 14 rows, on 2 and 3
  // threads, with the column edges of blocks up to 32 wide.
  for (const unsigned threads : {2u, 3u}) {
    for (std::size_t m = 1; m <= 45; ++m) {
      for (const std::size_t n : {1, 17, 33, 65}) {
        check_gemm({m, n, 5}, threads);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(MatmulParallel, FewerRowsThanThreads) {
  for (const unsigned threads : {4u, 8u, accel::usable_cores() + 3}) {
    for (const std::size_t m : {1, 2, 3}) check_gemm({m, 37, 19}, threads);
  }
}

TEST(MatmulParallel, CrossesTheCacheBlocks) {
  // K past two KC blocks (so C is accumulated over k blocks) and M past each thread's MC.
  for (const unsigned threads : thread_counts()) {
    for (const GemmShape s : {GemmShape{61, 131, 600}, GemmShape{701, 67, 300}}) check_gemm(s, threads);
  }
}

TEST(MatmulParallel, LargeSquare) {
  for (const unsigned threads : thread_counts()) check_gemm({255, 255, 255}, threads);
}

TEST(MatmulParallel, UnalignedPointers) {
  for (const std::size_t misalign : {1, 3}) {
    for (const GemmShape s : {GemmShape{13, 33, 31}, GemmShape{29, 65, 70}}) check_gemm(s, 3, misalign);
  }
}

TEST(MatmulParallel, ZeroInnerDimensionGivesZeros) {
  for (const unsigned threads : thread_counts()) {
    check::GuardedBuffer c(7 * 9, 0, 1234.5f);
    const float unused = 1.0f;
    s08::matmul_parallel(&unused, &unused, c.data(), 7, 9, 0, threads);
    for (std::size_t i = 0; i < 7 * 9; ++i) {
      ASSERT_EQ(c.data()[i], 0.0f) << "matmul_parallel with K=0 (threads=" << threads << "): C[" << i / 9 << "]["
                                   << i % 9 << "] must be 0";
    }
    EXPECT_TRUE(c.guards_intact());
  }
}

TEST(MatmulParallel, EmptyOutputTouchesNothing) {
  const std::vector<float> a(5 * 7, 1.0f), b(7 * 5, 1.0f);
  for (const unsigned threads : thread_counts()) {
    for (const auto& [m, n] : {std::pair{0, 5}, std::pair{5, 0}, std::pair{0, 0}}) {
      check::GuardedBuffer c(0);
      s08::matmul_parallel(a.data(), b.data(), c.data(), std::size_t(m), std::size_t(n), 7, threads);
      EXPECT_TRUE(c.guards_intact()) << "matmul_parallel with M=" << m << " N=" << n << " K=7, threads=" << threads;
    }
  }
}

TEST(MatmulParallel, NaNStaysInItsRowAndColumn) {
  // A NaN at A[row][1] reaches all of C's row and nothing else; one at B[K-1][col] all of
  // C's column. C starts as NaN, so every other element must be written.
  constexpr std::size_t m = 31, n = 70, k = 300;
  const std::size_t row = m - 2, col = n / 2;
  for (const unsigned threads : {2u, 3u}) {
    for (const bool in_a : {true, false}) {
      SCOPED_TRACE("matmul_parallel 31x70x300, threads=" + std::to_string(threads) +
                   (in_a ? ", NaN at A[29][1]" : ", NaN at B[299][35]"));
      std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f);
      (in_a ? a[row * k + 1] : b[(k - 1) * n + col]) = kNaN;
      check::GuardedBuffer c(m * n, 0, kNaN);
      s08::matmul_parallel(a.data(), b.data(), c.data(), m, n, k, threads);
      std::size_t wrong = 0;
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          const float got = c.data()[i * n + j];
          const bool nan_expected = in_a ? i == row : j == col;
          if ((nan_expected ? std::isnan(got) : got == 0.125f * float(k)) || wrong++ > 0) continue;
          ADD_FAILURE() << "C[" << i << "][" << j << "] = " << got << ", expected "
                        << (nan_expected ? "NaN" : std::to_string(0.125 * double(k)));
        }
      }
      EXPECT_EQ(wrong, 0u) << "elements of C wrong";
      EXPECT_TRUE(c.guards_intact());
    }
  }
}

TEST(MatmulParallel, CallsOfDifferentSizesAndThreadsDoNotInterfere) {
  // Whatever a kernel keeps between calls (packing buffers) must not leak into the next.
  const unsigned many = accel::usable_cores() + 3;
  const std::vector<std::pair<GemmShape, unsigned>> calls = {
      {{200, 300, 260}, 2}, {{3, 4, 5}, many}, {{70, 90, 600}, 3},
      {{1, 1, 1}, 1}, {{150, 40, 33}, many}, {{9, 9, 9}, 2}};
  for (const auto& [shape, threads] : calls) check_gemm(shape, threads);
}

TEST(MatmulParallel, ZeroThreadsIsRejected) {
  float a[4] = {}, b[4] = {}, c[4] = {};
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::matmul_parallel(a, b, c, 2, 2, 2, 0); },
                                                        "matmul_parallel"));
}

// ---- sum_adjacent_counters, sum_parallel ----

using SumKernel = float (*)(const float*, std::size_t, unsigned);

// The order the header states: each share left to right in float, then the shares' sums
// in thread order.
float sum_in_stated_order(const float* x, std::size_t n, unsigned threads) {
  const std::size_t t = std::min<std::size_t>(threads, n);
  float total = 0.0f;
  for (std::size_t i = 0; i < t; ++i) {
    float share = 0.0f;
    for (std::size_t j = share_start(i, n, t); j < share_start(i + 1, n, t); ++j) share += x[j];
    total += share;
  }
  return total;
}

// A float sum of n terms in any order is within γₙ·Σ|x| of the exact sum.
::testing::AssertionResult sum_close(float got, std::span<const float> x) {
  double exact = 0, magnitude = 0;
  for (const float v : x) exact += double(v), magnitude += std::abs(double(v));
  const double tolerance = accel::float_sum_bound_factor(x.size()) * magnitude;
  if (accel::within(got, exact, tolerance)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << exact << ", got " << got << " (tolerance " << tolerance
                                       << " = γ_n·Σ|x|)";
}

void check_integer_sums(SumKernel sum, const char* name) {
  // Whole numbers from 1 to 16: every partial sum is a whole number below 2^24, so every
  // order gives the exact sum, and an element left out or added twice changes it.
  const std::uint64_t seed = check::seed();
  for (const std::size_t n : kLengths) {
    const Tensor raw = Tensor::random({n == 0 ? 1 : n}, seed + n, 1.0f, 17.0f);
    std::vector<float> x(n);
    double exact = 0;
    for (std::size_t i = 0; i < n; ++i) exact += x[i] = std::floor(raw.data()[i]);
    for (const unsigned threads : thread_counts()) {
      ASSERT_EQ(sum(x.data(), n, threads), float(exact))
          << where(name, n, threads) << ", whole numbers from 1 to 16, " << check::seed_note(seed);
    }
  }
}

void check_random_sums(SumKernel sum, const char* name) {
  const std::uint64_t seed = check::seed();
  for (const std::size_t n : kLengths) {
    for (const float low : {-1.0f, 0.0f}) {
      const check::GuardedBuffer x = random_buffer(n, seed + n, low, 1.0f, 1);
      for (const unsigned threads : thread_counts()) {
        SCOPED_TRACE(where(name, n, threads) + ", values in [" + std::to_string(int(low)) + ", 1), " +
                     check::seed_note(seed));
        const float got = sum(x.span().data(), n, threads);
        ASSERT_TRUE(sum_close(got, x.span()));
        ASSERT_EQ(got, sum_in_stated_order(x.span().data(), n, threads))
            << "the header fixes the order: each share left to right in float, then the shares in thread order";
      }
    }
  }
}

void check_special_sums(SumKernel sum) {
  const std::vector<float> with_inf = {1, 2, kInf, 4, 5, 6, 7}, with_nan = {1, 2, 3, 4, 5, kNaN, 7},
                           inf_and_minus_inf = {kInf, 1, 2, 3, 4, 5, -kInf};
  for (const unsigned threads : thread_counts()) {
    SCOPED_TRACE("threads=" + std::to_string(threads));
    EXPECT_EQ(sum(with_inf.data(), with_inf.size(), threads), kInf);
    EXPECT_TRUE(std::isnan(sum(with_nan.data(), with_nan.size(), threads)));
    EXPECT_TRUE(std::isnan(sum(inf_and_minus_inf.data(), inf_and_minus_inf.size(), threads)));
  }
}

void check_empty_sum(SumKernel sum) {
  const float unused = 1234.5f;
  for (const unsigned threads : thread_counts()) EXPECT_EQ(sum(&unused, 0, threads), 0.0f) << "threads=" << threads;
}

TEST(SumAdjacentCounters, WholeNumbersSumExactly) {
  check_integer_sums(s08::sum_adjacent_counters, "sum_adjacent_counters");
}
TEST(SumAdjacentCounters, RandomValuesInTheStatedOrder) {
  check_random_sums(s08::sum_adjacent_counters, "sum_adjacent_counters");
}
TEST(SumAdjacentCounters, SpecialValues) { check_special_sums(s08::sum_adjacent_counters); }
TEST(SumAdjacentCounters, EmptySumIsZero) { check_empty_sum(s08::sum_adjacent_counters); }
TEST(SumAdjacentCounters, ZeroThreadsIsRejected) {
  const float x[4] = {1, 2, 3, 4};
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::sum_adjacent_counters(x, 4, 0); },
                                                        "sum_adjacent_counters"));
}

TEST(SumParallel, WholeNumbersSumExactly) { check_integer_sums(s08::sum_parallel, "sum_parallel"); }
TEST(SumParallel, RandomValuesInTheStatedOrder) { check_random_sums(s08::sum_parallel, "sum_parallel"); }
TEST(SumParallel, SpecialValues) { check_special_sums(s08::sum_parallel); }
TEST(SumParallel, EmptySumIsZero) { check_empty_sum(s08::sum_parallel); }
TEST(SumParallel, ZeroThreadsIsRejected) {
  const float x[4] = {1, 2, 3, 4};
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::sum_parallel(x, 4, 0); }, "sum_parallel"));
}

// ---- amdahl_speedup, serial_fraction ----

TEST(Amdahl, SpeedupFormula) {
  EXPECT_NEAR(s08::amdahl_speedup(0.5, 2), 4.0 / 3.0, 1e-12);
  EXPECT_NEAR(s08::amdahl_speedup(0.1, 8), 1.0 / (0.1 + 0.9 / 8), 1e-12);
  EXPECT_NEAR(s08::amdahl_speedup(0.05, 16), 1.0 / (0.05 + 0.95 / 16), 1e-12);
  EXPECT_NEAR(s08::amdahl_speedup(0.25, 1000000), 1.0 / (0.25 + 0.75 / 1e6), 1e-9);
}

TEST(Amdahl, SpeedupLimits) {
  for (const unsigned p : {1u, 2u, 7u, 64u}) {
    EXPECT_NEAR(s08::amdahl_speedup(0.0, p), double(p), 1e-12) << "no serial part: p cores, p times faster";
    EXPECT_NEAR(s08::amdahl_speedup(1.0, p), 1.0, 1e-12) << "all serial: no speedup on any number of cores";
  }
  for (const double s : {0.0, 0.3, 1.0}) EXPECT_NEAR(s08::amdahl_speedup(s, 1), 1.0, 1e-12) << "one core, s=" << s;
}

TEST(Amdahl, SpeedupRejectsBadArguments) {
  for (const double s : {-0.01, 1.01, std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::amdahl_speedup(s, 4); }, ""))
        << "amdahl_speedup(" << s << ", 4)";
  }
  EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::amdahl_speedup(0.5, 0); }, ""))
      << "amdahl_speedup(0.5, 0)";
}

TEST(Amdahl, SerialFractionInvertsTheSpeedup) {
  for (const double s : {0.0, 0.02, 0.25, 0.5, 0.9, 1.0}) {
    for (const unsigned p : {2u, 3u, 8u, 64u}) {
      const double t1 = 2.5, tp = t1 * (s + (1 - s) / p);
      EXPECT_NEAR(s08::serial_fraction(t1, tp, p), s, 1e-12) << "t1=" << t1 << " tp=" << tp << " p=" << p;
      EXPECT_NEAR(s08::amdahl_speedup(s08::serial_fraction(t1, tp, p), p), t1 / tp, 1e-9 * t1 / tp);
    }
  }
}

TEST(Amdahl, SerialFractionIsClamped) {
  EXPECT_EQ(s08::serial_fraction(1.0, 0.2, 4), 0.0) << "faster than perfect scaling (0.25 s): s = 0";
  EXPECT_EQ(s08::serial_fraction(1.0, 1.3, 4), 1.0) << "slower than one core: s = 1";
  EXPECT_EQ(s08::serial_fraction(1.0, 1.0, 2), 1.0);
}

TEST(Amdahl, SerialFractionRejectsBadArguments) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& arguments : {std::tuple{0.0, 1.0, 2u}, std::tuple{1.0, 0.0, 2u}, std::tuple{-1.0, 0.5, 2u},
                                 std::tuple{1.0, -0.5, 2u}, std::tuple{nan, 0.5, 2u}, std::tuple{1.0, nan, 2u},
                                 std::tuple{1.0, 0.6, 1u}, std::tuple{1.0, 0.6, 0u}}) {
    const double t1 = std::get<0>(arguments), tp = std::get<1>(arguments);  // plain variables: lambdas capture them
    const unsigned p = std::get<2>(arguments);
    EXPECT_TRUE(check::throws_with<std::invalid_argument>([&] { s08::serial_fraction(t1, tp, p); }, ""))
        << "serial_fraction(" << t1 << ", " << tp << ", " << p << ")";
  }
}

}  // namespace
