#pragma once
// Runs one program as a child process with a time limit. Student code may crash or never
// return; running it in a child (in its own process group, killed whole on timeout) is
// what lets a bad stage cost only its own points.
//
// A child that runs student code can write anything to any file it can open, at any time
// up to its exit. What the grader trusts from it therefore arrives on pipes (captures)
// that the grader reads while the child runs; and the child's wall time and CPU time come
// from the grader's clock and the kernel, not from the child.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sandbox.hpp"

namespace accel::grader {

struct ChildCommand {
  std::vector<std::string> argv;  // argv[0] is a path, not searched in PATH
  std::filesystem::path stdout_file, stderr_file;
  std::chrono::duration<double> time_limit{60};
  // Set on top of the grader's own environment, from which every variable that could
  // change how a test or benchmark runs has been removed (GTEST_*, BENCHMARK_*, ACCEL_*,
  // BLAS and OpenMP thread settings, LD_PRELOAD, allocator tunables).
  std::vector<std::pair<std::string, std::string>> environment;
  // File descriptors the child gets as write ends of pipes (3 and up); what the child
  // writes to them is returned in ChildResult::captured.
  std::vector<int> capture_fds;
  std::size_t capture_limit = std::size_t{512} << 20;  // bytes per descriptor
  // Student code runs under the sandbox (sandbox.hpp), installed between fork and exec;
  // the grader's own tools (nm, cmake) do not. Ignored where the sandbox is not available.
  std::optional<SandboxRules> sandbox;
};

struct ChildResult {
  enum class Outcome { exited, signaled, timed_out, failed_to_start };
  Outcome outcome = Outcome::failed_to_start;
  int exit_code = -1;        // when exited
  int signal = 0;            // when signaled
  double seconds = 0;        // wall time from start to exit (or kill), by the grader's clock
  double cpu_seconds = 0;    // user + system time of the child and its reaped children, by the kernel
  double time_limit = 0;     // seconds, for the message
  std::string start_error;   // when failed_to_start: why exec failed
  std::map<int, std::string> captured;  // per capture fd, everything the child wrote to it
  bool capture_overflow = false;        // a descriptor passed capture_limit: the child was killed
  bool sandboxed = false;               // the child ran under the sandbox

  bool exited_normally() const { return outcome == Outcome::exited; }
  // Killed by the sandbox for a system call its rules forbid.
  bool stopped_by_sandbox() const;
  // "exited with code 1", "crashed (SIGSEGV)", "timed out after 2 s", "could not be started (...)"
  std::string describe() const;
};

// "SIGSEGV" for SIGSEGV, "signal 42" for one without a common name.
std::string signal_name(int signal);

// Runs the command. On timeout, and after a normal exit too, the child's whole process
// group is killed (SIGKILL), so grandchildren it started go with it.
ChildResult run_child(const ChildCommand& command);

// A child lives in its own process group, so Ctrl-C on the grader does not reach it.
// After this call SIGINT/SIGTERM on the grader kill the running child's group, and
// run_child throws Interrupted (then and on every later call).
void forward_interrupts_to_children();

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace accel::grader
