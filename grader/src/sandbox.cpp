#include "sandbox.hpp"

#include <memory>
#include <stdexcept>

#if defined(ACCEL_HAVE_SECCOMP)
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace accel::grader {

#if defined(ACCEL_HAVE_SECCOMP)

namespace {

// System calls nothing a stage or its frameworks needs, which could reach beyond the
// process: other processes, the kernel's other interfaces, the network. (Names a kernel
// architecture does not have are skipped.)
constexpr const char* kRefused[] = {
    // other processes and programs
    "fork", "vfork", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp",
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "tkill", "setsid", "setpgid", "move_pages", "migrate_pages",
    // scheduling and priorities (of this process or others), and the CPUs a process runs
    // on: its threads stay on the cores the grader gave it (stage 08 is graded on them)
    "setpriority", "sched_setscheduler", "sched_setparam", "sched_setattr", "ioprio_set", "sched_setaffinity",
    // the network, asynchronous I/O that no filter sees, the kernel's other interfaces
    "socket", "socketpair", "io_uring_setup", "io_uring_enter", "io_uring_register", "unshare", "setns", "mount",
    "umount2", "pivot_root", "chroot", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff",
    "acct", "mknod", "mknodat", "open_by_handle_at", "name_to_handle_at",
    // a file's times: the grader checks that its own programs are unchanged by them
    "utime", "utimes", "utimensat", "futimesat"};

// What changes files, refused unless the stage may use files.
constexpr const char* kFileChanges[] = {"creat",   "rename",  "renameat", "renameat2", "unlink",   "unlinkat",
                                        "mkdir",   "mkdirat", "rmdir",    "link",      "linkat",   "symlink",
                                        "symlinkat", "truncate", "chmod",  "fchmod",    "fchmodat", "chown",
                                        "fchown",  "fchownat", "lchown"};

// open(2) flags that write, create or truncate: any one of them refuses an open.
constexpr int kWritingFlags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND};

using Context = std::unique_ptr<void, decltype(&seccomp_release)>;

void add(const Context& context, const char* name, std::uint32_t action, std::initializer_list<scmp_arg_cmp> args = {}) {
  const int number = seccomp_syscall_resolve_name(name);
  if (number == __NR_SCMP_ERROR) return;  // not a system call on this architecture
  const std::vector<scmp_arg_cmp> conditions(args);
  if (seccomp_rule_add_array(context.get(), action, number, unsigned(conditions.size()), conditions.data()) != 0) {
    throw std::runtime_error(std::string("libseccomp refused a rule for ") + name);
  }
}

}  // namespace

bool sandbox_available() { return ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0; }

std::vector<std::byte> sandbox_program(const SandboxRules& rules, pid_t child, const char* exec_path) {
  const Context context(seccomp_init(SCMP_ACT_ALLOW), &seccomp_release);
  if (!context || seccomp_attr_set(context.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0) {
    throw std::runtime_error("libseccomp could not start a filter");
  }
  const std::uint32_t kill = SCMP_ACT_KILL_PROCESS;
  for (const char* name : kRefused) add(context, name, kill);
  // glibc tries clone3 first and falls back to clone, whose flags a filter can read
  // (clone3's are behind a pointer): threads only, where allowed.
  add(context, "clone3", SCMP_ACT_ERRNO(ENOSYS));
  if (rules.threads) {
    add(context, "clone", kill, {SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)});
  } else {
    add(context, "clone", kill);
  }
  add(context, "execve", kill, {SCMP_A0(SCMP_CMP_NE, scmp_datum_t(exec_path))});  // all but the grader's own
  for (const char* name : {"kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"}) {
    add(context, name, kill, {SCMP_A0_32(SCMP_CMP_NE, scmp_datum_t(child))});  // signals to itself only
  }
  add(context, "prlimit64", kill, {SCMP_A0_32(SCMP_CMP_NE, 0)});  // its own limits only
  if (!rules.write_files) {
    add(context, "openat2", SCMP_ACT_ERRNO(ENOSYS));  // flags behind a pointer; glibc's open() uses openat
    for (const int flag : kWritingFlags) {
      const auto bit = scmp_datum_t(flag);
      add(context, "open", kill, {SCMP_A1_32(SCMP_CMP_MASKED_EQ, bit, bit)});
      add(context, "openat", kill, {SCMP_A2_32(SCMP_CMP_MASKED_EQ, bit, bit)});
    }
    for (const char* name : kFileChanges) add(context, name, kill);
  }

  const int memory = ::memfd_create("accel-sandbox", MFD_CLOEXEC);
  if (memory < 0) throw std::runtime_error("memfd_create failed for the sandbox's filter");
  std::vector<std::byte> program;
  if (seccomp_export_bpf(context.get(), memory) == 0) {
    program.resize(std::size_t(::lseek(memory, 0, SEEK_END)));
    if (::pread(memory, program.data(), program.size(), 0) != ssize_t(program.size())) program.clear();
  }
  ::close(memory);
  if (program.empty()) throw std::runtime_error("libseccomp could not export the sandbox's filter");
  return program;
}

#else

bool sandbox_available() { return false; }

std::vector<std::byte> sandbox_program(const SandboxRules&, pid_t, const char*) {
  throw std::runtime_error("this grader was built without libseccomp: no sandbox");
}

#endif

std::string sandbox_violation_text() {
  return "was stopped by the grader's sandbox (SIGSYS): it made a system call its stage's rules forbid (a new process "
         "or thread, another program, a signal or the memory of another process, a socket, or a file opened to write)";
}

}  // namespace accel::grader
