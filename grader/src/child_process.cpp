#include "child_process.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#endif

extern char** environ;

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

// Variables that change how GoogleTest, Google Benchmark, the course's tests, the BLAS,
// OpenMP or the dynamic linker and allocator behave: a child gets none of the grader's.
constexpr std::array<std::string_view, 16> kRemovedPrefixes = {
    "GTEST_",  "BENCHMARK_", "ACCEL_",     "OPENBLAS_",   "GOTO_",     "OMP_",
    "GOMP_",   "KMP_",       "MKL_",       "VECLIB_",     "LD_PRELOAD", "LD_AUDIT",
    "DYLD_",   "MALLOC_",    "GLIBC_TUNABLES", "ASAN_OPTIONS"};

// ...except the machine's own OpenBLAS settings, which an administrator sets where Debian's
// OpenBLAS picks a kernel that computes wrong results or crashes on this CPU. They choose
// the code OpenBLAS runs, not how many threads: every program on the machine runs with them.
constexpr std::array<std::string_view, 2> kKeptVariables = {"OPENBLAS_CORETYPE=", "OPENBLAS_L2_SIZE="};

std::vector<std::string> child_environment(const ChildCommand& command) {
  std::vector<std::string> variables;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    auto starts_with = [&](std::string_view prefix) { return variable.substr(0, prefix.size()) == prefix; };
    const bool removed = std::ranges::any_of(kRemovedPrefixes, starts_with) && !std::ranges::any_of(kKeptVariables, starts_with);
    if (!removed) variables.emplace_back(variable);
  }
  for (const auto& [name, value] : command.environment) variables.push_back(name + "=" + value);
  return variables;
}

// A copy of fd numbered 100 or higher, close-on-exec: out of the way of the numbers the
// child's captures must get, and never inherited by the program itself.
int high_fd(int fd) {
  const int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 100);
  ::close(fd);
  return high;
}

struct Capture {
  int target = -1;     // the fd number in the child
  int read_end = -1;   // in the grader
  int write_end = -1;  // in the child, before dup2
  std::string data;
  bool open = true;
};

// Reads the sandbox's filter from `fd` (written by the grader after fork) and installs it:
// the last step before exec, so the program runs filtered from its first instruction. An
// empty or partial filter installs nothing and fails: the child never runs unfiltered.
bool install_sandbox(int fd, int write_end) {
  ::close(write_end);  // this copy of the pipe's write end would keep the read below from its end
#if defined(__linux__)
  alignas(sock_filter) char program[1 << 16];
  std::size_t size = 0;
  for (ssize_t got; (got = ::read(fd, program + size, sizeof program - size)) > 0;) size += std::size_t(got);
  if (size == 0 || size % sizeof(sock_filter) != 0) {
    errno = EPERM;
    return false;
  }
  sock_fprog filter{static_cast<unsigned short>(size / sizeof(sock_filter)), reinterpret_cast<sock_filter*>(program)};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) == 0;
#else
  (void)fd;
  return true;
#endif
}

// Only async-signal-safe calls between fork and exec: open, read, dup2, prctl, execve,
// write, _exit. `filter_pipe` is where the sandbox's filter arrives, or {-1, -1}.
[[noreturn]] void exec_child(char* const* argv, char* const* envp, const char* out_path, const char* err_path,
                             const Capture* captures, std::size_t capture_count, int error_pipe,
                             const int filter_pipe[2]) {
  ::setpgid(0, 0);
  const int out = ::open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int in = ::open("/dev/null", O_RDONLY);  // a test waiting on stdin must not hang on ours
  bool ready = out >= 0 && err >= 0 && in >= 0 && ::dup2(out, 1) >= 0 && ::dup2(err, 2) >= 0 && ::dup2(in, 0) >= 0;
  for (std::size_t i = 0; ready && i < capture_count; ++i) {
    ready = ::dup2(captures[i].write_end, captures[i].target) >= 0;  // dup2 clears close-on-exec
  }
  if (ready && filter_pipe[0] >= 0) ready = install_sandbox(filter_pipe[0], filter_pipe[1]);
  if (ready) ::execve(argv[0], argv, envp);
  const int error = errno;
  [[maybe_unused]] const auto written = ::write(error_pipe, &error, sizeof error);
  ::_exit(127);
}

// Reads what is there now; returns false at end of file.
bool drain(Capture& capture, std::size_t limit, bool& overflow) {
  char buffer[1 << 16];
  while (true) {
    const ssize_t got = ::read(capture.read_end, buffer, sizeof buffer);
    if (got > 0) {
      if (capture.data.size() + std::size_t(got) > limit) {
        overflow = true;
        return false;
      }
      capture.data.append(buffer, std::size_t(got));
      continue;
    }
    if (got == 0) return false;
    return errno == EAGAIN || errno == EINTR;
  }
}

double seconds_of(const timeval& time) { return double(time.tv_sec) + double(time.tv_usec) * 1e-6; }

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

bool ChildResult::stopped_by_sandbox() const { return sandboxed && outcome == Outcome::signaled && signal == SIGSYS; }

std::string ChildResult::describe() const {
  if (capture_overflow) return "was stopped: it wrote more to the grader's pipes than any report needs";
  if (stopped_by_sandbox()) return sandbox_violation_text();
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

ChildResult run_child(const ChildCommand& command) {
  if (interrupted.load()) throw Interrupted();
  ChildResult result;
  result.time_limit = command.time_limit.count();
  // Everything the child needs is prepared before fork: allocating after it is unsafe.
  std::vector<char*> args;
  for (const std::string& arg : command.argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment = child_environment(command);
  std::vector<char*> envp;
  for (std::string& variable : environment) envp.push_back(variable.data());
  envp.push_back(nullptr);
  const std::string out_path = command.stdout_file.string(), err_path = command.stderr_file.string();

  std::vector<Capture> captures;
  auto close_all = [&] {
    for (Capture& capture : captures) {
      if (capture.read_end >= 0) ::close(capture.read_end);
      if (capture.write_end >= 0) ::close(capture.write_end);
      capture.read_end = capture.write_end = -1;
    }
  };
  for (const int target : command.capture_fds) {
    int ends[2];
    if (::pipe(ends) != 0) {
      result.start_error = std::string("pipe: ") + std::strerror(errno);
      close_all();
      return result;
    }
    captures.push_back({target, high_fd(ends[0]), high_fd(ends[1]), {}, true});
    ::fcntl(captures.back().read_end, F_SETFL, O_NONBLOCK);
  }
  // exec failure is reported through a close-on-exec pipe: a successful exec closes it
  // without writing, a failed one writes errno.
  int error_pipe[2];
  if (::pipe(error_pipe) != 0) {
    result.start_error = std::string("pipe: ") + std::strerror(errno);
    close_all();
    return result;
  }
  error_pipe[0] = high_fd(error_pipe[0]);
  error_pipe[1] = high_fd(error_pipe[1]);
  // The sandbox's filter needs the child's pid, so the grader writes it after fork.
  int filter_pipe[2] = {-1, -1};
  result.sandboxed = command.sandbox.has_value() && sandbox_available();
  if (result.sandboxed) {
    if (::pipe(filter_pipe) != 0) {
      result.start_error = std::string("pipe: ") + std::strerror(errno);
      ::close(error_pipe[0]);
      ::close(error_pipe[1]);
      close_all();
      return result;
    }
    filter_pipe[0] = high_fd(filter_pipe[0]);
    filter_pipe[1] = high_fd(filter_pipe[1]);
  }

  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.start_error = std::string("fork: ") + std::strerror(errno);
    ::close(error_pipe[0]);
    ::close(error_pipe[1]);
    for (const int fd : filter_pipe) {
      if (fd >= 0) ::close(fd);
    }
    close_all();
    return result;
  }
  if (pid == 0) {
    exec_child(args.data(), envp.data(), out_path.c_str(), err_path.c_str(), captures.data(), captures.size(),
               error_pipe[1], filter_pipe);
  }

  ::setpgid(pid, pid);  // also in the parent, so the group exists before we may kill it
  running_group.store(pid);
  ::close(error_pipe[1]);
  std::string sandbox_error;
  if (filter_pipe[1] >= 0) {
    try {
      const std::vector<std::byte> program = sandbox_program(*command.sandbox, pid, args[0]);
      for (std::size_t sent = 0; sent < program.size();) {
        const ssize_t n = ::write(filter_pipe[1], program.data() + sent, program.size() - sent);
        if (n <= 0) break;
        sent += std::size_t(n);
      }
    } catch (const std::exception& error) {
      sandbox_error = error.what();  // the child reads an empty filter and does not run
    }
    ::close(filter_pipe[0]);
    ::close(filter_pipe[1]);
  }
  for (Capture& capture : captures) {
    ::close(capture.write_end);
    capture.write_end = -1;
  }
  int exec_errno = 0;
  const bool exec_failed = ::read(error_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  ::close(error_pipe[0]);

  // Wait for the child while reading its captures as they arrive (a full pipe would
  // block it). poll's timeout also paces the exit check: 5 ms is far below any limit.
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(command.time_limit);
  int status = 0;
  rusage usage{};
  bool reaped = true, exited = false;
  std::vector<pollfd> watched;
  while (!exited) {
    watched.clear();
    for (Capture& capture : captures) {
      if (capture.open) watched.push_back({capture.read_end, POLLIN, 0});
    }
    if (!watched.empty()) ::poll(watched.data(), watched.size(), 5);
    for (Capture& capture : captures) {
      if (capture.open) capture.open = drain(capture, command.capture_limit, result.capture_overflow);
    }
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) {
      exited = true;
    } else if (done < 0 && errno != EINTR) {
      reaped = false;
      result.start_error = std::string("waitpid: ") + std::strerror(errno);
      break;
    } else if (Clock::now() >= deadline || result.capture_overflow) {
      ::kill(-pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      if (!result.capture_overflow) result.outcome = ChildResult::Outcome::timed_out;
      exited = true;
    } else if (watched.empty()) {
      ::usleep(5000);
    }
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  // Anything the child left running goes now; then the pipes reach end of file. A process
  // that escaped the group could hold them open: the grader waits two seconds at most.
  ::kill(-pid, SIGKILL);
  running_group.store(0);
  const auto drain_deadline = Clock::now() + std::chrono::seconds(2);
  for (Capture& capture : captures) {
    while (capture.open && Clock::now() < drain_deadline) {
      pollfd watch{capture.read_end, POLLIN, 0};
      ::poll(&watch, 1, 100);
      capture.open = drain(capture, command.capture_limit, result.capture_overflow);
    }
    result.captured[capture.target] = std::move(capture.data);
  }
  close_all();
  if (interrupted.load()) throw Interrupted();

  if (exec_failed || !reaped) {
    result.outcome = ChildResult::Outcome::failed_to_start;
    if (exec_failed) result.start_error = std::strerror(exec_errno);
    if (!sandbox_error.empty()) result.start_error = "the sandbox could not be installed: " + sandbox_error;
  } else if (result.outcome != ChildResult::Outcome::timed_out && !result.capture_overflow) {
    if (WIFEXITED(status)) {
      result.outcome = ChildResult::Outcome::exited;
      result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.outcome = ChildResult::Outcome::signaled;
      result.signal = WTERMSIG(status);
    }
  } else if (result.capture_overflow) {
    result.outcome = ChildResult::Outcome::signaled;  // killed by the grader: describe() says why
    result.signal = SIGKILL;
  }
  return result;
}

void forward_interrupts_to_children() {
  std::signal(SIGINT, kill_group_and_flag);
  std::signal(SIGTERM, kill_group_and_flag);
}

}  // namespace accel::grader
