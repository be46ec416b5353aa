#include "builder.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "child_process.hpp"
#include "text.hpp"

namespace accel::grader {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kErrorLines = 10;

ChildResult run_tool(const BuildTools& tools, std::vector<std::string> argv, const fs::path& log) {
  ChildCommand command;
  command.argv = std::move(argv);
  command.stdout_file = log;
  command.stderr_file = log.string() + ".stderr";
  command.time_limit = std::chrono::duration<double>(tools.time_limit_seconds);
  ChildResult result = run_child(command);
  // One log, in the order a person reads it: what the tool printed, then its errors.
  const std::string errors = read_text_file(command.stderr_file);
  std::ofstream(log, std::ios::app) << errors;
  fs::remove(command.stderr_file);
  return result;
}

// Everything earlier builds made from a stage's student source: its object files, its
// library and the programs linked with it.
void delete_stage_outputs(const fs::path& build_dir, const StageSource& stage) {
  fs::remove_all(build_dir / "stages" / (stage.id + "_" + stage.slug) / "CMakeFiles" / ("stage" + stage.id + ".dir"));
  fs::remove(build_dir / "lib" / ("libstage" + stage.id + ".a"));
  const std::string prefix = "stage" + stage.id + "_";
  if (fs::is_directory(build_dir / "bin")) {
    for (const fs::directory_entry& entry : fs::directory_iterator(build_dir / "bin")) {
      if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove(entry.path());
    }
  }
}

// A configure that failed half-way leaves a cache without build.ninja: not configured.
bool configured_for(const fs::path& build_dir, const fs::path& copy, const std::string& arch) {
  const std::string cache = read_text_file(build_dir / "CMakeCache.txt");
  return fs::exists(build_dir / "build.ninja") && cache.find("ACCEL_SUBMISSION_DIR:PATH=" + copy.string() + "\n") != std::string::npos &&
         cache.find("ACCEL_IMPL:STRING=student\n") != std::string::npos &&
         cache.find("ACCEL_ARCH:STRING=" + arch + "\n") != std::string::npos;
}

}  // namespace

fs::path submission_copy(const fs::path& build_dir) { return build_dir / "submission"; }

fs::path StageSource::relative_source() const { return fs::path("stages") / (id + "_" + slug) / (slug + ".cpp"); }

std::map<std::string, std::string> prepare_submission(const BuildTools& tools, const fs::path& submission,
                                                      const fs::path& build_dir,
                                                      const std::vector<StageSource>& stages,
                                                      const fs::path& work_dir) {
  std::map<std::string, std::string> missing;
  const fs::path copy = submission_copy(build_dir);
  fs::remove_all(copy);
  for (const StageSource& stage : stages) {
    const fs::path from = submission / stage.relative_source(), to = copy / stage.relative_source();
    fs::create_directories(to.parent_path());
    if (fs::is_regular_file(from)) {
      fs::copy_file(from, to);  // a fresh copy: newer than any object file of an earlier submission
    } else {
      missing[stage.id] = stage.relative_source().string() + " is missing from the submission";
      std::ofstream(to) << "// missing from the submission\n";  // so the tree still configures
    }
    delete_stage_outputs(build_dir, stage);
  }
  if (!configured_for(build_dir, copy, tools.arch)) {
    const fs::path log = work_dir / "configure.log";
    const ChildResult result =
        run_tool(tools,
                 {tools.cmake.string(), "-S", tools.course_dir.string(), "-B", build_dir.string(), "-G", "Ninja",
                  "-DCMAKE_MAKE_PROGRAM=" + tools.ninja.string(), "-DCMAKE_BUILD_TYPE=Release", "-DACCEL_IMPL=student",
                  "-DACCEL_SUBMISSION_DIR=" + copy.string(), "-DACCEL_WERROR=OFF", "-DACCEL_ARCH=" + tools.arch},
                 log);
    if (!result.exited_normally() || result.exit_code != 0) {
      throw BuildError("configuring " + build_dir.string() + " failed (" + result.describe() + "):\n" +
                       last_lines(read_text_file(log), 15));
    }
  }
  return missing;
}

StageBuild build_targets(const BuildTools& tools, const fs::path& build_dir, const std::vector<std::string>& targets,
                         const fs::path& log) {
  std::vector<std::string> argv = {tools.cmake.string(), "--build", build_dir.string(), "--target"};
  argv.insert(argv.end(), targets.begin(), targets.end());
  const ChildResult result = run_tool(tools, argv, log);
  if (result.exited_normally() && result.exit_code == 0) return {true, {}};
  const std::string text = read_text_file(log);
  std::string errors = first_errors(text, (submission_copy(build_dir)).string() + "/");
  if (!result.exited_normally()) errors = "the build " + result.describe() + "\n" + errors;
  return {false, errors};
}

std::string first_errors(std::string_view log, const std::string& strip) {
  // "error" as a word: a compiler's "error:", not the -Werror of the command lines ninja echoes.
  static const std::regex error_line(R"(\berror\b|undefined reference|multiple definition|ld returned)",
                                     std::regex::icase);
  std::istringstream lines{std::string(log)};
  std::string picked;
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line) && count < kErrorLines;) {
    if (line.rfind("FAILED:", 0) == 0 || !std::regex_search(line, error_line)) continue;
    for (std::size_t at; !strip.empty() && (at = line.find(strip)) != std::string::npos;) line.erase(at, strip.size());
    picked += first_lines(line, 1, 240) + "\n";
    ++count;
  }
  if (picked.empty()) return last_lines(log, kErrorLines, 240);
  return picked;
}

CrossBuild::CrossBuild(BuildTools tools, const fs::path& submission_tree, fs::path work_dir)
    : tools_(std::move(tools)),
      copy_(submission_copy(submission_tree)),
      tree_(submission_tree.string() + "-aarch64"),
      work_dir_(std::move(work_dir)) {}

std::vector<std::string> CrossBuild::launcher() const { return {qemu_.string(), "-L", "/usr/aarch64-linux-gnu"}; }

std::optional<fs::path> CrossBuild::test_program(const StageSource& stage, const std::string& test_binary,
                                                 std::string& why) {
  if (!configure_error_) {
    const fs::path toolchain = tools_.course_dir / "cmake" / "toolchains" / "aarch64-linux-gnu.cmake";
    for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
      if (fs::exists(fs::path(dir) / "qemu-aarch64")) qemu_ = fs::path(dir) / "qemu-aarch64";
    }
    const fs::path log = work_dir_ / "configure-aarch64.log";
    const ChildResult result =
        qemu_.empty() ? ChildResult{}
                      : run_tool(tools_,
                                 {tools_.cmake.string(), "-S", tools_.course_dir.string(), "-B", tree_.string(), "-G",
                                  "Ninja", "-DCMAKE_MAKE_PROGRAM=" + tools_.ninja.string(),
                                  "-DCMAKE_TOOLCHAIN_FILE=" + toolchain.string(), "-DCMAKE_BUILD_TYPE=Release",
                                  "-DACCEL_IMPL=student", "-DACCEL_TESTS_ONLY=ON", "-DACCEL_ARCH=none",
                                  "-DACCEL_WERROR=OFF", "-DACCEL_SUBMISSION_DIR=" + copy_.string()},
                                 log);
    configure_error_ = qemu_.empty() ? "qemu-aarch64 is not installed here (sudo apt-get install qemu-user)"
                       : result.exited_normally() && result.exit_code == 0
                           ? ""
                           : "the aarch64 cross build does not configure here:\n" + last_lines(read_text_file(log), 4);
  }
  if (!configure_error_->empty()) {
    why = *configure_error_;
    return std::nullopt;
  }
  delete_stage_outputs(tree_, stage);
  const StageBuild build = build_targets(tools_, tree_, {test_binary}, work_dir_ / ("build-aarch64-" + stage.id + ".log"));
  if (!build.ok) {
    why = "the NEON branch does not compile:\n" + build.errors;
    return std::nullopt;
  }
  return tree_ / "bin" / test_binary;
}

BuildLock::BuildLock(const fs::path& build_dir) {
  fs::create_directories(build_dir);
  const fs::path file = build_dir / ".grader.lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw BuildError("another grader is using " + build_dir.string() +
                     "; wait for it to finish or give this one its own --build-dir");
  }
}

BuildLock::~BuildLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace accel::grader
