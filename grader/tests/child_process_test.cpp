#include "child_process.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "text.hpp"

namespace {

using namespace accel::grader;
using accel::grader::testing::stopped_running;
using accel::grader::testing::TempDir;
using namespace std::chrono_literals;

ChildCommand shell(const TempDir& dir, const std::string& script, std::chrono::duration<double> limit = 10s) {
  ChildCommand command;
  command.argv = {"/bin/sh", "-c", script};
  command.stdout_file = dir.path() / "out";
  command.stderr_file = dir.path() / "err";
  command.time_limit = limit;
  return command;
}

ChildResult run_shell(const TempDir& dir, const std::string& script, std::chrono::duration<double> limit = 10s) {
  return run_child(shell(dir, script, limit));
}

TEST(ChildProcess, ReportsExitCodeAndCapturesOutput) {
  TempDir dir;
  const ChildResult result = run_shell(dir, "echo to-stdout; echo to-stderr >&2; exit 3");
  EXPECT_EQ(result.outcome, ChildResult::Outcome::exited);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.describe(), "exited with code 3");
  EXPECT_EQ(read_text_file(dir.path() / "out"), "to-stdout\n");
  EXPECT_EQ(read_text_file(dir.path() / "err"), "to-stderr\n");
}

TEST(ChildProcess, ReportsTheSignalByName) {
  TempDir dir;
  const ChildResult result = run_shell(dir, "kill -SEGV $$");
  EXPECT_EQ(result.outcome, ChildResult::Outcome::signaled);
  EXPECT_EQ(result.signal, SIGSEGV);
  EXPECT_EQ(result.describe(), "crashed (SIGSEGV)");
  EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
  EXPECT_EQ(signal_name(63), "signal 63");
}

TEST(ChildProcess, TimeoutKillsTheWholeProcessGroup) {
  TempDir dir;
  const auto pid_file = dir.path() / "pid";
  // The shell starts a grandchild and waits for it: killing only the shell would leave
  // the sleep running.
  const ChildResult result = run_shell(dir, "sleep 30 & echo $! > " + pid_file.string() + "; wait", 0.5s);
  EXPECT_EQ(result.outcome, ChildResult::Outcome::timed_out);
  EXPECT_EQ(result.describe(), "timed out after 0.5 s");
  EXPECT_GE(result.seconds, 0.5);
  EXPECT_LT(result.seconds, 5.0);

  pid_t grandchild = 0;
  ASSERT_TRUE(std::ifstream(pid_file) >> grandchild);
  // Gone, or a zombie waiting for init to reap it: either way no longer running.
  EXPECT_TRUE(stopped_running(grandchild)) << "pid " << grandchild << " is still running";
}

TEST(ChildProcess, MissingProgramIsReportedAsNotStarted) {
  TempDir dir;
  ChildCommand command = shell(dir, "");
  command.argv = {(dir.path() / "no_such_program").string()};
  const ChildResult result = run_child(command);
  EXPECT_EQ(result.outcome, ChildResult::Outcome::failed_to_start);
  EXPECT_EQ(result.describe(), "could not be started (No such file or directory)");
}

TEST(ChildProcess, ChildReadsEndOfFileOnStdin) {
  TempDir dir;
  const ChildResult result = run_shell(dir, "cat", 5s);  // would wait forever on a terminal
  EXPECT_EQ(result.outcome, ChildResult::Outcome::exited);
  EXPECT_EQ(result.exit_code, 0);
}

// What a child writes to a capture pipe arrives whole, however large, and what it
// writes after GoogleTest or Google Benchmark would have is there for the reader to see.
TEST(ChildProcess, CapturesWhatTheChildWritesToItsPipes) {
  TempDir dir;
  ChildCommand command = shell(dir, "echo report >&3; head -c 300000 /dev/zero >&4; echo more >&3");
  command.capture_fds = {3, 4};
  const ChildResult result = run_child(command);
  ASSERT_EQ(result.exit_code, 0) << result.describe() << read_text_file(dir.path() / "err");
  EXPECT_EQ(result.captured.at(3), "report\nmore\n");
  EXPECT_EQ(result.captured.at(4).size(), 300000u);
}

TEST(ChildProcess, AChildThatFloodsItsPipeIsStopped) {
  TempDir dir;
  ChildCommand command = shell(dir, "cat /dev/zero >&3");
  command.capture_fds = {3};
  command.capture_limit = 1 << 20;
  const ChildResult result = run_child(command);
  EXPECT_TRUE(result.capture_overflow);
  EXPECT_NE(result.describe().find("wrote more to the grader's pipes"), std::string::npos) << result.describe();
}

// Nothing the grader's own environment says about GoogleTest, Google Benchmark, the BLAS
// or the allocator reaches a child; what the command sets does.
TEST(ChildProcess, ChildGetsACleanEnvironment) {
  TempDir dir;
  ::setenv("GTEST_FILTER", "Nothing.*", 1);
  ::setenv("OPENBLAS_NUM_THREADS", "8", 1);
  ::setenv("LD_PRELOAD", "/tmp/evil.so", 1);
  ChildCommand command = shell(dir, "env");
  command.environment = {{"ACCEL_SEED", "42"}};
  const ChildResult result = run_child(command);
  ::unsetenv("GTEST_FILTER");
  ::unsetenv("OPENBLAS_NUM_THREADS");
  ::unsetenv("LD_PRELOAD");
  ASSERT_EQ(result.exit_code, 0);
  const std::string env = read_text_file(dir.path() / "out");
  EXPECT_EQ(env.find("GTEST_FILTER"), std::string::npos) << env;
  EXPECT_EQ(env.find("OPENBLAS_NUM_THREADS"), std::string::npos) << env;
  EXPECT_EQ(env.find("LD_PRELOAD"), std::string::npos) << env;
  EXPECT_NE(env.find("ACCEL_SEED=42"), std::string::npos) << env;
  EXPECT_NE(env.find("PATH="), std::string::npos) << "the rest of the environment is kept";
}

// The machine's OpenBLAS core type and L2 size (set where Debian's OpenBLAS picks a wrong or
// crashing kernel) reach the child; its thread settings do not.
TEST(ChildProcess, ChildKeepsTheMachinesOpenBlasKernelChoice) {
  TempDir dir;
  const char* variables[] = {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"};
  std::vector<std::optional<std::string>> saved;
  for (const char* name : variables) saved.push_back(std::getenv(name) ? std::optional<std::string>(std::getenv(name)) : std::nullopt);
  ::setenv("OPENBLAS_CORETYPE", "Haswell", 1);
  ::setenv("OPENBLAS_L2_SIZE", "512", 1);
  ::setenv("OPENBLAS_NUM_THREADS", "8", 1);
  const ChildResult result = run_child(shell(dir, "env"));
  for (std::size_t i = 0; i < saved.size(); ++i) {
    if (saved[i]) ::setenv(variables[i], saved[i]->c_str(), 1);
    else ::unsetenv(variables[i]);
  }
  ASSERT_EQ(result.exit_code, 0);
  const std::string env = read_text_file(dir.path() / "out");
  EXPECT_NE(env.find("OPENBLAS_CORETYPE=Haswell\n"), std::string::npos) << env;
  EXPECT_NE(env.find("OPENBLAS_L2_SIZE=512\n"), std::string::npos) << env;
  EXPECT_EQ(env.find("OPENBLAS_NUM_THREADS"), std::string::npos) << env;
}

// CPU time comes from the kernel and counts the child's own children once they end: a
// fixed amount of work in a grandchild (some 0.2 s of shell arithmetic) shows up, however
// busy the machine is, and never as more than its cores could give.
TEST(ChildProcess, ReportsCpuTimeOfTheChildAndItsChildren) {
  TempDir dir;
  const ChildResult result = run_shell(dir, "sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done'");
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_GT(result.cpu_seconds, 0.05);
  EXPECT_LE(result.cpu_seconds, result.seconds * 2 + 0.1);
}

}  // namespace
