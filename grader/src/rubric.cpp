#include "rubric.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "audit.hpp"
#include "workloads.hpp"

namespace accel::grader {
namespace {

using nlohmann::json;

// `where` is the JSON path of the offending value ("stages[0].tests[2]"), empty at the top.
[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw RubricError(where.empty() ? what : where + ": " + what);
}

std::string join(const std::string& where, const char* key) { return where.empty() ? key : where + "." + key; }

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Unknown keys are errors: a misspelt "point" would otherwise be ignored and the group
// graded with no points at all.
void reject_unknown_keys(const json& object, const std::string& where, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (std::string_view name : known) list += (list.empty() ? "" : ", ") + std::string(name);
    fail(where, "unknown key \"" + key + "\" (known keys: " + list + ")");
  }
}

const json& require_object(const json& value, const std::string& where) {
  if (!value.is_object()) fail(where, std::string("expected an object, got ") + value.type_name());
  return value;
}

const json& require_array(const json& object, const std::string& where, const char* key) {
  if (!object.contains(key)) fail(where, std::string("missing \"") + key + "\"");
  const json& value = object.at(key);
  if (!value.is_array()) fail(join(where, key), std::string("expected an array, got ") + value.type_name());
  return value;
}

std::string get_string(const json& object, const std::string& where, const char* key, bool required = true) {
  if (!object.contains(key)) {
    if (required) fail(where, std::string("missing \"") + key + "\"");
    return {};
  }
  const json& value = object.at(key);
  if (!value.is_string()) fail(join(where, key), std::string("expected a string, got ") + value.type_name());
  if (value.get<std::string>().empty()) fail(join(where, key), "must not be empty");
  return value.get<std::string>();
}

// Any number (required).
double get_number(const json& object, const std::string& where, const char* key) {
  if (!object.contains(key)) fail(where, std::string("missing \"") + key + "\"");
  const json& value = object.at(key);
  if (!value.is_number()) fail(join(where, key), std::string("expected a number, got ") + value.type_name());
  return value.get<double>();
}

// A number that must be > 0; `fallback` is used when the key is absent and not required.
double get_positive(const json& object, const std::string& where, const char* key, const double* fallback = nullptr) {
  if (!object.contains(key)) {
    if (fallback == nullptr) fail(where, std::string("missing \"") + key + "\"");
    return *fallback;
  }
  const json& value = object.at(key);
  if (!value.is_number()) fail(join(where, key), std::string("expected a number, got ") + value.type_name());
  const double number = value.get<double>();
  if (!(number > 0)) fail(join(where, key), "must be greater than 0, got " + number_text(number));
  return number;
}

std::size_t get_count(const json& object, const std::string& where, const char* key) {
  if (!object.contains(key)) fail(where, std::string("missing \"") + key + "\"");
  const json& value = object.at(key);
  if (!value.is_number_integer() || value.get<long long>() < 1) {
    fail(join(where, key), "expected a whole number >= 1, got " + value.dump());
  }
  return value.get<std::size_t>();
}

TestGroup parse_test_group(const json& value, const std::string& where) {
  require_object(value, where);
  reject_unknown_keys(value, where, {"name", "filter", "tests", "points"});
  TestGroup group{get_string(value, where, "name"), get_string(value, where, "filter"),
                  get_count(value, where, "tests"), get_positive(value, where, "points")};
  if (group.filter.find_first_of(" \t\n") != std::string::npos) {
    fail(where + ".filter", "a GoogleTest filter has no spaces: \"" + group.filter + "\"");
  }
  return group;
}

// A speed case must be in the grader's catalog, which says what workload it times.
const accel::grade::CaseEntry& require_case(const std::string& where, const char* key, const std::string& name) {
  const accel::grade::CaseEntry* entry = accel::grade::find_case(name);
  if (entry == nullptr) {
    fail(join(where, key), "\"" + name + "\" is not a case of the grader's catalog (grader/cases/workloads.cpp)");
  }
  return *entry;
}

// The ramp's two fractions, each optional (the defaults are `fallback`'s): zero_below <
// full_from <= max_full_from. A speedup over a baseline depends on how good the student's
// kernel is, and a correct solution of sensible quality must earn full marks on a noisy
// laptop, half as fast as the reference: 0.5. Where the student's code and the reference's
// meet the same wall by construction, the bar can be nearer to the reference (stage 08: a
// scaling, in which the one-core speed cancels, or the memory's bandwidth at DRAM sizes).
constexpr double kMaxFullFrom = 0.5, kMaxFullFromAtAWall = 0.9;

Ramp parse_ramp(const json& value, const std::string& where, const Ramp& fallback, double max_full_from = kMaxFullFrom) {
  Ramp ramp = fallback;
  ramp.zero_below = get_positive(value, where, "zero_below", &fallback.zero_below);
  ramp.full_from = get_positive(value, where, "full_from", &fallback.full_from);
  if (ramp.full_from > max_full_from) {
    fail(where + ".full_from",
         "is " + number_text(ramp.full_from) +
             (max_full_from == kMaxFullFrom ? "; full marks come at most at half of the reference's speedup"
                                            : "; full marks come at most at " + number_text(max_full_from) +
                                                  " of the reference's speedup"));
  }
  if (ramp.zero_below >= ramp.full_from) {
    fail(where, "zero_below " + number_text(ramp.zero_below) + " is not below full_from " + number_text(ramp.full_from));
  }
  return ramp;
}

SpeedCheck parse_speed_check(const json& value, const std::string& where, const Ramp& default_ramp) {
  require_object(value, where);
  SpeedCheck check;
  check.name = get_string(value, where, "name");
  check.baseline = get_string(value, where, "baseline");
  check.candidate = get_string(value, where, "candidate");
  if (value.contains("unscored")) {
    if (value.at("unscored") != true) fail(where + ".unscored", "can only be true");
    reject_unknown_keys(value, where, {"name", "baseline", "candidate", "unscored"});
    check.unscored = true;
  } else if (value.contains("max_overhead")) {
    reject_unknown_keys(value, where, {"name", "baseline", "candidate", "max_overhead", "reference_overhead", "points"});
    check.max_overhead = get_positive(value, where, "max_overhead");
    check.reference_overhead = get_number(value, where, "reference_overhead");
    check.points = get_positive(value, where, "points");
    // The allowance is at least twice what the reference needed.
    if (check.max_overhead < 2 * check.reference_overhead) {
      fail(where, "max_overhead " + number_text(check.max_overhead) + " is less than twice reference_overhead " +
                      number_text(check.reference_overhead) + "; the allowance is at least twice the reference's");
    }
  } else {
    reject_unknown_keys(value, where,
                        {"name", "baseline", "candidate", "reference_speedup", "points", "zero_below", "full_from",
                         "leaderboard", "at_a_wall", "min_cores"});
    check.reference_speedup = get_positive(value, where, "reference_speedup");
    check.leaderboard = get_string(value, where, "leaderboard", /*required=*/false);
    check.points = get_positive(value, where, "points");
    // "at_a_wall": true where the student's kernel and the reference's meet the same wall
    // (see kMaxFullFromAtAWall); a scaling check always does.
    check.at_a_wall = check.scaling_check();
    if (value.contains("at_a_wall")) {
      if (value.at("at_a_wall") != true) fail(where + ".at_a_wall", "can only be true");
      check.at_a_wall = true;
    }
    check.ramp = parse_ramp(value, where, default_ramp, check.at_a_wall ? kMaxFullFromAtAWall : kMaxFullFrom);
    if (value.contains("min_cores")) {
      const double cores = get_positive(value, where, "min_cores");
      if (cores != double(unsigned(cores))) fail(where + ".min_cores", "is not a whole number");
      check.min_cores = unsigned(cores);
    }
  }
  const auto& baseline = require_case(where, "baseline", check.baseline);
  const auto& candidate = require_case(where, "candidate", check.candidate);
  if (check.baseline.rfind("baseline/", 0) != 0 && !(check.scaling_check() && !check.unscored && !check.overhead_check())) {
    fail(where + ".baseline", "a baseline case starts with \"baseline/\" (or, in a scaling check, \"student/\")");
  }
  if (check.candidate.rfind("student/", 0) != 0) fail(where + ".candidate", "a candidate case starts with \"student/\"");
  if (!(baseline.spec == candidate.spec)) {
    fail(where, "\"" + check.baseline + "\" and \"" + check.candidate +
                    "\" time different workloads, so their ratio is not a speedup");
  }
  if (!check.leaderboard.empty() && candidate.spec.cost().flops <= 0) {
    fail(where + ".leaderboard", "\"" + check.candidate + "\" does no floating-point work to rank in GFLOP/s");
  }
  return check;
}

MeasureCheck parse_measure(const json& value, const std::string& where) {
  require_object(value, where);
  MeasureCheck check{get_string(value, where, "name"), get_string(value, where, "kind"), 0, 0, 0};
  const bool prediction = check.kind == "prediction";
  if (!prediction && check.kind != "peak" && check.kind != "triad_dram" && check.kind != "triad_l2") {
    fail(where + ".kind", "\"" + check.kind + "\" is not a measurement (peak, triad_dram, triad_l2, prediction)");
  }
  const char* threshold = prediction ? "max_error" : "min_ratio";
  const char* reference = prediction ? "reference_error" : "reference_ratio";
  reject_unknown_keys(value, where, {"name", "kind", threshold, reference, "points"});
  check.threshold = get_positive(value, where, threshold);
  check.reference = get_positive(value, where, reference);
  check.points = get_positive(value, where, "points");
  // The bar leaves a correct solution room on a noisy laptop.
  if (prediction ? check.reference > check.threshold * 0.8 : check.threshold > check.reference * 0.85) {
    fail(where, std::string(threshold) + " " + number_text(check.threshold) + " leaves too little room beside " +
                    reference + " " + number_text(check.reference));
  }
  return check;
}

Stage parse_stage(const json& value, const std::string& where, const Ramp& default_ramp) {
  require_object(value, where);
  reject_unknown_keys(value, where,
                     {"stage", "name", "test_binary", "bench_binary", "reference_bench_binary", "may_call", "tests",
                      "speed", "measures"});
  Stage stage;
  stage.id = get_string(value, where, "stage");
  if (!std::regex_match(stage.id, std::regex("[0-9][0-9]"))) {
    fail(where + ".stage", "expected two digits like \"01\", got \"" + stage.id + "\"");
  }
  stage.name = get_string(value, where, "name");
  stage.test_binary = get_string(value, where, "test_binary");
  stage.bench_binary = get_string(value, where, "bench_binary", /*required=*/false);
  stage.reference_bench_binary = get_string(value, where, "reference_bench_binary", /*required=*/false);
  if (stage.reference_bench_binary.empty()) stage.reference_bench_binary = "stage" + stage.id + "_reference_bench";
  if (value.contains("may_call")) {
    const json& categories = require_array(value, where, "may_call");
    for (std::size_t i = 0; i < categories.size(); ++i) {
      const std::string place = where + ".may_call[" + std::to_string(i) + "]";
      if (!categories[i].is_string() || !is_permissible_category(categories[i].get<std::string>())) {
        fail(place, categories[i].dump() + " is not a rule a stage may be let off (" + permissible_categories() + ")");
      }
      stage.may_call.push_back(categories[i].get<std::string>());
    }
  }

  std::set<std::string> names;  // check names label Gradescope entries, so they must differ
  auto claim_name = [&](const std::string& name, const std::string& place) {
    if (!names.insert(name).second) fail(place, "\"" + name + "\" is used twice in stage " + stage.id);
  };
  const json& tests = require_array(value, where, "tests");
  if (tests.empty()) fail(where + ".tests", "needs at least one test group");
  for (std::size_t i = 0; i < tests.size(); ++i) {
    const std::string place = where + ".tests[" + std::to_string(i) + "]";
    stage.tests.push_back(parse_test_group(tests[i], place));
    claim_name(stage.tests.back().name, place + ".name");
  }
  if (value.contains("speed")) {
    const json& speed = require_array(value, where, "speed");
    for (std::size_t i = 0; i < speed.size(); ++i) {
      const std::string place = where + ".speed[" + std::to_string(i) + "]";
      stage.speed.push_back(parse_speed_check(speed[i], place, default_ramp));
      claim_name(stage.speed.back().name, place + ".name");
    }
  }
  if (value.contains("measures")) {
    const json& measures = require_array(value, where, "measures");
    for (std::size_t i = 0; i < measures.size(); ++i) {
      const std::string place = where + ".measures[" + std::to_string(i) + "]";
      stage.measures.push_back(parse_measure(measures[i], place));
      claim_name(stage.measures.back().name, place + ".name");
    }
  }
  if ((!stage.speed.empty() || !stage.measures.empty()) && stage.bench_binary.empty()) {
    fail(where, "missing \"bench_binary\" (the stage has speed checks)");
  }
  return stage;
}

}  // namespace

double Ramp::share(double fraction) const {
  if (!(fraction >= zero_below)) return 0;  // NaN too
  return std::min(1.0, (fraction - zero_below) / (full_from - zero_below));
}

double SpeedCheck::fraction_of_reference(double speedup, double reference_speedup) const {
  if (scaling_check()) return (speedup - 1) / std::max(reference_speedup - 1, kLeastGain);
  return speedup / reference_speedup;
}

double SpeedCheck::speedup_at(double fraction, double reference_speedup) const {
  if (scaling_check()) return 1 + fraction * std::max(reference_speedup - 1, kLeastGain);
  return fraction * reference_speedup;
}

double MeasureCheck::share(double measured) const {
  if (kind == "prediction") return Ramp{0, 0.5}.share(1 - measured / (2 * threshold));
  return Ramp{threshold / 2, threshold}.share(measured);
}

double Stage::max_points() const {
  double total = 0;
  for (const TestGroup& group : tests) total += group.points;
  for (const SpeedCheck& check : speed) total += check.points;
  for (const MeasureCheck& check : measures) total += check.points;
  return total;
}

bool Stage::allows(std::string_view category) const { return std::ranges::find(may_call, category) != may_call.end(); }

const Stage* Rubric::find_stage(std::string_view id) const {
  for (const Stage& stage : stages) {
    if (stage.id == id) return &stage;
  }
  return nullptr;
}

Rubric parse_rubric(std::string_view json_text) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::parse_error& error) {
    std::string what = error.what();  // "[json.exception.parse_error.101] parse error at line 3, ..."
    if (const auto bracket = what.find("] "); bracket != std::string::npos) what.erase(0, bracket + 2);
    throw RubricError("not valid JSON: " + what);
  }
  const std::string where;  // the top level
  require_object(root, where);
  reject_unknown_keys(root, where,
                     {"bench_repetitions", "test_timeout_seconds", "bench_timeout_seconds", "baseline_binary", "ramp",
                      "speed_visibility", "stages"});

  Rubric rubric;
  if (root.contains("ramp")) {
    require_object(root.at("ramp"), "ramp");
    reject_unknown_keys(root.at("ramp"), "ramp", {"zero_below", "full_from"});
    rubric.ramp = parse_ramp(root.at("ramp"), "ramp", rubric.ramp);
  }
  if (root.contains("bench_repetitions")) {
    const json& value = root.at("bench_repetitions");
    if (!value.is_number_integer() || value.get<long long>() < 1) {
      fail("bench_repetitions", "expected a whole number >= 1, got " + value.dump());
    }
    rubric.bench_repetitions = value.get<int>();
  }
  rubric.test_timeout_seconds = get_positive(root, where, "test_timeout_seconds", &rubric.test_timeout_seconds);
  rubric.bench_timeout_seconds = get_positive(root, where, "bench_timeout_seconds", &rubric.bench_timeout_seconds);
  if (root.contains("baseline_binary")) rubric.baseline_binary = get_string(root, where, "baseline_binary");
  if (root.contains("speed_visibility")) {
    rubric.speed_visibility = get_string(root, where, "speed_visibility");
    static const std::set<std::string> kVisibilities = {"visible", "hidden", "after_due_date", "after_published"};
    if (!kVisibilities.contains(rubric.speed_visibility)) {
      fail("speed_visibility", "\"" + rubric.speed_visibility +
                                   "\" is not one of Gradescope's: visible, hidden, after_due_date, after_published");
    }
  }

  const json& stages = require_array(root, where, "stages");
  if (stages.empty()) fail("stages", "needs at least one stage");
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string place = "stages[" + std::to_string(i) + "]";
    Stage stage = parse_stage(stages[i], place, rubric.ramp);
    if (rubric.find_stage(stage.id) != nullptr) fail(place + ".stage", "stage " + stage.id + " appears twice");
    rubric.stages.push_back(std::move(stage));
  }
  return rubric;
}

Rubric load_rubric(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw RubricError("cannot read rubric " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_rubric(text.str());
  } catch (const RubricError& error) {
    throw RubricError("rubric " + file.string() + ": " + error.what());
  }
}

}  // namespace accel::grader
