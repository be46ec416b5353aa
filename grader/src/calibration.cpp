#include "calibration.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "accel/cpu_info.hpp"

namespace accel::grader {

using nlohmann::json;

std::optional<double> Calibration::figure(const std::string& stage, const std::string& check) const {
  const auto found = figures.find({stage, check});
  if (found == figures.end()) return std::nullopt;
  return found->second;
}

std::string this_machine() {
  const CpuInfo& info = cpu_info();
  return info.model + " (" + info.arch + "), compiled for " + vector_isa() + ", " + info.compiler + " " +
         info.compile_flags;
}

Calibration load_calibration(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw CalibrationError("cannot read the calibration " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto fail = [&](const std::string& what) -> CalibrationError {
    return CalibrationError("calibration " + file.string() + ": " + what + " (write it again with grader --calibrate)");
  };
  json root;
  try {
    root = json::parse(text.str());
  } catch (const json::parse_error&) {
    throw fail("not valid JSON");
  }
  Calibration calibration;
  try {
    calibration.machine = root.at("machine").get<std::string>();
    calibration.date = root.at("date").get<std::string>();
    for (const json& check : root.at("checks")) {
      const double figure = check.at("reference").get<double>();
      if (!(figure > 0)) throw fail("the figure of " + check.dump() + " is not a speedup");
      calibration.figures[{check.at("stage").get<std::string>(), check.at("check").get<std::string>()}] = figure;
    }
  } catch (const json::exception& error) {
    throw fail(std::string("not what grader --calibrate writes: ") + error.what());
  }
  return calibration;
}

std::string calibration_json(const std::vector<const Stage*>& stages, const std::vector<CheckResult>& checks,
                             const std::string& date) {
  json list = json::array();
  for (const Stage* stage : stages) {
    for (const SpeedCheck& speed : stage->speed) {
      if (speed.unscored || speed.overhead_check()) continue;  // no bar, or one of its own
      const auto result = std::ranges::find_if(checks, [&](const CheckResult& check) {
        return check.kind == CheckResult::Kind::speed && check.stage == stage->id && check.name == speed.name;
      });
      if (result == checks.end() || !result->reference_timed_here) {
        throw CalibrationError("stage " + stage->id + " speed check \"" + speed.name + "\" was not measured against " +
                               "the reference here" + (result == checks.end() ? "" : " (" + result->measured + ")") +
                               ": a calibration needs every speed check of every stage, beside the reference");
      }
      list.push_back({{"stage", stage->id}, {"check", speed.name}, {"reference", result->reference_figure}});
    }
  }
  const json root = {
      {"about", "What the reference reached on the grading machine: per speed check, its speedup over the grader's "
                "baseline. Written by grader --calibrate, shipped with the handout by ./lab release; a grader "
                "without solutions/ judges speed against it."},
      {"machine", this_machine()},
      {"date", date},
      {"checks", std::move(list)}};
  return root.dump(2) + "\n";
}

}  // namespace accel::grader
