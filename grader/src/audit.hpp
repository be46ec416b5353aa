#pragma once
// What a stage's compiled code may call and define, checked on the symbols of its library
// (nm) before anything of it runs. Rules hold for the code that was built, so it does not
// matter how a call is spelt in the source: extern "C" declarations, macros, templates.
//
// Every stage may use the C and C++ standard libraries for computing, printing, timing and
// allocating, and the toolkit. Three things a stage may be let off in the rubric
// ("may_call"), because a lesson is about them:
//   blas     BLAS, LAPACK and vendor math libraries (cblas_sgemm, openblas_*, sgemm_, ...)
//   threads  creating threads or parallel regions (pthread_create, std::thread, OpenMP, TBB),
//            and with them raw system calls: libstdc++'s std::jthread, std::barrier and
//            std::atomic::wait call syscall(SYS_futex) from code inlined into the stage's
//            own functions, so the symbol cannot tell a student's call from the library's
//   files    opening files and writing to descriptors (fopen, std::ofstream, write, ...)
// and what no stage may do, because it could change what the grader measures or reads:
// start processes, exit or install signal handlers, map memory, change the environment,
// load libraries at run time, make raw system calls, touch the test framework, the
// benchmark library or the grader, or define a name that is not its own (a C function
// such as clock_gettime or malloc, operator new, anything in std::, testing::, benchmark::
// or accel:: outside its own accel::stageNN).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace accel::grader {

// One line of `nm -g -P`: the (mangled) name and nm's type letter (U undefined, T text,
// W weak, D/B/R data, ...).
struct Symbol {
  std::string name;
  char type = 'U';
};

struct Violation {
  std::string category;  // "blas", "processes", "definitions", ...
  std::string symbol;    // demangled
  bool defined = false;  // defines it, rather than calls it
  std::string explanation;  // one sentence: why the rule exists
};

// "cblas_sgemm" for "cblas_sgemm", the readable C++ name for a mangled one. On Apple
// platforms C names carry a leading underscore, which is removed.
std::string demangle(std::string_view symbol);

std::vector<Symbol> parse_nm(std::string_view nm_output);

// The rules, for a stage that may call the categories in may_call.
std::vector<Violation> check_symbols(const std::vector<Symbol>& symbols, std::string_view stage_id,
                                     const std::vector<std::string>& may_call);

// The machine-code rule, on the stage library's disassembly (objdump -d -C
// --no-show-raw-insn): no instruction that enters the kernel (syscall, sysenter, int $0x80
// on x86-64; svc on aarch64). A stage reaches the system only through the library calls
// its rules allow; an instruction of its own, in inline assembly, defines no symbol and
// would go around every rule above. One violation per function that holds one.
std::vector<Violation> kernel_entries(std::string_view disassembly);

// The permissible categories a stage's code uses (for maintainers: stage 03 must use blas).
std::vector<std::string> categories_used(const std::vector<Symbol>& symbols);

bool is_permissible_category(std::string_view category);
std::string permissible_categories();  // "blas, threads, files"

// "stage 01 calls cblas_sgemm (rule "blas", in stages/01_naive_loops/naive_loops.cpp):
// BLAS does the work this stage is about", for the grader's report.
std::string describe(const Violation& violation, std::string_view stage_id, std::string_view source);

}  // namespace accel::grader
