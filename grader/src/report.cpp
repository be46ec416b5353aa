#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <map>

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
                         const std::string& output, const std::string& speed_visibility) {
  nlohmann::json tests = nlohmann::json::array();
  for (const CheckResult& check : checks) {
    std::string text = "measured: " + check.measured + ", required: " + check.required + "\n" + check.output;
    if (!check.flag.empty()) text = "FLAG: " + check.flag + "\n" + text;
    tests.push_back({{"name", entry_name(check)},
                     {"score", check.points},
                     {"max_score", check.max_points},
                     {"status", check.full_marks() ? "passed" : "failed"},
                     {"visibility", check.kind == CheckResult::Kind::tests ? "visible" : speed_visibility},
                     {"output", std::move(text)}});
  }
  nlohmann::json results = {{"score", total_points(checks)},
                            {"max_score", total_max_points(checks)},
                            {"output", output},
                            {"execution_time", static_cast<long long>(std::ceil(execution_seconds))},  // whole seconds, as in the spec
                            {"tests", std::move(tests)}};
  // The leaderboard (Gradescope shows it under names the students choose): per stage, the
  // mean of the fractions of the reference's speedup its checks were judged on (a scaling
  // check's, of its gain over one thread), and the GFLOP/s of the kernels the rubric names.
  nlohmann::json leaderboard = nlohmann::json::array();
  std::map<std::string, std::vector<double>> fractions;  // by stage
  for (const CheckResult& check : checks) {
    if (check.reference_figure > 0) fractions[check.stage].push_back(std::max(check.fraction, 0.0));
    if (!check.leaderboard.empty() && check.student_gflops > 0) {
      leaderboard.push_back({{"name", check.leaderboard}, {"value", std::round(10 * check.student_gflops) / 10}, {"order", "desc"}});
    }
  }
  for (const auto& [stage, values] : fractions) {
    double sum = 0;
    for (const double value : values) sum += value;
    leaderboard.push_back({{"name", "Stage " + stage + " speed, fraction of the reference's"},
                           {"value", std::round(100 * sum / double(values.size())) / 100},
                           {"order", "desc"}});
  }
  if (!leaderboard.empty()) results["leaderboard"] = std::move(leaderboard);
  // Child output may hold invalid UTF-8; replace it rather than fail after grading ran.
  return results.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// Text as XML character data: markup escaped, and the control characters XML 1.0 forbids
// (a child's output may hold any byte) replaced.
std::string xml_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

// The line of a failing group's output that says the most: the assertion's "Actual:" line
// or its first message line, without the file:line that GoogleTest puts first.
std::string failure_line(const std::string& output) {
  const auto first = output.find("first failure:\n");
  if (first == std::string::npos) return first_lines(output, 1, 110);
  std::string_view rest = std::string_view(output).substr(first + 15);
  const auto actual = rest.find("Actual:");
  if (actual != std::string_view::npos) return first_lines(rest.substr(actual), 1, 110);
  const auto newline = rest.find('\n');
  return first_lines(newline == std::string_view::npos ? rest : rest.substr(newline + 1), 1, 110);
}

}  // namespace

std::string junit_xml(const std::vector<CheckResult>& checks, double execution_seconds) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"Acceleration Lab\" tests=\"" +
                    std::to_string(checks.size()) + "\" time=\"" + fixed(execution_seconds, 1) + "\">\n";
  for (std::size_t i = 0; i < checks.size();) {
    std::size_t end = i;
    std::size_t failures = 0;
    while (end < checks.size() && checks[end].stage == checks[i].stage) failures += checks[end++].full_marks() ? 0 : 1;
    xml += "  <testsuite name=\"stage " + checks[i].stage + " " + xml_text(checks[i].stage_name) + "\" tests=\"" +
           std::to_string(end - i) + "\" failures=\"" + std::to_string(failures) + "\">\n";
    for (; i < end; ++i) {
      const CheckResult& check = checks[i];
      xml += "    <testcase classname=\"stage" + check.stage + "\" name=\"" +
             xml_text(std::string(kind_text(check.kind)) + " " + check.name) + "\">";
      if (!check.full_marks()) {
        const std::string message = points_text(check.points, check.max_points) + " points, measured " + check.measured +
                                    ", required " + check.required + (check.flag.empty() ? "" : ", FLAG: " + check.flag);
        xml += "\n      <failure message=\"" + xml_text(message) + "\">" + xml_text(check.output) + "</failure>\n    ";
      }
      xml += "</testcase>\n";
    }
    xml += "  </testsuite>\n";
  }
  return xml + "</testsuites>\n";
}

void print_status(std::ostream& out, const std::vector<CheckResult>& test_checks) {
  const CheckResult* next = nullptr;
  std::string stage;
  for (const CheckResult& check : test_checks) {
    if (check.stage != stage) {
      stage = check.stage;
      out << (stage == test_checks.front().stage ? "" : "\n") << "Stage " << stage << " " << check.stage_name << '\n';
    }
    std::string state;
    if (check.full_marks()) {
      state = "passing";
    } else if (check.measured == "not implemented") {
      // A group of several functions names them: "TODO: fma_gflops, peak_gflops".
      const std::string prefix = "not implemented: ", first = first_lines(check.output, 1, 110);
      const bool names_others = first.rfind(prefix, 0) == 0 && first != prefix + check.name;
      state = names_others ? "TODO: " + first.substr(prefix.size()) : "TODO";
    } else if (check.measured == "does not compile") {
      state = "does not compile: " + failure_line(check.output.substr(check.output.find('\n') + 1));
    } else {
      state = "failing (" + check.measured + "): " + failure_line(check.output);
    }
    out << "  " << (check.full_marks() ? "[x] " : "[ ] ") << check.name << std::string(check.name.size() < 18 ? 18 - check.name.size() : 1, ' ')
        << state << '\n';
    if (!check.full_marks() && next == nullptr) next = &check;
  }
  if (next == nullptr) {
    out << "\nEvery test passes. The speed checks: ./lab grade\n";
    return;
  }
  out << "\nNext: " << next->name << " in stage " << next->stage << " (stages/" << next->stage << "_" << next->stage_name
      << "/" << next->stage_name << ".cpp; the task is in its README.md). ./lab test " << next->stage
      << " shows the failures in full.\n";
}

}  // namespace accel::grader
