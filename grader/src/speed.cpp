#include "speed.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "accel/table.hpp"
#include "bench_report.hpp"
#include "child_process.hpp"
#include "text.hpp"
#include "timed_runs.hpp"
#include "verify.hpp"
#include "workloads.hpp"

namespace accel::grader {
namespace {

namespace fs = std::filesystem;

constexpr double kCountJitter = 0.15;  // timed calls drawn from n·[0.85, 1.15]

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string ratio_text(double ratio) { return fixed(ratio, ratio < 10 ? 2 : 1) + "x"; }

std::string rate_text(double per_second, const char* unit) { return fixed(per_second / 1e9, 1) + " G" + unit + "/s"; }

}  // namespace

std::string duration_text(double seconds) {
  const double ns = seconds * 1e9;
  if (ns < 1e3) return fixed(ns, 0) + " ns";
  if (ns < 1e6) return fixed(ns / 1e3, 2) + " us";
  if (ns < 1e9) return fixed(ns / 1e6, 2) + " ms";
  return fixed(ns / 1e9, 2) + " s";
}

SpeedLab::SpeedLab(SpeedOptions options) : options_(std::move(options)), random_(options_.seed) {}

const MachineLimits& SpeedLab::limits() { return limits_ ? *limits_ : remeasure_limits(); }

const MachineLimits& SpeedLab::remeasure_limits() {
  for (const std::string& probe : probe_names(options_)) {
    // A limit is the best of several short runs: what the core does undisturbed.
    for (int run_number = 0; run_number < 7; ++run_number) {
      const TimedRun run = run_case(options_, options_.baseline_binary, probe, 0, std::nullopt, false);
      if (!run.problem.empty()) throw std::runtime_error("the machine probe " + probe + " failed: " + run.problem);
      ProbeBest& best = probe_bests_[probe];
      best.flops_per_second = std::max(best.flops_per_second, run.flops_per_second);
      best.bytes_per_second = std::max(best.bytes_per_second, run.bytes_per_second);
    }
  }
  MachineLimits limits;
  for (const auto& [probe, best] : probe_bests_) {
    if (best.flops_per_second > 0) {
      limits.flops_per_second = std::max(limits.flops_per_second, best.flops_per_second);
      if (limits.narrowest_probe.empty() || best.flops_per_second < limits.narrowest_flops_per_second) {
        limits.narrowest_flops_per_second = best.flops_per_second;
        limits.narrowest_probe = probe;
      }
    }
    limits.bytes_per_second = std::max(limits.bytes_per_second, best.bytes_per_second);
  }
  if (options_.progress != nullptr) {
    *options_.progress << "machine limits" << (limits_ ? " (measured again)" : "") << ": FMA peak "
                       << rate_text(limits.flops_per_second, "FLOP") << ", L1 read "
                       << rate_text(limits.bytes_per_second, "B") << std::endl;
  }
  return *(limits_ = limits);
}

CheckResult SpeedLab::measure(const Stage& stage, const SpeedCheck& check, bool threads_allowed) {
  CheckResult result = make_check(stage, CheckResult::Kind::speed, check.name, check.points);
  result.required = requirement_text(check);
  result.measured = "-";
  auto fail = [&](const std::string& measured, const std::string& why, const std::string& flag = {}) {
    result.measured = measured;
    result.output = why;
    result.flag = flag;
    return result;
  };
  const grade::CaseEntry& entry = *grade::find_case(check.candidate);
  const OpCost cost = entry.spec.cost();
  const std::string call = std::string(grade::function_of(check.candidate)) + entry.spec.arguments();
  // No honest call is faster than the machine's limits allow (with a margin); a call that
  // seems to be is judged again against limits measured now.
  auto fastest_plausible = [&] {
    const MachineLimits& machine = limits();
    return std::max(cost.flops / (kPlausibilityMargin * machine.flops_per_second),
                    cost.bytes / (kPlausibilityMargin * machine.bytes_per_second));
  };
  auto implausible = [&](double seconds_per_call) {
    if (seconds_per_call >= fastest_plausible()) return false;
    remeasure_limits();
    return seconds_per_call < fastest_plausible();
  };
  auto implausible_text = [&](double seconds_per_call) {
    const MachineLimits& machine = limits();
    return call + " took " + duration_text(seconds_per_call) + " per call: " +
           rate_text(cost.flops / seconds_per_call, "FLOP") + " and " + rate_text(cost.bytes / seconds_per_call, "B") +
           ", beyond this machine's measured FMA peak (" + rate_text(machine.flops_per_second, "FLOP") +
           ") or L1 bandwidth (" + rate_text(machine.bytes_per_second, "B") + ")";
  };
  // Verifies a candidate run's last output; returns the problem, or "".
  auto wrong_output = [&](const TimedRun& run, std::uint64_t seed) -> std::string {
    const auto workload = grade::make_workload(entry.spec, seed);
    workload->prepare(run.last_call);
    if (const auto wrong = check_output(*workload, run.output, random_())) {
      return "the timed output of " + call + " " + *wrong;
    }
    return {};
  };
  auto say = [&](const std::string& line) {
    if (options_.progress != nullptr) *options_.progress << "stage " << stage.id << ": " << line << std::endl;
  };
  auto baseline_run = [&](std::uint64_t seed, std::optional<std::uint64_t> calls) {
    TimedRun run = run_case(options_, options_.baseline_binary, check.baseline, seed, calls, true);
    if (!run.problem.empty()) throw std::runtime_error("the grader's baseline " + check.baseline + " failed: " + run.problem);
    return run;
  };

  say("speed check \"" + check.name + "\": calibrating");
  const std::uint64_t calibration_seed = mix(options_.seed ^ std::hash<std::string>{}(check.candidate));
  const TimedRun baseline_pilot = baseline_run(calibration_seed, std::nullopt);
  const TimedRun pilot = run_case(options_, stage.bench_binary, check.candidate, calibration_seed, std::nullopt, true);
  if (!pilot.problem.empty()) return fail(pilot.untrusted ? "not trusted" : "failed", pilot.problem, pilot.untrusted ? "report not trusted" : "");
  if (const std::string wrong = wrong_output(pilot, calibration_seed); !wrong.empty()) return fail("wrong output", wrong);
  if (implausible(pilot.seconds_per_call)) return fail("implausible", implausible_text(pilot.seconds_per_call), "implausible speed");

  std::uniform_real_distribution<double> jitter(1 - kCountJitter, 1 + kCountJitter);
  auto calls_for = [&](double seconds_per_call) {
    const double wanted = options_.seconds_per_run / std::max(seconds_per_call, fastest_plausible()) * jitter(random_);
    return std::uint64_t(std::clamp(std::llround(wanted), 1LL, 100'000'000LL));
  };

  std::vector<double> baseline_times, candidate_times, baseline_overheads;
  std::vector<TimedRun> candidates;
  std::vector<std::uint64_t> candidate_calls;
  for (int round = 0; round < options_.repetitions; ++round) {
    say("speed check \"" + check.name + "\": round " + std::to_string(round + 1) + "/" + std::to_string(options_.repetitions));
    const std::uint64_t seed = mix(calibration_seed + std::uint64_t(round) + 1);
    const std::uint64_t baseline_calls = calls_for(baseline_pilot.seconds_per_call);
    const std::uint64_t calls = calls_for(pilot.seconds_per_call);
    std::optional<TimedRun> baseline, candidate;
    const bool candidate_first = (random_() & 1) != 0;
    if (candidate_first) candidate = run_case(options_, stage.bench_binary, check.candidate, seed, calls, true);
    baseline = baseline_run(seed, baseline_calls);
    if (!candidate_first) candidate = run_case(options_, stage.bench_binary, check.candidate, seed, calls, true);

    if (!candidate->problem.empty()) {
      return fail(candidate->untrusted ? "not trusted" : "failed", candidate->problem,
                  candidate->untrusted ? "report not trusted" : "");
    }
    if (const std::string wrong = wrong_output(*candidate, seed); !wrong.empty()) return fail("wrong output", wrong);
    if (!threads_allowed && candidate->cpu_seconds > 1.2 * candidate->wall_seconds + 0.05) {
      return fail("more than one core",
                  stage.bench_binary + " used " + fixed(candidate->cpu_seconds, 2) + " s of CPU time in " +
                      fixed(candidate->wall_seconds, 2) + " s: more than one core, where stage " + stage.id +
                      " is measured on one",
                  "used more than one core");
    }
    baseline_times.push_back(baseline->seconds_per_call);
    candidate_times.push_back(candidate->seconds_per_call);
    // The part of a process's life that its report does not explain: start-up, inputs,
    // the untimed first call, the output, exit. For the baseline, a trusted measure.
    baseline_overheads.push_back(baseline->wall_seconds - double(baseline->calls + 1) * baseline->seconds_per_call);
    candidates.push_back(std::move(*candidate));
    candidate_calls.push_back(calls);
  }

  const double overhead = std::max(0.0, median(baseline_overheads));
  for (const TimedRun& run : candidates) {
    const double timed = double(run.calls + 1) * run.seconds_per_call;
    const double unexplained = run.wall_seconds - timed;
    if (unexplained > 2 * overhead + 0.5 * timed + 0.05) {
      return fail("not trusted",
                  stage.bench_binary + " ran " + fixed(run.wall_seconds, 2) + " s by the grader's clock, of which its report " +
                      "accounts for " + fixed(timed, 2) + " s of timed calls (the baseline's processes needed " +
                      fixed(overhead, 2) + " s besides theirs): its timings are not trusted",
                  "timings contradict the grader's clock");
    }
  }

  const double baseline_median = median(baseline_times), candidate_median = median(candidate_times);
  if (implausible(candidate_median)) return fail("implausible", implausible_text(candidate_median), "implausible speed");
  const double speedup = baseline_median / candidate_median;
  result.output = "median " + check.baseline + " " + duration_text(baseline_median) + ", " + check.candidate + " " +
                  duration_text(candidate_median) + " per call over " + std::to_string(options_.repetitions) +
                  " rounds (every timed output checked): ";
  if (check.overhead_check()) {
    const double overhead = candidate_median / baseline_median - 1;
    const bool lean_enough = overhead <= check.max_overhead;
    result.measured = overhead_text(overhead);
    result.points = lean_enough ? check.points : 0;
    result.output += "overhead " + overhead_text(overhead) + (lean_enough ? " <= " : " > ") + "allowed " +
                     overhead_text(check.max_overhead) + " (the reference needed " +
                     overhead_text(check.reference_overhead) + ")";
    return result;
  }
  const bool fast_enough = speedup >= check.min_speedup;
  result.measured = ratio_text(speedup);
  result.points = fast_enough ? check.points : 0;
  result.output += "speedup " + ratio_text(speedup);
  if (check.unscored) {
    result.output += " (unscored)";
  } else {
    result.output += std::string(fast_enough ? " >= " : " < ") + "required " + ratio_text(check.min_speedup) +
                     " (the reference reached " + ratio_text(check.reference_speedup) + ")";
  }
  return result;
}

}  // namespace accel::grader
