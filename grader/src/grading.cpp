#include "grading.hpp"

#include <algorithm>
#include <chrono>

#include "accel/cpu_info.hpp"
#include "audit.hpp"
#include "child_process.hpp"
#include "text.hpp"

namespace accel::grader {
namespace {

namespace fs = std::filesystem;
using Kind = CheckResult::Kind;

constexpr std::size_t kStderrLines = 5;  // tail of a crashed child's stderr shown to the student
constexpr int kReportFd = 3;

// Why a child produced no usable report: its fate, plus what it said last. A stub that
// throws out of a test names the unimplemented function.
std::string child_failure(const std::string& binary, const ChildResult& result, const fs::path& stderr_file) {
  std::string text = binary + " " + result.describe();
  const std::string err = read_text_file(stderr_file);
  if (const std::string function = not_implemented_function(err); !function.empty()) {
    return text + ": not implemented: " + function;
  }
  if (const std::string tail = last_lines(err, kStderrLines); !tail.empty()) text += "\nlast lines of stderr:\n" + tail;
  return text;
}

// The table's short "measured" cell for a child that failed.
std::string short_fate(const ChildResult& result) {
  if (result.capture_overflow) return "not trusted";
  if (result.stopped_by_sandbox()) return "rule broken";
  switch (result.outcome) {
    case ChildResult::Outcome::signaled: return "crashed";
    case ChildResult::Outcome::timed_out: return "timed out";
    case ChildResult::Outcome::failed_to_start: return "not run";
    case ChildResult::Outcome::exited: break;
  }
  return "no report";
}

void say(const GradeOptions& options, const std::string& line) {
  if (options.progress != nullptr) *options.progress << line << std::endl;
}

// One test group: its own process, its own filter, GoogleTest's report on a pipe.
// `cross` runs the program under qemu-aarch64 (a cross-built one), or is null.
CheckResult grade_group(const Stage& stage, const TestGroup& group, const GradeOptions& options,
                        const fs::path& binary, const CrossBuild* cross = nullptr) {
  ChildCommand command;
  if (cross != nullptr) {
    command.argv = cross->launcher();
    command.environment = cross->environment();
  }
  command.argv.insert(command.argv.end(), {binary.string(), "--gtest_filter=" + group.filter,
                                           "--accel_report_fd=" + std::to_string(kReportFd), "--gtest_color=no"});
  command.stdout_file = options.work_dir / (stage.test_binary + ".stdout");
  command.stderr_file = options.work_dir / (stage.test_binary + ".stderr");
  // Seconds, not minutes: the reference's groups take under two seconds on every course
  // machine, so a group that blocks costs little. Emulated by qemu, code runs several
  // times slower.
  command.time_limit = std::chrono::duration<double>(options.test_timeout_seconds * (cross != nullptr ? 4 : 1));
  command.environment.emplace_back("ACCEL_SEED", std::to_string(options.seed));
  command.capture_fds = {kReportFd};
  // The sandbox lets a stage make threads where it may use them or BLAS (whose library
  // keeps a pool of them; elsewhere it is told to use one thread and starts none), and
  // qemu, which runs its own.
  const bool threads = stage.allows("threads") || stage.allows("blas") || cross != nullptr;
  command.sandbox = SandboxRules{threads, stage.allows("files")};
  if (!threads) command.environment.insert(command.environment.end(), {{"OPENBLAS_NUM_THREADS", "1"}, {"OMP_NUM_THREADS", "1"}});
  const ChildResult result = run_child(command);

  CheckResult check = make_check(stage, Kind::tests, group.name, group.points);
  check.required = std::to_string(group.expected_tests) + "/" + std::to_string(group.expected_tests) + " pass";
  // Exit code 1 only means "some tests failed"; a signal or a timeout means the run
  // itself broke, whatever it wrote before.
  if (!result.exited_normally()) {
    check.measured = short_fate(result);
    check.output = child_failure(stage.test_binary, result, command.stderr_file);
    if (result.capture_overflow) check.flag = "report not trusted";
    if (result.stopped_by_sandbox()) check.flag = "rule broken";
    return check;
  }
  try {
    return score_test_group(stage, group, parse_gtest_json(result.captured.at(kReportFd)));
  } catch (const ReportError& error) {
    check.measured = error.untrusted() ? "not trusted" : "no report";
    check.output = child_failure(stage.test_binary, result, command.stderr_file) + ": " + error.what();
    if (error.untrusted()) check.flag = "report not trusted";
    return check;
  }
}

// The policy for a stage written for another instruction set than the grading machine's:
// on x86-64, a test group whose functions are still a TODO here is graded again on the
// stage's NEON branch, cross-built and run under qemu-aarch64, when the source has one.
// Returns the note that says which branch was graded ("" when none was graded there).
std::string grade_neon_branch(const Stage& stage, const GradeOptions& options, std::vector<CheckResult>& checks) {
#if defined(__x86_64__)
  const bool any_todo = std::ranges::any_of(checks, [](const CheckResult& c) { return c.todo_only; });
  if (options.cross == nullptr || !any_todo) return {};
  const StageSource source{stage.id, stage.name};
  const std::string text = read_text_file(options.sources / source.relative_source());
  const std::string here = std::string("this machine's ") + simd_path() + " branch is still a TODO";
  if (!has_written_neon_branch(text)) {
    if (text.find("__ARM_NEON") != std::string::npos) {
      for (CheckResult& check : checks) {
        if (check.todo_only) check.output += "\n" + here + ", and so is the NEON branch";
      }
    }
    return {};
  }
  say(options, "stage " + stage.id + ": " + here + "; grading the NEON branch under qemu-aarch64");
  std::string why;
  const auto program = options.cross->test_program(source, stage.test_binary, why);
  if (!program && std::ranges::find(stage.may_call, "blas") != stage.may_call.end()) {
    why += "\n(a stage that calls BLAS is built for aarch64 only where the target's OpenBLAS is installed: "
           "sudo dpkg --add-architecture arm64 && sudo apt-get update && sudo apt-get install libopenblas-dev:arm64)";
  }
  if (!program) {
    for (CheckResult& check : checks) {
      if (check.todo_only) check.output += "\n" + here + ", and its NEON branch could not be graded: " + why;
    }
    return {};
  }
  const std::string note = "graded on the NEON branch under qemu-aarch64: " + here;
  for (std::size_t i = 0; i < stage.tests.size() && i < checks.size(); ++i) {
    if (!checks[i].todo_only) continue;
    CheckResult neon = grade_group(stage, stage.tests[i], options, *program, options.cross);
    neon.output = note + "\n" + neon.output;
    checks[i] = std::move(neon);
  }
  return note;
#else
  (void)stage, (void)options, (void)checks;
  return {};
#endif
}

}  // namespace

bool has_written_neon_branch(std::string_view source) {
  auto directive = [](std::string_view line, std::string_view word) {
    const std::size_t hash = line.find_first_not_of(" \t");
    if (hash == std::string_view::npos || line[hash] != '#') return false;
    const std::size_t start = line.find_first_not_of(" \t", hash + 1);
    return start != std::string_view::npos && line.substr(start).starts_with(word);
  };
  auto opens_neon = [&](std::string_view line) {
    return (directive(line, "if") || directive(line, "elif")) && line.find("__ARM_NEON") != std::string_view::npos;
  };
  bool in_neon = false;  // between a NEON #if/#elif and the next #elif, #else or #endif
  std::size_t begin = 0;
  while (begin < source.size()) {
    std::size_t end = source.find('\n', begin);
    if (end == std::string_view::npos) end = source.size();
    const std::string_view line = source.substr(begin, end - begin);
    begin = end + 1;
    if (!in_neon || directive(line, "el") || directive(line, "endif")) {
      in_neon = opens_neon(line);
      continue;
    }
    const std::size_t text = line.find_first_not_of(" \t");
    if (text == std::string_view::npos) continue;
    const std::string_view code = line.substr(text);
    if (code.starts_with("//") || code.starts_with("ACCEL_TODO") || directive(code, "include")) continue;
    return true;  // code, or a nested #if: either way the branch is written
  }
  return false;
}

GradeOptions options_from(const Rubric& rubric) {
  GradeOptions options;
  options.test_timeout_seconds = rubric.test_timeout_seconds;
  return options;
}

std::optional<std::vector<Violation>> audit_stage(const Stage& stage, const GradeOptions& options,
                                                  std::vector<std::string>* used, std::string* error) {
  const fs::path library = options.lib_dir / ("libstage" + stage.id + ".a");
  ChildCommand command;
  command.argv = {options.nm.string(), "-g", "-P", library.string()};
  command.stdout_file = options.work_dir / ("stage" + stage.id + ".nm");
  command.stderr_file = options.work_dir / ("stage" + stage.id + ".nm.stderr");
  const ChildResult result = fs::exists(library) ? run_child(command) : ChildResult{};
  if (!result.exited_normally() || result.exit_code != 0) {
    if (error != nullptr) {
      *error = fs::exists(library) ? options.nm.string() + " " + result.describe() + " on " + library.string() + ": " +
                                         first_lines(read_text_file(command.stderr_file), 3)
                                   : library.string() + " has not been built";
    }
    return std::nullopt;
  }
  const std::vector<Symbol> symbols = parse_nm(read_text_file(command.stdout_file));
  if (used != nullptr) *used = categories_used(symbols);
  std::vector<Violation> violations = check_symbols(symbols, stage.id, stage.may_call);

  // The machine code itself: no instruction of the stage's enters the kernel.
  command.argv = {options.objdump.string(), "-d", "-C", "--no-show-raw-insn", library.string()};
  command.stdout_file = options.work_dir / ("stage" + stage.id + ".objdump");
  command.stderr_file = options.work_dir / ("stage" + stage.id + ".objdump.stderr");
  const ChildResult disassembled = run_child(command);
  if (!disassembled.exited_normally() || disassembled.exit_code != 0) {
    if (error != nullptr) {
      *error = options.objdump.string() + " " + disassembled.describe() + " on " + library.string() + ": " +
               first_lines(read_text_file(command.stderr_file), 3);
    }
    return std::nullopt;
  }
  for (Violation& violation : kernel_entries(read_text_file(command.stdout_file))) violations.push_back(std::move(violation));
  return violations;
}

std::vector<CheckResult> grade_stage(const Stage& stage, const GradeOptions& options, SpeedLab& speed) {
  const auto failure = options.not_built.find(stage.id);
  if (failure != options.not_built.end() && !failure->second.tests.empty()) {
    const std::string& reason = failure->second.tests;
    std::vector<CheckResult> checks = zero_checks(stage, Kind::tests, "does not compile", reason);
    for (const Kind kind : {Kind::speed, Kind::measure}) {
      for (CheckResult& check : zero_checks(stage, kind, "does not compile", reason)) checks.push_back(std::move(check));
    }
    return checks;
  }

  say(options, "stage " + stage.id + ": checking the rules on its library");
  std::string audit_error;
  const auto violations = audit_stage(stage, options, nullptr, &audit_error);

  std::vector<CheckResult> checks;
  const bool have_tests = fs::exists(options.bin_dir / stage.test_binary);
  const bool only_a_group = std::ranges::any_of(stage.tests, [&](const TestGroup& g) { return g.name == options.only_check; });
  for (const TestGroup& group : stage.tests) {
    if (only_a_group && group.name != options.only_check) continue;
    if (!have_tests) {
      CheckResult missing = make_check(stage, Kind::tests, group.name, group.points);
      missing.measured = "not run";
      missing.required = "-";
      missing.output = stage.test_binary + " not found in " + options.bin_dir.string();
      checks.push_back(std::move(missing));
      continue;
    }
    say(options, "stage " + stage.id + ": running " + stage.test_binary + " --gtest_filter=" + group.filter);
    checks.push_back(grade_group(stage, group, options, options.bin_dir / stage.test_binary));
  }
  const std::string neon_note = grade_neon_branch(stage, options, checks);

  // Speed and measurement checks share their gate: rules kept, the bench built, every test
  // group at full marks.
  if ((stage.speed.empty() && stage.measures.empty()) || options.tests_only || only_a_group) return checks;
  auto zero_all = [&](const std::string& measured, const std::string& reason, const std::string& flag = {}) {
    std::vector<CheckResult> zeros = zero_checks(stage, Kind::speed, measured, reason, flag);
    for (CheckResult& check : zero_checks(stage, Kind::measure, measured, reason, flag)) zeros.push_back(std::move(check));
    return zeros;
  };
  std::vector<CheckResult> speed_checks;
  if (!violations) {
    speed_checks = zero_all("not checked", "the stage's rules could not be checked: " + audit_error);
  } else if (!violations->empty()) {
    std::string reasons;
    const std::string source = StageSource{stage.id, stage.name}.relative_source().string();
    for (const Violation& violation : *violations) reasons += describe(violation, stage.id, source) + "\n";
    speed_checks = zero_all("rule broken", "rule broken: " + reasons.substr(0, reasons.size() - 1), "rule broken");
  } else if (failure != options.not_built.end() && !failure->second.bench.empty()) {
    speed_checks = zero_all("does not compile", failure->second.bench);
  } else if (!neon_note.empty()) {
    speed_checks = zero_all("not this ISA", neon_note + "; speed is measured in this machine's instruction set only",
                            "not this ISA");
  } else if (!correctness_complete(checks)) {
    speed_checks = zero_all("skipped", "skipped: correctness tests fail");
  } else if (!fs::exists(options.bin_dir / stage.bench_binary)) {
    speed_checks = zero_all("not run", stage.bench_binary + " not found in " + options.bin_dir.string());
  } else {
    const bool threads_allowed = stage.allows("threads");
    for (const SpeedCheck& check : stage.speed) {
      if (options.only_check.empty() || check.name == options.only_check) {
        speed_checks.push_back(speed.measure(stage, check, threads_allowed));
      }
    }
    const bool measures_wanted = options.only_check.empty() ||
                                 std::ranges::any_of(stage.measures, [&](const MeasureCheck& m) { return m.name == options.only_check; });
    if (!stage.measures.empty() && measures_wanted) {
      for (CheckResult& check : speed.measure_roofline(stage, threads_allowed)) speed_checks.push_back(std::move(check));
    }
  }
  for (CheckResult& check : speed_checks) checks.push_back(std::move(check));
  return checks;
}

}  // namespace accel::grader
