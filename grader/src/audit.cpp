#include "audit.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <regex>
#include <sstream>

#include <cxxabi.h>

namespace accel::grader {
namespace {

struct CallRule {
  std::string_view category;
  bool permissible;  // a stage's rubric entry may allow it
  std::string_view explanation;
  std::string_view pattern;  // ECMAScript, matched against the whole demangled name
  std::string_view comes_with = {};  // a permissible category that also lets this rule off
};

// Patterns match demangled names from their start; ".*" ends the C++ ones so that the
// parameter list may follow.
constexpr std::array<CallRule, 10> kCallRules = {{
    {"blas", true, "BLAS does the work this stage is about",
     R"((cblas_|catlas_|openblas_|goto_|LAPACKE_|lapack_|bli_|mkl_|MKL_|vDSP_|BLAS[SG]etThreading).*|[sdcz][a-z0-9]{3,7}_)"},
    {"threads", true, "this stage is measured on one core",
     R"(pthread_create|thrd_create|__?clone3?|std::thread::_M_start_thread.*|std::jthread.*|GOMP_.*|omp_.*|__kmpc_.*|kmp_.*|tbb::.*|dispatch_(async|apply|sync).*)"},
    {"files", true, "stage code has no files to write, and a report is a file",
     R"((open|open64|openat|openat64|creat|creat64|fopen|fopen64|freopen|freopen64|fdopen|write|pwrite|pwrite64|writev|read|pread|pread64|readv|dup|dup2|dup3|close|pipe|pipe2|socket|connect|ioctl|fcntl|fcntl64|unlink|unlinkat|rename|renameat|remove|truncate|ftruncate|mkfifo|dprintf|vdprintf|sendfile|splice|tee)|std::basic_(i|o)?fstream.*|std::basic_filebuf.*|std::filesystem::.*|std::__basic_file.*)"},
    {"processes", false, "a stage computes; it does not start other programs",
     R"(fork|vfork|_Fork|execv|execve|execvp|execvpe|execl|execle|execlp|fexecve|posix_spawn.*|system|popen|daemon|setsid|setpgid)"},
    {"exit and signals", false, "the process's end and its signals belong to the test and benchmark framework",
     R"(exit|_exit|_Exit|quick_exit|atexit|at_quick_exit|on_exit|kill|killpg|raise|signal|sigaction|sigset|bsd_signal|sysv_signal|setitimer|alarm|ualarm|timer_create|ptrace|prctl|setrlimit|setrlimit64|sched_setaffinity|setpriority|nice)"},
    {"memory mapping", false, "memory comes from new, malloc or the standard containers, which the tests can count",
     R"(mmap|mmap64|munmap|mremap|mprotect|pkey_mprotect|brk|sbrk|shm_open|shmget|shmat|memfd_create)"},
    {"environment", false, "the environment configures the test and benchmark framework and the BLAS",
     R"(setenv|putenv|unsetenv|clearenv|environ|__environ|program_invocation_name|program_invocation_short_name|__libc_argv|__progname)"},
    {"dynamic loading", false, "a library loaded at run time escapes every rule checked here",
     R"(dlopen|dlmopen|dlsym|dlvsym|dladdr|dladdr1|dlinfo|__libc_dlopen_mode|__libc_dlsym)"},
    // C++20's waiting primitives (std::jthread's stop token, std::barrier, std::latch,
    // std::atomic::wait, the semaphores) call syscall(SYS_futex) from libstdc++'s inline
    // code, compiled into the stage's own functions: a stage that may use threads may make
    // raw system calls. What reaches the kernel is then the sandbox's to decide (sandbox.hpp).
    {"raw system calls", false, "a raw system call escapes every rule checked here", R"(syscall|__syscall)", "threads"},
    {"test framework and grader", false, "the tests, the benchmarks and the grader are the course's, not the stage's",
     R"((testing|benchmark|accel::check|accel::grade|accel::grader|accel::baselines)::.*|accel::heap_.*)"},
}};

// The rules' patterns, compiled once.
const std::vector<std::regex>& rule_patterns() {
  static const std::vector<std::regex> patterns = [] {
    std::vector<std::regex> compiled;
    for (const CallRule& rule : kCallRules) compiled.emplace_back(std::string(rule.pattern));
    return compiled;
  }();
  return patterns;
}

// Data a program could change by defining the same name (it would replace the C library's).
const std::regex kSystemData(
    "environ|__environ|stdin|stdout|stderr|program_invocation_name|program_invocation_short_name|optarg|optind|"
    "opterr|optopt|daylight|timezone|tzname|signgam|__progname");

bool mangled(std::string_view name) { return name.rfind("_Z", 0) == 0; }

// Weak and GNU-unique definitions: inline and template code, merged with the copies of
// every other object file.
bool is_weak(char type) { return std::string_view("WVwvu").find(type) != std::string_view::npos; }
bool is_data(char type) { return std::string_view("BDRCSGVbdrcsgv").find(type) != std::string_view::npos; }

// The definition rule: a stage defines its own functions (in accel::stageNN, or in the
// global or any other unreserved namespace) and may carry weak copies of inline and
// template code of the libraries it uses. A strong definition of a name in a reserved
// namespace, any C function, operator new or delete, or C library data, would replace the
// system's or the course's own.
std::string definition_problem(const Symbol& symbol, const std::string& readable, std::string_view stage_id) {
  const std::string own = "accel::stage" + std::string(stage_id) + "::";
  if (readable.rfind(own, 0) == 0) return {};
  if (!mangled(symbol.name)) {
    if (is_data(symbol.type) && !std::regex_match(readable, kSystemData)) return {};  // a global variable
    return "a C name: defining it replaces the C library's or another library's " + readable;
  }
  static const std::regex reserved("(std|__gnu_cxx|__cxxabiv1|testing|benchmark|accel|nlohmann|CLI)::.*");
  static const std::regex allocator("operator (new|delete)(\\[\\])?\\(.*");
  if (std::regex_match(readable, allocator)) {
    return "replacing the global allocator hides allocations from the tests' heap count";
  }
  if (std::regex_match(readable, reserved) && !is_weak(symbol.type)) {
    return "a name of a library or of the course: only " + own + " is the stage's own";
  }
  return {};
}

std::string strip_apple_underscore(std::string_view name) {
#if defined(__APPLE__)
  if (!name.empty() && name.front() == '_') name.remove_prefix(1);
#endif
  return std::string(name);
}

}  // namespace

std::string demangle(std::string_view symbol) {
  const std::string name = strip_apple_underscore(symbol);
  if (!mangled(name)) return name;
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> readable(
      abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), &std::free);
  return status == 0 && readable ? std::string(readable.get()) : name;
}

std::vector<Symbol> parse_nm(std::string_view nm_output) {
  std::vector<Symbol> symbols;
  std::istringstream lines{std::string(nm_output)};
  for (std::string line; std::getline(lines, line);) {
    // "name type [value size]"; archive members appear as "lib.a[member.o]:" lines.
    if (line.empty() || line.back() == ':') continue;
    std::istringstream fields(line);
    Symbol symbol;
    std::string type;
    if (fields >> symbol.name >> type && type.size() == 1) {
      symbol.type = type[0];
      symbols.push_back(std::move(symbol));
    }
  }
  return symbols;
}

std::vector<Violation> check_symbols(const std::vector<Symbol>& symbols, std::string_view stage_id,
                                     const std::vector<std::string>& may_call) {
  std::vector<Violation> violations;
  auto add = [&](Violation violation) {
    const bool seen = std::ranges::any_of(violations, [&](const Violation& v) {
      return v.symbol == violation.symbol && v.defined == violation.defined;
    });
    if (!seen) violations.push_back(std::move(violation));
  };
  for (const Symbol& symbol : symbols) {
    const std::string readable = demangle(symbol.name);
    if (symbol.type == 'U' || symbol.type == 'w' || symbol.type == 'v') {
      for (std::size_t r = 0; r < kCallRules.size(); ++r) {
        const CallRule& rule = kCallRules[r];
        if (rule.permissible && std::ranges::find(may_call, rule.category) != may_call.end()) continue;
        if (!rule.comes_with.empty() && std::ranges::find(may_call, rule.comes_with) != may_call.end()) continue;
        if (std::regex_match(readable, rule_patterns()[r])) {
          add({std::string(rule.category), readable, false, std::string(rule.explanation)});
        }
      }
    } else if (const std::string problem = definition_problem(symbol, readable, stage_id); !problem.empty()) {
      add({"definitions", readable, true, problem});
    }
  }
  return violations;
}

std::vector<Violation> kernel_entries(std::string_view disassembly) {
  // "0000000000000040 <accel::stage01::relu(...)>:" opens a function; "  4c:\tsyscall" is
  // an instruction (GNU objdump's layout, for x86-64 and aarch64 alike).
  static const std::regex function(R"(^[0-9a-f]+ <(.*)>:$)");
  static const std::regex entry(R"(^\s*[0-9a-f]+:\s+(syscall|sysenter|int\s+\$0x80|svc)\b.*)");
  std::vector<Violation> violations;
  std::string current = "(outside any function)";
  std::istringstream lines{std::string(disassembly)};
  std::smatch match;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_match(line, match, function)) {
      current = match[1].str();
    } else if (std::regex_match(line, match, entry) &&
               std::ranges::none_of(violations, [&](const Violation& v) { return v.symbol == current; })) {
      violations.push_back({"raw system calls", current, true,
                            "its machine code holds a " + match[1].str() +
                                " instruction, which enters the kernel around every rule checked here"});
    }
  }
  return violations;
}

std::vector<std::string> categories_used(const std::vector<Symbol>& symbols) {
  std::vector<std::string> used;
  for (const Symbol& symbol : symbols) {
    if (symbol.type != 'U') continue;
    const std::string readable = demangle(symbol.name);
    for (std::size_t r = 0; r < kCallRules.size(); ++r) {
      const CallRule& rule = kCallRules[r];
      if (rule.permissible && std::regex_match(readable, rule_patterns()[r]) &&
          std::ranges::find(used, rule.category) == used.end()) {
        used.emplace_back(rule.category);
      }
    }
  }
  return used;
}

bool is_permissible_category(std::string_view category) {
  return std::ranges::any_of(kCallRules, [&](const CallRule& rule) { return rule.permissible && rule.category == category; });
}

std::string permissible_categories() {
  std::string list;
  for (const CallRule& rule : kCallRules) {
    if (rule.permissible) list += (list.empty() ? "" : ", ") + std::string(rule.category);
  }
  return list;
}

std::string describe(const Violation& violation, std::string_view stage_id, std::string_view source) {
  if (violation.category == "raw system calls" && violation.defined) {
    return "stage " + std::string(stage_id) + "'s " + violation.symbol + " (rule \"raw system calls\", in " +
           std::string(source) + "): " + violation.explanation;
  }
  return "stage " + std::string(stage_id) + (violation.defined ? " defines " : " calls ") + violation.symbol +
         " (rule \"" + violation.category + "\", in " + std::string(source) + "): " + violation.explanation;
}

}  // namespace accel::grader
