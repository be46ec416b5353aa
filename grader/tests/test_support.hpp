#pragma once
// Helpers for the grader's tests: a scratch directory per test, and a check that a
// process the grader should have killed is no longer running.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <sys/types.h>

#include "text.hpp"

namespace accel::grader::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "grader-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

// True when pid is gone or a zombie (killed, waiting for init to reap it), waiting up to
// a second for a kill to land. It reads /proc, so without one (macOS) it cannot tell
// and says true.
inline bool stopped_running(pid_t pid) {
  const auto stat = std::filesystem::path("/proc") / std::to_string(pid) / "stat";
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string state = read_text_file(stat);
    if (state.empty() || state.find(") Z") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// True when no process runs `program` (a path, as its command line starts), waiting up to
// a second for a kill to land; zombies do not run. It reads /proc: without one (macOS) it
// cannot tell and says true.
inline bool nothing_runs(const std::filesystem::path& program) {
  namespace fs = std::filesystem;
  if (!fs::is_directory("/proc")) return true;
  for (int attempt = 0; attempt < 100; ++attempt) {
    bool found = false;
    for (const fs::directory_entry& entry : fs::directory_iterator("/proc")) {
      const std::string cmdline = read_text_file(entry.path() / "cmdline");
      if (cmdline.rfind(program.string() + '\0', 0) == 0 && read_text_file(entry.path() / "stat").find(") Z") == std::string::npos) {
        found = true;
        break;
      }
    }
    if (!found) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace accel::grader::testing
