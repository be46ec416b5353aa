#include "child_process.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace accel::grader {
namespace {

using Clock = std::chrono::steady_clock;

// The process group of the child now running, for the interrupt handler; 0 when none.
std::atomic<pid_t> running_group{0};
std::atomic<bool> interrupted{false};

// Kill the child at once; run_child then throws Interrupted, so the grader unwinds and
// removes its scratch files instead of dying in the handler. A second signal acts as if
// there were no handler, should unwinding ever get stuck.
void kill_group_and_flag(int signal) {
  std::signal(signal, SIG_DFL);
  interrupted.store(true);
  if (const pid_t group = running_group.load(); group > 0) ::kill(-group, SIGKILL);
}

// Only async-signal-safe calls between fork and exec: open, dup2, execv, write, _exit.
[[noreturn]] void exec_child(char* const* argv, const char* out_path, const char* err_path, int error_pipe) {
  ::setpgid(0, 0);
  const int out = ::open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int in = ::open("/dev/null", O_RDONLY);  // a test waiting on stdin must not hang on ours
  if (out >= 0 && err >= 0 && in >= 0 && ::dup2(out, 1) >= 0 && ::dup2(err, 2) >= 0 && ::dup2(in, 0) >= 0) {
    ::execv(argv[0], argv);
  }
  const int error = errno;
  [[maybe_unused]] const auto written = ::write(error_pipe, &error, sizeof error);
  ::_exit(127);
}

}  // namespace

std::string signal_name(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGTRAP: return "SIGTRAP";
    case SIGPIPE: return "SIGPIPE";
    case SIGHUP: return "SIGHUP";
    case SIGSYS: return "SIGSYS";
    case SIGXCPU: return "SIGXCPU";
    default: return "signal " + std::to_string(signal);
  }
}

std::string ChildResult::describe() const {
  switch (outcome) {
    case Outcome::exited: return "exited with code " + std::to_string(exit_code);
    case Outcome::signaled: return "crashed (" + signal_name(signal) + ")";
    case Outcome::timed_out: {
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g", time_limit);
      return std::string("timed out after ") + limit + " s";
    }
    case Outcome::failed_to_start: return "could not be started (" + start_error + ")";
  }
  return "unknown outcome";
}

ChildResult run_child(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file,
                      const std::filesystem::path& stderr_file, std::chrono::duration<double> time_limit) {
  if (interrupted.load()) throw Interrupted();
  ChildResult result;
  result.time_limit = time_limit.count();
  // Everything the child needs is prepared before fork: allocating after it is unsafe.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const std::string out_path = stdout_file.string(), err_path = stderr_file.string();

  // exec failure is reported through a close-on-exec pipe: a successful exec closes it
  // without writing, a failed one writes errno.
  int error_pipe[2];
  if (::pipe(error_pipe) != 0 || ::fcntl(error_pipe[1], F_SETFD, FD_CLOEXEC) != 0) {
    result.start_error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.start_error = std::string("fork: ") + std::strerror(errno);
    ::close(error_pipe[0]);
    ::close(error_pipe[1]);
    return result;
  }
  if (pid == 0) exec_child(args.data(), out_path.c_str(), err_path.c_str(), error_pipe[1]);

  ::setpgid(pid, pid);  // also in the parent, so the group exists before we may kill it
  running_group.store(pid);
  ::close(error_pipe[1]);
  int exec_errno = 0;
  const bool exec_failed = ::read(error_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  ::close(error_pipe[0]);

  // Polling keeps this portable (no pidfd, no SIGCHLD handler); 5 ms is far below any
  // time limit and costs nothing next to the child's work.
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(time_limit);
  int status = 0;
  bool reaped = true;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      reaped = false;
      result.start_error = std::string("waitpid: ") + std::strerror(errno);
      break;
    }
    if (Clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.outcome = ChildResult::Outcome::timed_out;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  running_group.store(0);
  if (interrupted.load()) throw Interrupted();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();

  if (exec_failed || !reaped) {
    result.outcome = ChildResult::Outcome::failed_to_start;
    if (exec_failed) result.start_error = std::strerror(exec_errno);
  } else if (result.outcome != ChildResult::Outcome::timed_out) {
    if (WIFEXITED(status)) {
      result.outcome = ChildResult::Outcome::exited;
      result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.outcome = ChildResult::Outcome::signaled;
      result.signal = WTERMSIG(status);
    }
  }
  return result;
}

void forward_interrupts_to_children() {
  std::signal(SIGINT, kill_group_and_flag);
  std::signal(SIGTERM, kill_group_and_flag);
}

}  // namespace accel::grader
