#include "speed.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "accel/cpu_info.hpp"
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

std::string rate_text(double per_second, const char* unit) { return fixed(per_second / 1e9, 1) + " G" + unit + "/s"; }

}  // namespace

std::string duration_text(double seconds) {
  const double ns = seconds * 1e9;
  if (ns < 1e3) return fixed(ns, 0) + " ns";
  if (ns < 1e6) return fixed(ns / 1e3, 2) + " us";
  if (ns < 1e9) return fixed(ns / 1e6, 2) + " ms";
  return fixed(ns / 1e9, 2) + " s";
}

SpeedLab::SpeedLab(SpeedOptions options, std::optional<Calibration> calibration)
    : options_(std::move(options)), calibration_(std::move(calibration)), random_(options_.seed) {}

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

namespace {

// What a process's life takes beyond its timed calls, learnt from the processes of the
// course's own code (the baseline's, and the reference's where it runs: their reports are
// trusted): start-up and exit (the median), and preparing the inputs of each call, the same
// workload in every process (the slowest of them: on a DRAM-sized workload preparing a
// call moves more bytes than the call, and a shared host's memory can be twice as slow for
// one process as for the next, which an honest student's process must not be blamed for).
struct LifeModel {
  double startup = 0, per_call = 0;
};

LifeModel life_model(const std::vector<const TimedRun*>& trusted_runs) {
  std::vector<double> startups;
  double per_call = 0;
  for (const TimedRun* run : trusted_runs) {
    const double calls = double(run->calls + grade::kWarmupCalls);
    const double run_per_call = run->untimed_seconds / double(run->calls);
    per_call = std::max(per_call, run_per_call);
    startups.push_back(run->wall_seconds - calls * (run->seconds_per_call + run_per_call));
  }
  return {std::max(0.0, median(startups)), per_call};
}

}  // namespace

CheckResult SpeedLab::measure(const Stage& stage, const SpeedCheck& check, bool threads_allowed) {
  options_.sandbox = SandboxRules{threads_allowed, false};
  CheckResult result = make_check(stage, CheckResult::Kind::speed, check.name, check.points);
  result.required = requirement_text(check);
  result.measured = "-";
  auto fail = [&](const std::string& measured, const std::string& why, const std::string& flag = {}) {
    result.measured = measured;
    result.output = why;
    result.flag = flag;
    return result;
  };
  // A check about several cores means nothing on one: it is left out, and says why.
  if (const unsigned cores = usable_cores(); cores < check.min_cores) {
    result.max_points = 0;
    result.measured = "skipped";
    result.flag = "too few cores";
    result.output = "this machine gives the grader " + std::to_string(cores) + " core" + (cores == 1 ? "" : "s") +
                    "; the check needs " + std::to_string(check.min_cores) + ", so it is not measured and its " +
                    fixed(check.points, 0) + " points are left out of the stage's total";
    return result;
  }
  const grade::CaseEntry& entry = *grade::find_case(check.candidate);
  const OpCost cost = entry.spec.cost();
  // A stage that may use threads may use every core the grader has: so may its rate.
  const double cores_used = threads_allowed ? double(usable_cores()) : 1.0;
  const std::string call = std::string(grade::function_of(check.candidate)) + entry.spec.arguments();
  // No honest call is faster than the machine's limits allow (with a margin); a call that
  // seems to be is judged again against limits measured now.
  auto fastest_plausible = [&] {
    const MachineLimits& machine = limits();
    return std::max(cost.flops / (kPlausibilityMargin * cores_used * machine.flops_per_second),
                    cost.bytes / (kPlausibilityMargin * cores_used * machine.bytes_per_second));
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
           ", beyond this machine's measured FMA peak (" + rate_text(cores_used * machine.flops_per_second, "FLOP") +
           ") or L1 bandwidth (" + rate_text(cores_used * machine.bytes_per_second, "B") + ")" +
           (cores_used > 1 ? " on its " + fixed(cores_used, 0) + " cores" : "");
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

  // The sides of a round: the grader's baseline, the student's kernel and, where the tree has
  // it, the reference's (not for an overhead check, whose bar is the floor of the work, nor
  // an unscored one). Only the student's runs are checked: the others are the course's.
  // A scaling check's baseline is the student's own one-thread case, and the reference runs
  // both of its cases.
  struct Side {
    std::string binary, case_name;
    bool student = false;
    TimedRun pilot;
    std::vector<TimedRun> runs;
    std::vector<double> times() const {
      std::vector<double> seconds;
      for (const TimedRun& run : runs) seconds.push_back(run.seconds_per_call);
      return seconds;
    }
  };
  const bool scaling = check.scaling_check();
  Side baseline{scaling ? stage.bench_binary : options_.baseline_binary, check.baseline, scaling, {}, {}};
  Side student{stage.bench_binary, check.candidate, true, {}, {}};
  Side reference{stage.reference_bench_binary, check.candidate, false, {}, {}};
  Side reference_baseline{stage.reference_bench_binary, check.baseline, false, {}, {}};
  const bool reference_here = !check.unscored && !check.overhead_check() &&
                              std::filesystem::exists(options_.bin_dir / reference.binary);
  std::vector<Side*> sides = {&baseline, &student};
  if (reference_here) sides.push_back(&reference);
  if (reference_here && scaling) sides.push_back(&reference_baseline);
  // A failed run: the student's is scored, the course's own stop the grader.
  auto run_side = [&](Side& side, std::uint64_t seed, std::optional<std::uint64_t> calls) -> std::optional<CheckResult> {
    // A round's process has its calibration run's life and --bench-seconds of calls to live,
    // with a wide margin: a kernel that stalls costs seconds, not the rubric's limit.
    SpeedOptions limited = options_;
    if (calls) {
      limited.time_limit_seconds =
          std::min(options_.time_limit_seconds, 10 + 5 * (side.pilot.wall_seconds + options_.seconds_per_run));
    }
    TimedRun run = run_case(limited, side.binary, side.case_name, seed, calls, true);
    if (!side.student && !run.problem.empty()) {
      throw std::runtime_error("the grader's " + side.binary + " " + side.case_name + " failed: " + run.problem);
    }
    if (side.student) {
      if (run.broke_rule) return fail("rule broken", run.problem, "rule broken");
      if (!run.problem.empty()) {
        return fail(run.untrusted ? "not trusted" : "failed", run.problem, run.untrusted ? "report not trusted" : "");
      }
      if (const std::string wrong = wrong_output(run, seed); !wrong.empty()) return fail("wrong output", wrong);
      // CPU time against the cores the stage was given: one, or in a stage that may use
      // threads every core of the grader's affinity mask (which the sandbox keeps it from
      // widening).
      if (calls && run.cpu_seconds > 1.2 * cores_used * run.wall_seconds + 0.05) {
        const std::string given = threads_allowed ? fixed(cores_used, 0) + " cores" : "one core";
        return fail(threads_allowed ? "more cores than given" : "more than one core",
                    side.binary + " used " + fixed(run.cpu_seconds, 2) + " s of CPU time in " +
                        fixed(run.wall_seconds, 2) + " s: more than " + given + ", where stage " + stage.id +
                        " is measured on " + given,
                    threads_allowed ? "used more cores than given" : "used more than one core");
      }
    }
    if (calls) {
      side.runs.push_back(std::move(run));
    } else {
      side.pilot = std::move(run);
    }
    return std::nullopt;
  };

  say("speed check \"" + check.name + "\": calibrating");
  const std::uint64_t calibration_seed = mix(options_.seed ^ std::hash<std::string>{}(check.candidate));
  for (Side* side : sides) {
    if (auto failed = run_side(*side, calibration_seed, std::nullopt)) return *failed;
  }
  if (implausible(student.pilot.seconds_per_call)) {
    return fail("implausible", implausible_text(student.pilot.seconds_per_call), "implausible speed");
  }

  std::uniform_real_distribution<double> jitter(1 - kCountJitter, 1 + kCountJitter);
  auto calls_for = [&](double seconds_per_call) {
    const double wanted = options_.seconds_per_run / std::max(seconds_per_call, fastest_plausible()) * jitter(random_);
    return std::uint64_t(std::clamp(std::llround(wanted), 1LL, 100'000'000LL));
  };
  int rounds = 0;
  auto run_rounds = [&](int count) -> std::optional<CheckResult> {
    for (int last = rounds + count; rounds < last; ++rounds) {
      say("speed check \"" + check.name + "\": round " + std::to_string(rounds + 1) + "/" + std::to_string(last));
      const std::uint64_t seed = mix(calibration_seed + std::uint64_t(rounds) + 1);
      std::vector<Side*> order = sides;
      std::ranges::shuffle(order, random_);
      for (Side* side : order) {
        if (auto failed = run_side(*side, seed, calls_for(side->pilot.seconds_per_call))) return failed;
      }
    }
    return std::nullopt;
  };

  // The reference's speedup: timed here, or a figure from elsewhere, and what to say of it.
  const std::optional<double> calibrated =
      calibration_ ? calibration_->figure(stage.id, check.name) : std::optional<double>();
  const double fixed_figure = check.overhead_check() ? check.reference_overhead
                              : calibrated           ? *calibrated
                                                     : check.reference_speedup;
  // Per round, and over all rounds: the speedup as a fraction of the reference's, or the
  // overhead over the floor.
  // Each side's typical time per call: the median of its rounds; at a wall (a scaling, the
  // memory's bandwidth on every core) its second-best round. A process on every core waits
  // for its slowest thread, so a host that takes one virtual CPU away for a few seconds
  // (seen on the course's 2-core VMs: the same code's all-core time 1.5x slower over three
  // processes in a row) slows one side and not the other: a side's best rounds are its code
  // undisturbed. Not the best one alone, which can be fast by chance: on the Zen 4 VM the
  // reference's sum ran one round in 538 us against 707-727 us in its six others, and the
  // same code as the student's read 0.74 of it.
  const bool at_a_wall = check.at_a_wall;
  auto typical = [&](const Side& side) {
    std::vector<double> times = side.times();
    if (!at_a_wall) return median(times);
    std::ranges::sort(times);
    return times[times.size() >= 3 ? 1 : 0];
  };
  // (A scaling check's reference divides its own one-thread time, not the student's.)
  auto judged = [&](double baseline_time, double student_time, double reference_baseline_time,
                    double reference_time) {
    if (check.overhead_check()) return student_time / baseline_time - 1;
    const double reference_speedup = reference_here ? reference_baseline_time / reference_time : fixed_figure;
    return check.fraction_of_reference(baseline_time / student_time, reference_speedup);
  };
  const Side& reference_base = scaling ? reference_baseline : baseline;
  auto per_round = [&] {
    std::vector<double> values;
    for (std::size_t i = 0; i < student.runs.size(); ++i) {
      values.push_back(judged(baseline.runs[i].seconds_per_call, student.runs[i].seconds_per_call,
                              reference_here ? reference_base.runs[i].seconds_per_call : 0,
                              reference_here ? reference.runs[i].seconds_per_call : 0));
    }
    return values;
  };
  auto overall = [&] {
    return judged(typical(baseline), typical(student), reference_here ? typical(reference_base) : 0,
                  reference_here ? typical(reference) : 0);
  };
  const std::initializer_list<double> bars =
      check.overhead_check() ? std::initializer_list<double>{check.max_overhead, 2 * check.max_overhead}
                             : std::initializer_list<double>{check.ramp.zero_below, check.ramp.full_from};
  if (auto failed = run_rounds(options_.repetitions)) return *failed;
  if (!check.unscored && close_to_a_bar(per_round(), overall(), bars)) {
    say("speed check \"" + check.name + "\": close to a bar; measuring again");
    if (auto failed = run_rounds(options_.repetitions)) return *failed;
  }

  // The life model comes from trusted processes: the grader's baseline (in a scaling check,
  // the reference's one-thread case, or the student's own where there is no reference) and
  // the reference.
  std::vector<const TimedRun*> trusted;
  for (const Side* side : sides) {
    if (side->student && !(scaling && !reference_here && side == &baseline)) continue;
    for (const TimedRun& run : side->runs) trusted.push_back(&run);
  }
  const LifeModel life = life_model(trusted);
  for (const TimedRun& run : student.runs) {
    const double calls = double(run.calls + grade::kWarmupCalls);
    const double timed = calls * run.seconds_per_call, untimed = calls * life.per_call;
    const double unexplained = run.wall_seconds - timed - untimed;
    if (unexplained > 2 * life.startup + 0.5 * timed + 0.3 * untimed + 0.05) {
      return fail("not trusted",
                  student.binary + " ran " + fixed(run.wall_seconds, 2) + " s by the grader's clock, of which its report " +
                      "accounts for " + fixed(timed, 2) + " s of timed calls and their inputs take " + fixed(untimed, 2) +
                      " s (the course's own processes needed " + fixed(life.startup, 2) +
                      " s besides those): its timings are not trusted",
                  "timings contradict the grader's clock");
    }
  }

  const double baseline_median = typical(baseline), student_median = typical(student);
  if (implausible(student_median)) return fail("implausible", implausible_text(student_median), "implausible speed");
  const double speedup = baseline_median / student_median;
  result.output = std::string(at_a_wall ? "second-best round " : "median ") + check.baseline + " " +
                  duration_text(baseline_median) + ", " + check.candidate + " " + duration_text(student_median);
  if (reference_here && scaling) {
    result.output += ", the reference " + duration_text(typical(reference_baseline)) + " on one thread and " +
                     duration_text(typical(reference)) + " on " + fixed(cores_used, 0);
  } else if (reference_here) {
    result.output += ", the reference " + duration_text(typical(reference));
  }
  result.output += " per call over " + std::to_string(rounds) + " rounds (every timed output checked): ";
  if (check.overhead_check()) {
    const double value = overall();
    const double share = std::clamp((2 * check.max_overhead - value) / check.max_overhead, 0.0, 1.0);
    result.measured = overhead_text(value);
    result.points = share * check.points;
    result.output += "overhead " + overhead_text(value) + "; all the points up to " + overhead_text(check.max_overhead) +
                     ", none from " + overhead_text(2 * check.max_overhead) + " (the reference needed " +
                     overhead_text(check.reference_overhead) + ")";
    return result;
  }
  const double reference_speedup =
      reference_here ? typical(reference_base) / typical(reference) : fixed_figure;
  result.measured = ratio_text(speedup);
  result.output += "speedup " + ratio_text(speedup);
  if (check.unscored) {
    result.output += " (unscored)";
    return result;
  }
  result.reference_figure = reference_speedup;
  result.reference_timed_here = reference_here;
  if (!check.leaderboard.empty()) {
    result.leaderboard = check.leaderboard;
    result.student_gflops = cost.flops / student_median / 1e9;
  }
  result.required = requirement_text(check, reference_speedup);
  const double value = overall();
  result.fraction = value;
  result.points = check.ramp.share(value) * check.points;
  result.output += "; the reference's " + ratio_text(reference_speedup);
  if (reference_here) {
    result.output += " beside it in the same rounds";
  } else if (calibrated) {
    result.output += " on the grading machine (calibration of " + calibration_->date + ")";
  } else {
    result.output += " when the rubric was set (no calibration for this check)";
  }
  result.output += "; " + fixed(value, 2) + (scaling ? " of its gain over one thread" : " of it") +
                   ": all the points from " + fixed(check.ramp.full_from, 2) + " (" +
                   ratio_text(check.speedup_at(check.ramp.full_from, reference_speedup)) + "), none below " +
                   fixed(check.ramp.zero_below, 2) + " (" +
                   ratio_text(check.speedup_at(check.ramp.zero_below, reference_speedup)) + ")";
  return result;
}

}  // namespace accel::grader
