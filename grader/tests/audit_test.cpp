#include "audit.hpp"

#include <gtest/gtest.h>

namespace {

using namespace accel::grader;

// `nm -g -P` of an archive, as GNU nm prints it.
constexpr const char* kListing =
    "libstage01.a[naive_loops.cpp.o]:\n"
    "_ZN5accel7stage0110matmul_ijkEPKfS2_Pfmmm T 0 1f5\n"
    "_ZNSt6vectorIfSaIfEE17_M_default_appendEm W 0 120\n"
    "DW.ref.__gxx_personality_v0 V 0 8\n"
    "_Znwm U\n"
    "memcpy U\n";

std::vector<std::string> categories(const std::vector<Violation>& violations) {
  std::vector<std::string> names;
  for (const Violation& v : violations) names.push_back(v.category + (v.defined ? " (defines) " : " ") + v.symbol);
  return names;
}

TEST(Audit, ReadsNmOutput) {
  const auto symbols = parse_nm(kListing);
  ASSERT_EQ(symbols.size(), 5u);  // the archive member's header is not a symbol
  EXPECT_EQ(symbols[0].name, "_ZN5accel7stage0110matmul_ijkEPKfS2_Pfmmm");
  EXPECT_EQ(symbols[0].type, 'T');
  EXPECT_EQ(symbols[3].type, 'U');
  EXPECT_EQ(demangle(symbols[0].name),
            "accel::stage01::matmul_ijk(float const*, float const*, float*, unsigned long, unsigned long, unsigned long)");
  EXPECT_EQ(demangle("memcpy"), "memcpy");
}

TEST(Audit, OrdinaryStageCodeKeepsEveryRule) {
  EXPECT_TRUE(check_symbols(parse_nm(kListing), "01", {}).empty());
  // Global variables, helpers outside any namespace, GNU-unique statics of inline code,
  // clocks and printing are all a stage's to use.
  const std::vector<Symbol> ordinary = {{"counter", 'B'},
                                        {"_Z6helperPf", 'T'},
                                        {"_ZZNSt8__detail18__to_chars_10_implImEEvPcjT_E8__digits", 'u'},
                                        {"_ZNSt6chrono3_V212steady_clock3nowEv", 'U'},
                                        {"printf", 'U'},
                                        {"sysconf", 'U'}};
  EXPECT_EQ(categories(check_symbols(ordinary, "01", {})), std::vector<std::string>{});
}

TEST(Audit, CallsAStageMayNotMakeAreNamed) {
  const std::vector<Symbol> symbols = {
      {"cblas_sgemm", 'U'},
      {"sgemm_", 'U'},
      {"_ZNSt6thread15_M_start_threadESt10unique_ptrINS_6_StateESt14default_deleteIS1_EEPFvvE", 'U'},
      {"GOMP_parallel", 'U'},
      {"fopen", 'U'},
      {"fork", 'U'},
      {"atexit", 'U'},
      {"mmap", 'U'},
      {"setenv", 'U'},
      {"dlsym", 'U'},
      {"syscall", 'U'},
      {"_ZN7testing18FLAGS_gtest_filterB5cxx11E", 'U'},
      {"_ZN5accel9baselines10matmul_ijkEPKfS2_Pfmmm", 'U'},
  };
  EXPECT_EQ(categories(check_symbols(symbols, "01", {})),
            (std::vector<std::string>{
                "blas cblas_sgemm", "blas sgemm_",
                "threads std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, "
                "std::default_delete<std::thread::_State> >, void (*)())",
                "threads GOMP_parallel", "files fopen", "processes fork", "exit and signals atexit",
                "memory mapping mmap", "environment setenv", "dynamic loading dlsym", "raw system calls syscall",
                "test framework and grader testing::FLAGS_gtest_filter[abi:cxx11]",
                "test framework and grader accel::baselines::matmul_ijk(float const*, float const*, float*, unsigned "
                "long, unsigned long, unsigned long)"}));
}

TEST(Audit, ARubricMayLetAStageOffBlasThreadsOrFiles) {
  const std::vector<Symbol> symbols = {{"cblas_sgemm", 'U'}, {"fopen", 'U'}, {"fork", 'U'}};
  EXPECT_EQ(categories(check_symbols(symbols, "03", {"blas", "files"})), std::vector<std::string>{"processes fork"});
  EXPECT_EQ(categories_used(symbols), (std::vector<std::string>{"blas", "files"}));
  EXPECT_TRUE(is_permissible_category("threads"));
  EXPECT_FALSE(is_permissible_category("processes"));
  EXPECT_EQ(permissible_categories(), "blas, threads, files");
}

// std::jthread, std::barrier and std::atomic::wait inline syscall(SYS_futex) into the stage's
// own code: a stage that may use threads may make raw system calls (the sandbox decides
// which reach the kernel); every other stage may not.
TEST(Audit, RawSystemCallsComeWithThreads) {
  const std::vector<Symbol> symbols = {{"pthread_create", 'U'}, {"syscall", 'U'}};
  EXPECT_TRUE(check_symbols(symbols, "08", {"threads"}).empty());
  EXPECT_EQ(categories(check_symbols(symbols, "05", {})),
            (std::vector<std::string>{"threads pthread_create", "raw system calls syscall"}));
  EXPECT_EQ(categories(check_symbols(symbols, "03", {"blas"})),
            (std::vector<std::string>{"threads pthread_create", "raw system calls syscall"}));
}

// Defining a name replaces it for the whole program: the clock a benchmark reads, the
// allocator the heap count sees, a test framework function.
TEST(Audit, DefiningANameThatIsNotTheStagesOwnIsNamed) {
  const std::vector<Symbol> symbols = {
      {"clock_gettime", 'T'},
      {"_Znwm", 'T'},
      {"_ZdlPv", 'W'},
      {"_ZNSt6chrono3_V212steady_clock3nowEv", 'T'},
      {"_ZN5accel9baselines10matmul_ijkEPKfS2_Pfmmm", 'T'},
      {"environ", 'D'},
      {"_ZN5accel7stage0210matmul_ijkEPKfS2_Pfmmm", 'T'},  // stage 02's name, defined by stage 01
  };
  const auto violations = check_symbols(symbols, "01", {});
  ASSERT_EQ(violations.size(), symbols.size());
  for (const Violation& violation : violations) {
    EXPECT_TRUE(violation.defined) << violation.symbol;
    EXPECT_EQ(violation.category, "definitions");
  }
  EXPECT_NE(violations[1].explanation.find("heap count"), std::string::npos) << violations[1].explanation;
  EXPECT_EQ(describe(violations[0], "01", "stages/01_naive_loops/naive_loops.cpp"),
            "stage 01 defines clock_gettime (rule \"definitions\", in stages/01_naive_loops/naive_loops.cpp): " +
                violations[0].explanation);
}

TEST(Audit, DescribeNamesStageSymbolRuleFileAndReason) {
  const Violation blas{"blas", "cblas_sgemm", false, "BLAS does the work this stage is about"};
  EXPECT_EQ(describe(blas, "01", "stages/01_naive_loops/naive_loops.cpp"),
            "stage 01 calls cblas_sgemm (rule \"blas\", in stages/01_naive_loops/naive_loops.cpp): BLAS does the work "
            "this stage is about");
}

}  // namespace

namespace {

// objdump -d -C --no-show-raw-insn of an archive, as GNU objdump prints it.
constexpr const char* kDisassembly =
    "In archive libstage01.a:\n\n"
    "naive_loops.cpp.o:     file format elf64-x86-64\n\n\n"
    "Disassembly of section .text:\n\n"
    "0000000000000000 <accel::stage01::relu(std::span<float, 18446744073709551615ul>)>:\n"
    "   0:\ttest   %rsi,%rsi\n"
    "   3:\tje     20 <accel::stage01::relu(std::span<float, 18446744073709551615ul>)+0x20>\n"
    "0000000000000040 <accel::stage01::matmul_ikj(float const*, float const*, float*, unsigned long, unsigned long, unsigned long)>:\n"
    "  40:\tmov    $0x38,%eax\n"
    "  45:\tsyscall\n"
    "  47:\tsyscall\n"
    "0000000000000050 <helper()>:\n"
    "  50:\tint    $0x80\n"
    "  52:\tcall   0 <syscall_counter>\n";

// An instruction that enters the kernel is found in the function that holds it, once per
// function, whatever else the code calls a syscall.
TEST(Audit, MachineCodeThatEntersTheKernelIsFound) {
  const auto found = kernel_entries(kDisassembly);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].category, "raw system calls");
  EXPECT_EQ(found[0].symbol,
            "accel::stage01::matmul_ikj(float const*, float const*, float*, unsigned long, unsigned long, unsigned long)");
  EXPECT_NE(found[0].explanation.find("syscall instruction"), std::string::npos);
  EXPECT_EQ(found[1].symbol, "helper()");
  EXPECT_NE(describe(found[0], "01", "stages/01_naive_loops/naive_loops.cpp").find("stage 01's accel::stage01::matmul_ikj"),
            std::string::npos);
  EXPECT_TRUE(kernel_entries("0000000000000000 <f()>:\n   0:\tsvc\t#0x0\n").size() == 1);  // aarch64
  EXPECT_TRUE(kernel_entries("0000000000000000 <f()>:\n   0:\tret\n").empty());
}

}  // namespace
