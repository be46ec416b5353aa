// The grader's baseline program on a host whose clock changes under it: the real dot
// baseline, and machine probes that report rates of FAKE_PROBE_GBPS (GB/s, and as many
// GFLOP/s) in their first FAKE_SLOW_PROBE_RUNS runs, as if measured in a slow minute,
// then 1000 times that. Runs are counted in the file FAKE_PROBE_RUN_LOG.
#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

#include "accel/bench.hpp"
#include "baselines.hpp"
#include "harness.hpp"

namespace {

using namespace accel::grade;

void dot_strict(Workload& workload) {
  DotWorkload& w = as<DotWorkload>(workload);
  w.result.data()[0] = accel::baselines::dot_strict(w.a.data(), w.b.data(), w.n());
}

// Counts this run in the log; true while the runs before it are fewer than the slow ones.
bool in_the_slow_minute() {
  const std::string log = std::getenv("FAKE_PROBE_RUN_LOG");
  std::ifstream earlier(log);
  int runs_before = 0;
  for (std::string line; std::getline(earlier, line);) ++runs_before;
  std::ofstream(log, std::ios::app) << "run\n";
  return runs_before < std::atoi(std::getenv("FAKE_SLOW_PROBE_RUNS"));
}

// Each iteration burns 10 us of CPU time and claims the work the rate implies. (Google
// Benchmark calls a probe more than once per process; the process is one run.)
void probe(benchmark::State& state) {
  static const bool slow = in_the_slow_minute();
  const double rate = std::atof(std::getenv("FAKE_PROBE_GBPS")) * 1e9 * (slow ? 1 : 1000);
  constexpr double kSeconds = 10e-6;
  for (auto _ : state) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kSeconds);
    while (std::chrono::steady_clock::now() < end) {
    }
  }
  accel::report_cost(state, {rate * kSeconds, rate * kSeconds});
}

constexpr std::array kRunners = {RunnerEntry{"baseline/dot_strict/2048", Kind::dot, dot_strict}};
constexpr std::array kProbes = {Probe{"machine/fma_peak/256", probe}, Probe{"machine/l1_read/256", probe}};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners, kProbes); }
