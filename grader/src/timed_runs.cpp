#include "timed_runs.hpp"

#include <cstring>
#include <sstream>

#include "accel/table.hpp"
#include "bench_report.hpp"
#include "child_process.hpp"
#include "scoring.hpp"
#include "text.hpp"
#include "workloads.hpp"

namespace accel::grader {
namespace {

namespace fs = std::filesystem;

constexpr double kCalibrationSeconds = 0.05;
constexpr double kProbeSeconds = 0.02;  // short: limits are best-of over several runs
constexpr int kReportFd = 3, kDumpFd = 4;

// A harness program's command: no arguments yet, output files named after the program, and
// one core for the BLAS and OpenMP whatever the machine (ratios compare one core with one).
ChildCommand child_command(const SpeedOptions& options, const std::string& binary) {
  const std::string name = fs::path(binary).filename().string();
  ChildCommand command;
  command.argv = {(options.bin_dir / binary).string()};
  command.stdout_file = options.work_dir / (name + ".stdout");
  command.stderr_file = options.work_dir / (name + ".stderr");
  command.time_limit = std::chrono::duration<double>(options.time_limit_seconds);
  command.environment = {{"OPENBLAS_NUM_THREADS", "1"}, {"OMP_NUM_THREADS", "1"}, {"VECLIB_MAXIMUM_THREADS", "1"}};
  if (binary != options.baseline_binary) command.sandbox = options.sandbox;  // the baselines are the grader's own
  return command;
}

std::string fate(const std::string& binary, const ChildResult& child, const fs::path& stderr_file) {
  const std::string err = read_text_file(stderr_file);
  if (const std::string function = not_implemented_function(err); !function.empty()) {
    return "not implemented: " + function;
  }
  std::string text = binary + " " + child.describe();
  if (const std::string tail = last_lines(err, 5); !tail.empty()) text += "\nlast lines of stderr:\n" + tail;
  return text;
}

// The dump: magic, last call, count, floats, and not one byte more.
bool read_dump(const std::string& bytes, TimedRun& run) {
  constexpr std::size_t kHeader = sizeof grade::kDumpMagic + 2 * sizeof(std::uint64_t);
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), grade::kDumpMagic, sizeof grade::kDumpMagic) != 0) {
    return false;
  }
  std::uint64_t count = 0;
  std::memcpy(&run.last_call, bytes.data() + sizeof grade::kDumpMagic, sizeof run.last_call);
  std::memcpy(&count, bytes.data() + sizeof grade::kDumpMagic + sizeof run.last_call, sizeof count);
  if (bytes.size() != kHeader + count * sizeof(float)) return false;
  run.output.resize(count);
  std::memcpy(run.output.data(), bytes.data() + kHeader, count * sizeof(float));
  return true;
}

// What every run learns from its child's fate: the times, and the problem when the child
// overflowed its capture (not trusted) or did not exit 0.
TimedRun from_child(const std::string& binary, const ChildResult& child, const fs::path& stderr_file) {
  TimedRun run;
  run.wall_seconds = child.seconds;
  run.cpu_seconds = child.cpu_seconds;
  if (child.capture_overflow) {
    run.problem = binary + " " + child.describe();
    run.untrusted = true;
  } else if (child.stopped_by_sandbox()) {
    run.problem = binary + " " + child.describe();
    run.broke_rule = true;
  } else if (!child.exited_normally() || child.exit_code != 0) {
    run.problem = fate(binary, child, stderr_file);
  }
  return run;
}

}  // namespace

TimedRun run_case(const SpeedOptions& options, const std::string& binary, const std::string& case_name,
                  std::uint64_t seed, std::optional<std::uint64_t> calls, bool has_output) {
  ChildCommand command = child_command(options, binary);
  command.argv.insert(command.argv.end(), {"--case", case_name, "--seed", std::to_string(seed), "--report-fd",
                                           std::to_string(kReportFd), "--dump-fd", std::to_string(kDumpFd)});
  if (calls) {
    command.argv.insert(command.argv.end(), {"--iterations", std::to_string(*calls)});
  } else {
    command.argv.insert(command.argv.end(), {"--min-time", fixed(has_output ? kCalibrationSeconds : kProbeSeconds, 3)});
  }
  command.capture_fds = {kReportFd, kDumpFd};
  const ChildResult child = run_child(command);
  TimedRun run = from_child(binary, child, command.stderr_file);
  if (!run.problem.empty()) return run;
  std::vector<BenchRun> reported;
  try {
    reported = parse_bench_json(child.captured.at(kReportFd));
  } catch (const ReportError& error) {
    run.problem = binary + "'s benchmark report: " + error.what();
    run.untrusted = error.untrusted();
    return run;
  }
  if (reported.size() != 1 || reported[0].name.rfind(case_name, 0) != 0) {
    run.problem = binary + " reported " + std::to_string(reported.size()) + " runs where one run of " + case_name +
                  " was asked for: report not trusted";
    run.untrusted = true;
    return run;
  }
  const BenchRun& bench = reported[0];
  if (!bench.error.empty()) {
    const std::string function = not_implemented_function(bench.error);
    run.problem = function.empty() ? case_name + " failed: " + first_lines(bench.error, 3) : "not implemented: " + function;
    return run;
  }
  if ((calls && bench.iterations != *calls) || bench.iterations == 0 || !(bench.real_time_ns > 0)) {
    run.problem = binary + " reported " + std::to_string(bench.iterations) + " timed calls where " +
                  (calls ? std::to_string(*calls) : std::string("some")) + " were asked for: report not trusted";
    run.untrusted = true;
    return run;
  }
  run.calls = bench.iterations;
  run.untimed_seconds = bench.untimed_seconds;
  run.seconds_per_call = bench.real_time_ns * 1e-9;
  run.flops_per_second = bench.flops_per_second;
  run.bytes_per_second = bench.bytes_per_second;
  if (has_output) {
    // Call 0 is the untimed first call; timed calls are 1..calls.
    if (!read_dump(child.captured.at(kDumpFd), run) || run.last_call != run.calls) {
      run.problem = binary + " did not send the output of its last timed call as the harness does: not trusted";
      run.untrusted = true;
    }
  }
  return run;
}

TimedRun run_value(const SpeedOptions& options, const std::string& binary, const std::string& case_name,
                   const std::vector<double>& args) {
  ChildCommand command = child_command(options, binary);
  std::string list;
  for (const double arg : args) list += (list.empty() ? "" : ",") + short_number(arg);
  command.argv.insert(command.argv.end(), {"--case", case_name, "--dump-fd", std::to_string(kDumpFd)});
  if (!list.empty()) command.argv.insert(command.argv.end(), {"--args", list});
  command.capture_fds = {kDumpFd};
  const ChildResult child = run_child(command);
  TimedRun run = from_child(binary, child, command.stderr_file);
  if (run.problem.empty() && (!read_dump(child.captured.at(kDumpFd), run) || run.output.size() != 2)) {
    run.problem = binary + " did not send a value as the harness does: not trusted";
    run.untrusted = true;
  }
  return run;
}

// The probes grade_baselines has on this machine ("machine/fma_peak/512", ...).
std::vector<std::string> probe_names(const SpeedOptions& options) {
  ChildCommand command = child_command(options, options.baseline_binary);
  command.argv.push_back("--list");
  const ChildResult child = run_child(command);
  std::vector<std::string> names;
  std::istringstream lines(read_text_file(command.stdout_file));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("machine/fma_peak/", 0) == 0 || line.rfind("machine/l1_read/", 0) == 0) names.push_back(line);
  }
  if (!child.exited_normally() || child.exit_code != 0 || names.empty()) {
    throw std::runtime_error(options.baseline_binary + " --list " + child.describe() + " and names no machine probes");
  }
  return names;
}

}  // namespace accel::grader
