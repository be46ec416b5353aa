#pragma once
// The sandbox student code runs in: a seccomp filter that the grader installs in its child
// between fork and exec, so that the kernel enforces it from the first instruction of the
// test or bench program, static initializers included. It refuses what could change what
// the grader measures or reads, whichever way the code asks (a library call, inline
// assembly, a library loaded at run time):
//   - a new process, or a task sharing the process's memory that is not one of its threads
//     (fork, vfork, clone without CLONE_THREAD): threads are then the only tasks a process
//     can make, and the kernel's CPU time of the process counts every one of them;
//   - a thread, unless the stage may use threads (or BLAS, whose libraries keep a pool);
//   - a second program (execve after the one the grader starts), another process's memory
//     or signals (ptrace, process_vm_*, kill and tgkill of another pid, pidfds), leaving
//     the process group (setsid, setpgid);
//   - sockets, io_uring (whose operations no filter sees), namespaces, mounts, BPF,
//     performance counters, kernel modules and keys, scheduling and priorities, and
//     changing the CPUs the process may run on (its affinity: the grader's children run on
//     the cores the grader has, and stage 08 is graded on exactly those);
//   - opening a file for writing, creating, renaming or removing one, changing its mode,
//     owner or times, unless the stage may use files (stage 06 writes an SVG); a file's times
//     never, so the grader's check that its own programs are unchanged holds.
// What it refuses kills the process with SIGSYS, which the grader reports as a broken rule.
// Reading files is allowed (the frameworks read /proc and /sys): a filter cannot tell one
// path from another. On systems without seccomp (macOS) nothing is enforced here, and the
// grader says so.

#include <cstddef>
#include <string>
#include <sys/types.h>
#include <vector>

namespace accel::grader {

struct SandboxRules {
  bool threads = false;      // clone(CLONE_THREAD) allowed
  bool write_files = false;  // files may be opened for writing, created, renamed, removed
};

// Whether this grader can install the filter (Linux, built with libseccomp).
bool sandbox_available();

// The filter for one child, as the raw BPF program the seccomp(2) system call takes:
// `child` is its pid (the only one it may signal), `exec_path` the pointer its execve
// passes as the path (the only execve it may make). Throws std::runtime_error when
// libseccomp fails.
std::vector<std::byte> sandbox_program(const SandboxRules& rules, pid_t child, const char* exec_path);

// What a death by SIGSYS means under the sandbox, for the report.
std::string sandbox_violation_text();

}  // namespace accel::grader
