#include "child_process.hpp"

#include <csignal>
#include <fstream>

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "text.hpp"

namespace {

using namespace accel::grader;
using accel::grader::testing::stopped_running;
using accel::grader::testing::TempDir;
using namespace std::chrono_literals;

ChildResult run_shell(const TempDir& dir, const std::string& script, std::chrono::duration<double> limit = 10s) {
  return run_child({"/bin/sh", "-c", script}, dir.path() / "out", dir.path() / "err", limit);
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
  const ChildResult result = run_child({(dir.path() / "no_such_program").string()}, dir.path() / "out",
                                       dir.path() / "err", 5s);
  EXPECT_EQ(result.outcome, ChildResult::Outcome::failed_to_start);
  EXPECT_EQ(result.describe(), "could not be started (No such file or directory)");
}

TEST(ChildProcess, ChildReadsEndOfFileOnStdin) {
  TempDir dir;
  const ChildResult result = run_shell(dir, "cat", 5s);  // would wait forever on a terminal
  EXPECT_EQ(result.outcome, ChildResult::Outcome::exited);
  EXPECT_EQ(result.exit_code, 0);
}

}  // namespace
