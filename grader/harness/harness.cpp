#include "harness.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <streambuf>
#include <string_view>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "accel/cpu_info.hpp"

namespace accel::grade {
namespace {

// What the last run of the case left behind, written to --dump after Google Benchmark has
// finished (in calibration mode it runs the case several times; the last one counts).
struct LastOutput {
  bool ran = false;
  std::uint64_t last_call = 0;
  std::vector<float> values;
};

// kWarmupCalls untimed calls come before the timed ones: the first turns a TODO stub into a
// skipped case and pays what only a first call pays (page faults on the output, a kernel's
// buffers), the second what a second call may still pay (glibc serves a freed big block
// from the heap only once its mmap threshold has grown). Timed calls then measure the kernel.

// NaN everywhere: a kernel that leaves any element unwritten leaves one no check accepts,
// so nothing of an earlier call's output can stand in for this call's.
void poison(Workload& workload) { std::ranges::fill(workload.output(), std::numeric_limits<float>::quiet_NaN()); }

// `each_call`: time each call alone, its preparation outside the clock (a run with a fixed
// count of calls). Otherwise the loop is timed whole, preparation included: a calibration
// run, which Google Benchmark ends once the loop has taken --min-time, however little of
// it the kernel takes.
void time_case(benchmark::State& state, const CaseEntry& entry, Runner run, std::uint64_t seed, LastOutput& last,
               bool each_call) {
  using Clock = std::chrono::steady_clock;
  const std::unique_ptr<Workload> workload = make_workload(entry.spec, seed);
  std::uint64_t call = 0;  // timed calls are 1, 2, ...
  try {
    for (std::uint64_t warmup = 0; warmup < kWarmupCalls; ++warmup) {
      workload->prepare(kWarmupCallBase + warmup);
      poison(*workload);
      run(*workload);
    }
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
    return;
  }
  double untimed = 0;  // seconds spent preparing inputs and poisoning outputs between timed calls
  if (each_call) {
    // Each call timed alone: new inputs and a poisoned output before it, outside the clock.
    for (auto _ : state) {
      const auto prepared = Clock::now();
      workload->prepare(++call);
      poison(*workload);
      const auto start = Clock::now();
      run(*workload);
      benchmark::DoNotOptimize(workload->output().data());
      benchmark::ClobberMemory();
      const auto end = Clock::now();
      state.SetIterationTime(std::chrono::duration<double>(end - start).count());
      untimed += std::chrono::duration<double>(start - prepared).count();
    }
  } else {
    // A calibration run, or a call of a few hundred nanoseconds whose preparation is a store
    // or two (a clock read per call would be half of what it measures).
    for (auto _ : state) {
      workload->prepare(++call);
      poison(*workload);
      run(*workload);
      benchmark::DoNotOptimize(workload->output().data());
      benchmark::ClobberMemory();
    }
  }
  report_cost(state, entry.spec.cost());
  state.counters["untimed_seconds"] = untimed;
  last.ran = true;
  last.last_call = call;
  last.values.assign(workload->output().begin(), workload->output().end());
}

// Writes all of `bytes` to `fd`, a pipe the grader reads: no file is opened (the grader's
// sandbox refuses files opened for writing).
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written <= 0) return false;
    bytes.remove_prefix(std::size_t(written));
  }
  return true;
}

// An output stream onto a file descriptor, for Google Benchmark's JSON reporter.
class FdBuffer : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd) {}

 protected:
  std::streamsize xsputn(const char* data, std::streamsize count) override {
    return write_all(fd_, {data, std::size_t(count)}) ? count : 0;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return write_all(fd_, {&ch, 1}) ? c : traits_type::eof();
  }

 private:
  int fd_;
};

bool write_dump(int fd, const LastOutput& last) {
  const std::uint64_t count = last.values.size();
  std::string bytes(kDumpMagic, sizeof kDumpMagic);
  bytes.append(reinterpret_cast<const char*>(&last.last_call), sizeof last.last_call);
  bytes.append(reinterpret_cast<const char*>(&count), sizeof count);
  bytes.append(reinterpret_cast<const char*>(last.values.data()), count * sizeof(float));
  return fd >= 0 && write_all(fd, bytes);
}

// Calls a value case once and dumps its value and the call's duration.
int run_value(const ValueEntry& entry, std::span<const double> args, int dump) {
  LastOutput last;
  try {
    const auto start = std::chrono::steady_clock::now();
    const double value = entry.run(args);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    last.ran = true;
    last.values = {float(value), float(seconds)};
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';  // the grader reads a TODO stub's message here
    return 1;
  }
  if (!write_dump(dump, last)) {
    std::cerr << "cannot write the output to file descriptor " << dump << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int harness_main(int argc, char** argv, std::span<const RunnerEntry> runners, std::span<const Probe> probes,
                 std::span<const ValueEntry> values) {
  CLI::App app{"Times one of the grader's cases with Google Benchmark (run by the grader, not by hand)."};
  std::string case_name;
  int report = -1, dump = -1;
  std::vector<double> args;
  std::uint64_t seed = 1;
  std::optional<std::uint64_t> iterations;
  double min_time = 0.1;
  bool list = false;
  app.add_flag("--list", list, "Print the cases this program can time");
  app.add_option("--case", case_name, "The case to time, e.g. student/matmul_ikj/512");
  app.add_option("--seed", seed, "Seed of the case's inputs");
  app.add_option("--iterations", iterations, "Timed calls (default: as many as --min-time needs)")->check(CLI::PositiveNumber);
  app.add_option("--min-time", min_time, "Seconds of timed calls when --iterations is not given")->check(CLI::PositiveNumber);
  app.add_option("--report-fd", report, "Open file descriptor for Google Benchmark's JSON report (e.g. a pipe)");
  app.add_option("--dump-fd", dump, "Open file descriptor for the output of the last call");
  app.add_option("--args", args, "The numbers a value case is called with")->delimiter(',');
  CLI11_PARSE(app, argc, argv);

  if (list) {
    for (const RunnerEntry& runner : runners) std::cout << runner.case_name << '\n';
    for (const Probe& probe : probes) std::cout << probe.name << '\n';
    for (const ValueEntry& value : values) std::cout << value.name << '\n';
    return 0;
  }
  if (const auto value = std::ranges::find(values, case_name, &ValueEntry::name); value != values.end()) {
    return run_value(*value, args, dump);
  }
  if (case_name.empty() || report < 0) {
    std::cerr << "give --case and --report-fd (and --dump-fd for a case); --list shows the cases\n";
    return 2;
  }

  LastOutput last;
  benchmark::internal::Benchmark* benchmark = nullptr;
  const auto runner = std::ranges::find(runners, case_name, &RunnerEntry::case_name);
  const auto probe = std::ranges::find(probes, case_name, &Probe::name);
  if (runner != runners.end()) {
    const CaseEntry* entry = find_case(case_name);
    if (entry == nullptr || entry->spec.kind != runner->kind) {
      std::cerr << "case " << case_name << " is not in the catalog with the kind its runner expects\n";
      return 2;
    }
    if (dump < 0) {
      std::cerr << "a case needs --dump-fd\n";
      return 2;
    }
    const bool each_call = entry->spec.timed_per_call() && iterations.has_value();
    benchmark = benchmark::RegisterBenchmark(entry->name.data(), [=, &last](benchmark::State& state) {
      time_case(state, *entry, runner->run, seed, last, each_call);
    });
    if (each_call) benchmark->UseManualTime();
  } else if (probe != probes.end()) {
    benchmark = benchmark::RegisterBenchmark(probe->name.data(), probe->run);
  } else {
    std::cerr << "this program has no case " << case_name << " (--list shows its cases)\n";
    return 2;
  }
  if (iterations) {
    benchmark->Iterations(benchmark::IterationCount(*iterations));
  } else {
    benchmark->MinTime(min_time);
  }

  const CpuInfo& info = cpu_info();
  benchmark::AddCustomContext("cpu_model", info.model);
  benchmark::AddCustomContext("simd_path", simd_path());
  benchmark::AddCustomContext("compile_flags", info.compile_flags);
  char* benchmark_argv[] = {argv[0], nullptr};
  int benchmark_argc = 1;
  benchmark::Initialize(&benchmark_argc, benchmark_argv);
  FdBuffer report_buffer(report);
  std::ostream report_stream(&report_buffer);
  benchmark::JSONReporter reporter;  // the report as --benchmark_format=json writes it
  reporter.SetOutputStream(&report_stream);
  reporter.SetErrorStream(&std::cerr);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  report_stream.flush();
  benchmark::Shutdown();

  if (runner != runners.end() && last.ran && !write_dump(dump, last)) {
    std::cerr << "cannot write the output to file descriptor " << dump << '\n';
    return 1;
  }
  return 0;
}

}  // namespace accel::grade
