#include "harness.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

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

bool write_dump(const std::string& path, const LastOutput& last) {
  if (path.empty()) return false;
  std::ofstream out(path, std::ios::binary);
  const std::uint64_t count = last.values.size();
  out.write(kDumpMagic, sizeof kDumpMagic);
  out.write(reinterpret_cast<const char*>(&last.last_call), sizeof last.last_call);
  out.write(reinterpret_cast<const char*>(&count), sizeof count);
  out.write(reinterpret_cast<const char*>(last.values.data()), std::streamsize(count * sizeof(float)));
  return bool(out.flush());
}

// Calls a value case once and dumps its value and the call's duration.
int run_value(const ValueEntry& entry, std::span<const double> args, const std::string& dump) {
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
    std::cerr << "cannot write the output to " << dump << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int harness_main(int argc, char** argv, std::span<const RunnerEntry> runners, std::span<const Probe> probes,
                 std::span<const ValueEntry> values) {
  CLI::App app{"Times one of the grader's cases with Google Benchmark (run by the grader, not by hand)."};
  std::string case_name, report, dump;
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
  app.add_option("--report", report, "File for Google Benchmark's JSON report");
  app.add_option("--dump", dump, "File for the output of the last call");
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
  if (case_name.empty() || report.empty()) {
    std::cerr << "give --case and --report (and --dump for a case); --list shows the cases\n";
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
    if (dump.empty()) {
      std::cerr << "a case needs --dump\n";
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
  std::string out_flag = "--benchmark_out=" + report, format_flag = "--benchmark_out_format=json";
  char* benchmark_argv[] = {argv[0], out_flag.data(), format_flag.data(), nullptr};
  int benchmark_argc = 3;
  benchmark::Initialize(&benchmark_argc, benchmark_argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  if (runner != runners.end() && last.ran && !write_dump(dump, last)) {
    std::cerr << "cannot write the output to " << dump << '\n';
    return 1;
  }
  return 0;
}

}  // namespace accel::grade
