#pragma once
// Runs one program as a child process with a time limit. Student code may crash or never
// return; running it in a child (in its own process group, killed whole on timeout) is
// what lets a bad stage cost only its own points.

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace accel::grader {

struct ChildResult {
  enum class Outcome { exited, signaled, timed_out, failed_to_start };
  Outcome outcome = Outcome::failed_to_start;
  int exit_code = -1;        // when exited
  int signal = 0;            // when signaled
  double seconds = 0;        // wall time until exit or kill
  double time_limit = 0;     // seconds, for the message
  std::string start_error;   // when failed_to_start: why exec failed

  bool exited_normally() const { return outcome == Outcome::exited; }
  // "exited with code 1", "crashed (SIGSEGV)", "timed out after 2 s", "could not be started (...)"
  std::string describe() const;
};

// "SIGSEGV" for SIGSEGV, "signal 42" for one without a common name.
std::string signal_name(int signal);

// Runs argv[0] (a path, not searched in PATH) with the given arguments; stdout and
// stderr go to the two files. On timeout the child's whole process group is killed
// (SIGKILL), so grandchildren a test may have started go too.
ChildResult run_child(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file,
                      const std::filesystem::path& stderr_file, std::chrono::duration<double> time_limit);

// A child lives in its own process group, so Ctrl-C on the grader does not reach it.
// After this call SIGINT/SIGTERM on the grader kill the running child's group, and
// run_child throws Interrupted (then and on every later call).
void forward_interrupts_to_children();

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace accel::grader
