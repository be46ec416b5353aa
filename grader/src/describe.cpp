#include "describe.hpp"

#include <stdexcept>

#include "accel/table.hpp"
#include "scoring.hpp"
#include "text.hpp"
#include "workloads.hpp"

namespace accel::grader {
namespace {

std::string share_text(double fraction) { return fixed(fraction, 2); }

// "your matmul_ikj(512, 512, 512) against the grader's matmul_ijk".
std::string speed_subject(const SpeedCheck& check) {
  const grade::CaseEntry* candidate = grade::find_case(check.candidate);
  const std::string yours = "your `" + std::string(grade::function_of(check.candidate)) + "`" +
                            (candidate != nullptr ? " " + candidate->spec.arguments() : "");
  const std::string theirs = std::string(grade::function_of(check.baseline));
  if (check.overhead_check()) return yours + " over the grader's `" + theirs + "`: the floor of the same work";
  if (check.scaling_check()) {
    return yours + " on all cores against itself on one thread: its scaling, against the reference's" +
           (check.min_cores > 1 ? " (left out on fewer than " + std::to_string(check.min_cores) + " cores)" : "");
  }
  return yours + " against the grader's `" + theirs + "`" +
         (check.min_cores > 1 ? " (left out on fewer than " + std::to_string(check.min_cores) + " cores)" : "");
}

std::string measure_subject(const MeasureCheck& check) {
  if (check.kind == "peak") return "your `peak_gflops()` against the grader's FMA probe in 256-bit vectors, side by side";
  if (check.kind == "triad_dram") return "your `stream_triad_gbps()` against the grader's triad, 256 MiB";
  if (check.kind == "triad_l2") return "your `stream_triad_gbps()` against the grader's triad, half of L2";
  return "your `predict_seconds()`, fed your roofs, against the same model fed the grader's, for an add over a DRAM footprint";
}

}  // namespace

std::string describe_stage(const Stage& stage) {
  std::string table = "| check | measures | points | all the points | none |\n| --- | --- | ---: | --- | --- |\n";
  for (const TestGroup& group : stage.tests) {
    table += "| tests " + group.name + " | " + std::to_string(group.expected_tests) + " tests: `" + group.filter +
             "` | " + short_number(group.points) + " | every test passes (the points are shared among them) | |\n";
  }
  for (const SpeedCheck& check : stage.speed) {
    std::string full, none;
    if (check.unscored) {
      full = "unscored: shown in the report";
    } else if (check.overhead_check()) {
      full = "at most " + overhead_text(check.max_overhead) + " more time";
      none = overhead_text(2 * check.max_overhead) + " or more";
    } else {
      full = std::string(check.scaling_check() ? "a gain over one thread (scaling - 1)" : "a speedup") + " of " +
             share_text(check.ramp.full_from) + " of the reference's";
      none = "below " + share_text(check.ramp.zero_below) + " of it";
    }
    table += "| speed " + check.name + " | " + speed_subject(check) + " | " + short_number(check.points) + " | " + full +
             " | " + none + " |\n";
  }
  for (const MeasureCheck& check : stage.measures) {
    const bool prediction = check.kind == "prediction";
    const std::string full = prediction ? "within " + fixed(100 * check.threshold, 0) + " % of the grader's model"
                                        : "at least " + fixed(check.threshold, 2) + "x the grader's";
    const std::string none = prediction ? fixed(200 * check.threshold, 0) + " % off or more"
                                        : "below " + fixed(check.threshold / 2, 2) + "x";
    table += "| measure " + check.name + " | " + measure_subject(check) + " | " + short_number(check.points) + " | " +
             full + " | " + none + " |\n";
  }
  return table;
}

std::string with_description(const std::string& readme, const std::string& table) {
  const std::size_t begin = readme.find(kDescribeBegin), end = readme.find(kDescribeEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    throw std::runtime_error(std::string("no \"") + kDescribeBegin + "\" ... \"" + kDescribeEnd + "\" markers");
  }
  const std::size_t after_begin = begin + std::string(kDescribeBegin).size();
  return readme.substr(0, after_begin) + "\n" + table + readme.substr(end);
}

std::filesystem::path lesson_of(const std::filesystem::path& course, const Stage& stage) {
  return course / "stages" / (stage.id + "_" + stage.name) / "README.md";
}

}  // namespace accel::grader
