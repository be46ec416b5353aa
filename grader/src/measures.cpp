// Stage 06's measurement checks (rubric.hpp, MeasureCheck): the student's measuring
// functions against the grader's own measurements of the same machine, and a prediction
// from the student's roofs against the same model fed the grader's roofs.
//
// A measuring function returns a number, so the number alone proves nothing: it must be
// within what the grader's own probes allow (above them by more than the plausibility
// margin is flagged), and the call must have taken at least the time that measuring takes
// (one pass over the arrays at the rate it reports; a millisecond for a peak). A value
// computed without measuring fails that.

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "accel/cpu_info.hpp"
#include "accel/table.hpp"
#include "bench_report.hpp"
#include "speed.hpp"

namespace accel::grader {
namespace {

constexpr int kRounds = 3;                // student/grader pairs per measurement (more when close to a bar)
constexpr double kShortestPeakProbe = 1e-3;  // seconds: no FMA probe is shorter

std::string gb(double value, const char* unit) { return fixed(value, 1) + " " + unit; }

// Footprints the triads run at, in whole cache lines of each of the three arrays: half of
// L2, and 256 MiB for memory. 256 MiB is past the last-level cache of every course machine
// (the largest, the Xeon's, is 105 MiB; a triad's cyclic sweep over more than the cache gets
// no hits from it). Not sized from the L3 a machine reports: a VM may report 508 MiB for a
// 32 MiB cache, and every extra page costs the time to fault it in (11 us a page in some VMs).
std::size_t footprint(const std::string& kind) {
  const CpuInfo& cpu = cpu_info();
  const std::size_t mib = std::size_t{1} << 20;
  const std::size_t bytes = kind == "triad_l2" ? (cpu.l2_bytes > 0 ? cpu.l2_bytes / 2 : mib) : 256 * mib;
  return bytes / (3 * 64) * (3 * 64);
}

}  // namespace

std::vector<CheckResult> SpeedLab::measure_roofline(const Stage& stage, bool threads_allowed) {
  options_.sandbox = SandboxRules{threads_allowed, false};
  auto say = [&](const std::string& line) {
    if (options_.progress != nullptr) *options_.progress << "stage " << stage.id << ": " << line << std::endl;
  };
  // One call of a student's value case: its value, or why there is none.
  struct Value {
    double value = 0, seconds = 0;
    std::string problem, flag;
  };
  auto student = [&](const std::string& name, const std::vector<double>& args) {
    const TimedRun run = run_value(options_, stage.bench_binary, name, args);
    Value v;
    if (!run.problem.empty()) {
      v.problem = run.problem;
      if (run.untrusted) v.flag = "report not trusted";
      if (run.broke_rule) v.flag = "rule broken";
    } else if (!threads_allowed && run.cpu_seconds > 1.2 * run.wall_seconds + 0.05) {
      v.problem = stage.bench_binary + " used " + fixed(run.cpu_seconds, 2) + " s of CPU time in " +
                  fixed(run.wall_seconds, 2) + " s: more than one core, where stage " + stage.id + " measures one";
      v.flag = "used more than one core";
    } else {
      v.value = run.output[0];
      v.seconds = run.output[1];
    }
    return v;
  };
  auto grader_value = [&](const std::string& name, const std::vector<double>& args) {
    const TimedRun run = run_value(options_, options_.baseline_binary, name, args);
    if (!run.problem.empty()) throw std::runtime_error("the grader's " + name + " failed: " + run.problem);
    return double(run.output[0]);
  };

  // The student's measurement against the grader's, over kRounds rounds, each pair run
  // side by side in random order, because the host's clock and memory change from one
  // minute to the next: the median round's ratio and the student's value in that round,
  // and the grader's mean. A peak (`best`) is what the core does undisturbed, so it is the
  // student's best value against the grader's best: a host that halves a core's speed for a
  // few rounds (another guest on its sibling hyperthread) would otherwise decide the median
  // (the reference's peak read 0.55 of the probe once, 63.6 against 115 GFLOP/s). A ratio
  // close to the bar of the checks that use it (`bar`, or half of it) gets kRounds rounds
  // more. `not_measured(value)` says why a value cannot have been measured, or "".
  struct Paired {
    Value student;  // the value the ratio was taken from
    double grader = 0, ratio = 0, lowest_ratio = 0;
  };
  auto paired_rounds = [&](double bar, bool best, auto measure_student, auto measure_grader, auto not_measured) {
    Paired result;
    std::vector<std::pair<double, Value>> rounds;  // (ratio, the student's value)
    std::vector<double> graders;
    auto ratios = [&] {
      std::vector<double> values;
      for (const auto& round : rounds) values.push_back(round.first);
      return values;
    };
    auto best_of = [&] {
      const auto mine = std::ranges::max_element(rounds, {}, [](const auto& r) { return r.second.value; });
      return std::pair{mine->second, std::ranges::max(graders)};
    };
    auto overall = [&] {
      if (!best) return median(ratios());
      const auto [mine, theirs] = best_of();
      return mine.value / theirs;
    };
    for (int round = 0, planned = kRounds; round < planned && result.student.problem.empty(); ++round) {
      const bool student_first = (random_() & 1) != 0;
      Value mine;
      if (student_first) mine = measure_student();
      const double theirs = measure_grader();
      if (!student_first) mine = measure_student();
      if (!mine.problem.empty()) {
        result.student = mine;
      } else if (const std::string why = not_measured(mine); !why.empty()) {
        result.student = {0, 0, why, "implausible speed"};
      } else {
        rounds.emplace_back(mine.value / theirs, mine);
        graders.push_back(theirs);
        if (round + 1 == kRounds && close_to_a_bar(ratios(), overall(), {bar, bar / 2, kPlausibilityMargin})) {
          planned += kRounds;
        }
      }
    }
    if (result.student.problem.empty()) {
      result.ratio = overall();
      if (best) {
        std::tie(result.student, result.grader) = best_of();
      } else {
        for (const double grader : graders) result.grader += grader / double(graders.size());
      }
      std::ranges::sort(rounds, {}, [](const auto& r) { return r.first; });
      result.lowest_ratio = rounds.front().first;
      if (!best) result.student = rounds[rounds.size() / 2].second;
    }
    return result;
  };
  // The bar of the checks of a kind (the threshold of a ratio's ramp).
  auto bar_of = [&](const std::string& kind) {
    const auto found = std::ranges::find(stage.measures, kind, &MeasureCheck::kind);
    return found == stage.measures.end() ? 0.0 : found->threshold;
  };

  // The student's peak and the student's and the grader's triads, measured once each and
  // shared by the checks that need them (the prediction uses both).
  std::optional<Paired> peak;
  auto student_peak = [&]() -> const Paired& {
    if (peak) return *peak;
    say("measuring peak_gflops() against the grader's FMA probe");
    // The narrowest probe, best of three short runs: what the core does undisturbed now.
    auto grader_peak = [&] {
      const std::string& probe = limits().narrowest_probe;
      double best = 0;
      for (int run_number = 0; run_number < 3; ++run_number) {
        const TimedRun run = run_case(options_, options_.baseline_binary, probe, 0, std::nullopt, false);
        if (!run.problem.empty()) throw std::runtime_error("the machine probe " + probe + " failed: " + run.problem);
        best = std::max(best, run.flops_per_second / 1e9);
      }
      return best;
    };
    Paired result = paired_rounds(bar_of("peak"), true, [&] { return student("student/peak_gflops", {}); }, grader_peak,
                                  [](const Value& mine) -> std::string {
                                    if (mine.seconds < kShortestPeakProbe) {
                                      return "peak_gflops() returned " + gb(mine.value, "GFLOP/s") + " after " +
                                             duration_text(mine.seconds) +
                                             ", less than any FMA probe takes: a value not measured";
                                    }
                                    return {};
                                  });
    if (result.student.problem.empty()) {
      auto beyond_the_widest_probe = [&] { return result.student.value > kPlausibilityMargin * limits().flops_per_second / 1e9; };
      if (beyond_the_widest_probe()) remeasure_limits();  // perhaps the clock is faster now
      if (beyond_the_widest_probe()) {
        result.student.problem = "peak_gflops() returned " + gb(result.student.value, "GFLOP/s") +
                                 ", beyond the grader's FMA probes, which reach " +
                                 gb(limits().flops_per_second / 1e9, "GFLOP/s") + " here";
        result.student.flag = "implausible speed";
      }
    }
    return *(peak = result);
  };
  std::map<std::string, Paired> triads;
  auto triad = [&](const std::string& kind) -> const Paired& {
    if (const auto found = triads.find(kind); found != triads.end()) return found->second;
    const double bytes = double(footprint(kind));
    say("measuring stream_triad_gbps(" + fixed(bytes, 0) + ") against the grader's triad");
    Paired result = paired_rounds(bar_of(kind), false, [&] { return student("student/stream_triad_gbps", {bytes}); },
                                  [&] { return grader_value("machine/triad_gbps", {bytes}); },
                                  [&](const Value& mine) -> std::string {
                                    if (mine.seconds < 0.8 * bytes / (mine.value * 1e9) || !(mine.value > 0)) {
                                      return "stream_triad_gbps(" + fixed(bytes, 0) + ") returned " +
                                             gb(mine.value, "GB/s") + " after " + duration_text(mine.seconds) +
                                             ", less than one pass over its arrays takes at that rate: a value not measured";
                                    }
                                    return {};
                                  });
    // Memory's speed moves by a third from one second to the next on a shared host, so one
    // round can favour either side: beyond the machine is a triad faster than the grader's
    // by the margin in every round.
    if (result.student.problem.empty() && result.lowest_ratio > kPlausibilityMargin) {
      result.student.problem = "stream_triad_gbps(" + fixed(bytes, 0) + ") returned " +
                               gb(result.student.value, "GB/s") + ", " + fixed(result.ratio, 2) +
                               "x what the grader's triad measured at the same footprint (at least " +
                               fixed(result.lowest_ratio, 2) + "x in every round): beyond what this machine does";
      result.student.flag = "implausible speed";
    }
    return triads[kind] = result;
  };

  std::vector<CheckResult> checks;
  for (const MeasureCheck& measure : stage.measures) {
    CheckResult check = make_check(stage, CheckResult::Kind::measure, measure.name, measure.points);
    check.required = requirement_text(measure);
    auto fail = [&](const Value& v) {
      check.measured = v.flag.empty() ? (v.problem.rfind("not implemented", 0) == 0 ? "not implemented" : "failed")
                                      : "FLAG";
      check.output = v.problem;
      check.flag = v.flag;
    };
    // Points on the check's ramp: all from the bar (a ratio at least, an error at most), none
    // from half of it (twice it).
    auto score = [&](double measured, const std::string& text) {
      const bool prediction = measure.kind == "prediction";
      check.measured = prediction ? fixed(100 * measured, 0) + " % off" : fixed(measured, 2) + "x";
      check.points = measure.share(measured) * measure.points;
      check.output = text + "; all the points " +
                     (prediction ? "within " + fixed(100 * measure.threshold, 0) + " %, none beyond " +
                                       fixed(200 * measure.threshold, 0) + " %"
                                 : "from " + fixed(measure.threshold, 2) + "x, none below " +
                                       fixed(measure.threshold / 2, 2) + "x");
    };

    if (measure.kind == "peak") {
      const Paired& p = student_peak();
      if (!p.student.problem.empty()) {
        fail(p.student);
      } else {
        score(p.ratio,
                "peak_gflops() returned " + gb(p.student.value, "GFLOP/s") + " after " +
                    duration_text(p.student.seconds) + "; the grader's FMA probe in its narrowest vectors " +
                    gb(p.grader, "GFLOP/s") + " beside it (the best round of each): " +
                    fixed(p.ratio, 2) + "x");
      }
    } else if (measure.kind == "triad_dram" || measure.kind == "triad_l2") {
      const Paired& t = triad(measure.kind);
      if (!t.student.problem.empty()) {
        fail(t.student);
      } else {
        score(t.ratio,
                "stream_triad_gbps(" + std::to_string(footprint(measure.kind)) + ") returned " +
                    gb(t.student.value, "GB/s") + ", the grader's triad " + gb(t.grader, "GB/s") +
                    " (median of the rounds): " + fixed(t.ratio, 2) + "x");
      }
    } else {  // prediction: an add over a DRAM footprint, from the student's roofs and the grader's
      const Value& p = student_peak().student;
      const Paired& t = triad("triad_dram");
      const double bytes = double(footprint("triad_dram")), n = std::floor(bytes / 12);
      if (!p.problem.empty() || !t.student.problem.empty()) {
        check.measured = "skipped";
        check.output = "needs your peak_gflops() and stream_triad_gbps() at the DRAM footprint, which failed";
      } else {
        // What is graded is the student's model and roofs, not the machine: how far a real
        // add lands from the roofline's time depends on the CPU (write-allocate, prefetchers:
        // 3-18 % on a Zen 4, 13-22 % on a Zen 5 for the same correct code). So the student's
        // prediction is compared with the model's time from the grader's own triad, and the
        // add's real time is reported beside it. Memory's speed changes from minute to
        // minute on a shared host: each round measures the grader's triad on either side of
        // the student's (the model takes their mean), then the add. The median round's
        // error counts.
        say("predicting an add over " + fixed(n, 0) + " floats from your roofs");
        struct Round {
          double error = 0, triad = 0, predicted = 0, model = 0, measured = 0;
        };
        std::vector<Round> rounds;
        Value failed;
        auto errors = [&] {
          std::vector<double> values;
          for (const Round& round : rounds) values.push_back(round.error);
          return values;
        };
        for (int round = 0, planned = kRounds; round < planned && failed.problem.empty(); ++round) {
          const double grader_before = grader_value("machine/triad_gbps", {bytes});
          const Value triad_now = student("student/stream_triad_gbps", {bytes});
          const double grader_triad = (grader_before + grader_value("machine/triad_gbps", {bytes})) / 2;
          const double measured = grader_value("machine/add_seconds", {n});
          const Value predicted =
              triad_now.problem.empty() ? student("student/predict_seconds", {n, 12 * n, p.value, triad_now.value}) : triad_now;
          // An add does 1 FLOP per 12 bytes, far below any ridge point: memory bound.
          const double model = 12 * n / (grader_triad * 1e9);
          if (!predicted.problem.empty()) {
            failed = predicted;
          } else {
            rounds.push_back({std::abs(predicted.value - model) / model, triad_now.value, predicted.value, model, measured});
            if (round + 1 == kRounds && close_to_a_bar(errors(), median(errors()), {measure.threshold, 2 * measure.threshold})) {
              planned += kRounds;
            }
          }
        }
        if (!failed.problem.empty()) {
          fail(failed);
        } else {
          std::ranges::sort(rounds, {}, &Round::error);
          const Round& middle = rounds[rounds.size() / 2];
          score(middle.error,
                "predict_seconds for an add over " + fixed(n, 0) + " floats (" + fixed(n, 0) + " FLOPs, " +
                    fixed(12 * n, 0) + " bytes) with your roofs (" + gb(p.value, "GFLOP/s") + ", " +
                    gb(middle.triad, "GB/s") + " measured in the round): " + duration_text(middle.predicted) +
                    "; the model from the grader's triad " + duration_text(middle.model) + ", " +
                    fixed(100 * middle.error, 0) + " % off (the median of " + std::to_string(rounds.size()) +
                    " rounds); the add itself took " + duration_text(middle.measured) + ", " +
                    fixed(100 * std::abs(middle.model - middle.measured) / middle.measured, 0) +
                    " % from the model on this machine (not graded)");
        }
      }
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace accel::grader
