#include "report.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "accel/table.hpp"
#include "text.hpp"

namespace accel::grader {
namespace {

const char* kind_text(CheckResult::Kind kind) {
  switch (kind) {
    case CheckResult::Kind::tests: return "tests";
    case CheckResult::Kind::speed: return "speed";
    case CheckResult::Kind::measure: return "measure";
  }
  return "";
}

std::string indented(const std::string& text, const std::string& indent) {
  std::string result = indent;
  for (const char c : text) {
    result += c;
    if (c == '\n') result += indent;
  }
  return result;
}

}  // namespace

double total_points(const std::vector<CheckResult>& checks) {
  double total = 0;
  for (const CheckResult& check : checks) total += check.points;
  return total;
}

double total_max_points(const std::vector<CheckResult>& checks) {
  double total = 0;
  for (const CheckResult& check : checks) total += check.max_points;
  return total;
}

std::string points_text(double points, double max_points) {
  return fixed(points, 1) + "/" + short_number(max_points);
}

void print_report(std::ostream& out, const std::vector<CheckResult>& checks) {
  const bool flagged = std::ranges::any_of(checks, [](const CheckResult& check) { return !check.flag.empty(); });
  std::vector<std::string> headers = {"stage", "check", "measured", "required", "points"};
  if (flagged) headers.push_back("flag");
  Table table(headers);
  for (const CheckResult& check : checks) {
    std::vector<std::string> row = {check.stage, std::string(kind_text(check.kind)) + " " + check.name, check.measured,
                                    check.required, points_text(check.points, check.max_points)};
    if (flagged) row.push_back(check.flag.empty() ? "" : "FLAG: " + check.flag);
    table.add_row(std::move(row));
  }
  std::vector<std::string> total = {"total", "", "", "", points_text(total_points(checks), total_max_points(checks))};
  if (flagged) total.push_back("");
  table.add_row(std::move(total));
  table.print(out);
  if (flagged) {
    out << "\nFlags for the instructor (each check flagged scored 0; the details say why):\n";
    for (const CheckResult& check : checks) {
      if (check.flag.empty()) continue;
      out << "  stage " << check.stage << ' ' << kind_text(check.kind) << ' ' << check.name << ": " << check.flag << '\n';
    }
  }

  bool heading = false;
  const CheckResult* previous = nullptr;  // a reason shared by a stage's checks is shown once
  for (const CheckResult& check : checks) {
    if (check.full_marks() && check.kind == CheckResult::Kind::tests) continue;
    if (!heading) out << "\nDetails:\n";
    heading = true;
    const bool repeated = previous != nullptr && previous->stage == check.stage && previous->output == check.output;
    out << check.stage << ' ' << kind_text(check.kind) << ' ' << check.name << ":\n"
        << indented(repeated ? "(as above)" : check.output, "    ") << '\n';
    previous = &check;
  }
}

std::string entry_name(const CheckResult& check) {
  return "Stage " + check.stage + " (" + check.stage_name + ") " +
         (check.kind == CheckResult::Kind::tests   ? "correctness: "
          : check.kind == CheckResult::Kind::speed ? "speed: "
                                                   : "measurement: ") +
         check.name;
}

std::string results_json(const std::vector<CheckResult>& checks, double execution_seconds,
                         const std::string& output) {
  nlohmann::json tests = nlohmann::json::array();
  for (const CheckResult& check : checks) {
    std::string text = "measured: " + check.measured + ", required: " + check.required + "\n" + check.output;
    if (!check.flag.empty()) text = "FLAG: " + check.flag + "\n" + text;
    tests.push_back({{"name", entry_name(check)},
                     {"score", check.points},
                     {"max_score", check.max_points},
                     {"status", check.full_marks() ? "passed" : "failed"},
                     {"output", std::move(text)}});
  }
  const nlohmann::json results = {{"score", total_points(checks)},
                                  {"max_score", total_max_points(checks)},
                                  {"output", output},
                                  {"execution_time", static_cast<long long>(std::ceil(execution_seconds))},  // whole seconds, as in the spec
                                  {"tests", std::move(tests)}};
  // Child output may hold invalid UTF-8; replace it rather than fail after grading ran.
  return results.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace accel::grader
