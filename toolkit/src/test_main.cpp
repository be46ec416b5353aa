// main() of every stage's test program. GoogleTest as usual, with one change: a test
// that fails only because a function is still a TODO stub prints nothing of its own.
// Instead each unfinished function is named once, and the summary lists the TODO
// functions apart from the real failures, with the next thing to do. A stage of stubs
// reads as five lines, not a thousand; a real failure still prints in full.

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using ::testing::TestEventListener;
using ::testing::TestInfo;
using ::testing::TestPartResult;
using ::testing::UnitTest;

constexpr std::string_view kTodoMarker = " is not implemented yet";

bool is_todo(const TestPartResult& part) {
  return part.failed() && std::string_view(part.message()).find(kTodoMarker) != std::string_view::npos;
}

// "stage 01: matmul_ijk is not implemented yet (TODO in ...; the task is described in ...)"
// from gtest's "C++ exception with description "…" thrown in the test body."
std::string todo_message(const TestPartResult& part) {
  std::string text = part.message();
  const auto start = text.find("stage ");
  const auto end = text.find(')', start);
  return start == std::string::npos ? text : text.substr(start, end == std::string::npos ? end : end - start + 1);
}

std::string todo_function(const std::string& message) {
  const auto colon = message.find(": ");
  const auto end = message.find(kTodoMarker);
  return colon == std::string::npos || end == std::string::npos ? message : message.substr(colon + 2, end - colon - 2);
}

// Holds back each test's events until it ends: a TODO-only failure is then reduced to
// (at most) one line, anything else is replayed to GoogleTest's own printer.
class TodoPrinter : public TestEventListener {
 public:
  explicit TodoPrinter(TestEventListener* inner) : inner_(inner) {}

  void OnTestProgramStart(const UnitTest& unit) override { inner_->OnTestProgramStart(unit); }
  void OnTestIterationStart(const UnitTest& unit, int iteration) override {
    inner_->OnTestIterationStart(unit, iteration);
  }
  void OnEnvironmentsSetUpStart(const UnitTest& unit) override { inner_->OnEnvironmentsSetUpStart(unit); }
  void OnEnvironmentsSetUpEnd(const UnitTest& unit) override { inner_->OnEnvironmentsSetUpEnd(unit); }
  void OnTestSuiteStart(const ::testing::TestSuite& suite) override { inner_->OnTestSuiteStart(suite); }
  void OnTestStart(const TestInfo&) override { parts_.clear(); }
  void OnTestPartResult(const TestPartResult& part) override { parts_.push_back(part); }
  void OnTestEnd(const TestInfo& test) override {
    const bool todo_only =
        !parts_.empty() && std::ranges::all_of(parts_, [](const TestPartResult& part) { return !part.failed() || is_todo(part); });
    if (!todo_only) {
      inner_->OnTestStart(test);
      for (const TestPartResult& part : parts_) inner_->OnTestPartResult(part);
      inner_->OnTestEnd(test);
      if (test.result()->Failed()) failed_.push_back(test.test_suite_name() + std::string(".") + test.name());
      return;
    }
    ++todo_tests_;
    for (const TestPartResult& part : parts_) {
      if (!is_todo(part)) continue;
      const std::string message = todo_message(part);
      const std::string function = todo_function(message);
      if (std::ranges::find(todo_, function) != todo_.end()) continue;
      todo_.push_back(function);
      if (first_todo_.empty()) first_todo_ = message;
      std::cout << "[   TODO   ] " << message << std::endl;
    }
  }
  void OnTestSuiteEnd(const ::testing::TestSuite& suite) override { inner_->OnTestSuiteEnd(suite); }
  void OnEnvironmentsTearDownStart(const UnitTest& unit) override { inner_->OnEnvironmentsTearDownStart(unit); }
  void OnEnvironmentsTearDownEnd(const UnitTest& unit) override { inner_->OnEnvironmentsTearDownEnd(unit); }

  // GoogleTest's summary would list every TODO test as failed; this one sets them apart.
  void OnTestIterationEnd(const UnitTest& unit, int) override {
    std::cout << "[==========] " << unit.test_to_run_count() << " tests from " << unit.test_suite_to_run_count()
              << " test suites ran.\n";
    std::cout << "[  PASSED  ] " << unit.successful_test_count() << " tests.\n";
    if (!todo_.empty()) {
      std::cout << "[   TODO   ] " << todo_.size() << (todo_.size() == 1 ? " function" : " functions")
                << " not implemented yet (" << todo_tests_ << " tests wait for them):";
      for (const std::string& function : todo_) std::cout << ' ' << function;
      std::cout << '\n';
    }
    if (!failed_.empty()) {
      std::cout << "[  FAILED  ] " << failed_.size() << " tests, listed below:\n";
      for (const std::string& name : failed_) std::cout << "[  FAILED  ] " << name << '\n';
    }
    if (!failed_.empty()) {
      std::cout << "\nNext: make " << failed_.front() << " pass (its failure is printed above).\n";
    } else if (!todo_.empty()) {
      std::cout << "\nNext: " << first_todo_ << '\n';
    }
    std::cout.flush();
  }
  void OnTestProgramEnd(const UnitTest& unit) override { inner_->OnTestProgramEnd(unit); }

 private:
  std::unique_ptr<TestEventListener> inner_;
  std::vector<TestPartResult> parts_;
  std::vector<std::string> todo_, failed_;
  std::string first_todo_;
  int todo_tests_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::TestEventListeners& listeners = UnitTest::GetInstance()->listeners();
  // Only when GoogleTest's own printer is in place (not replaced by --gtest_output=... or
  // an IDE's listener): wrap it.
  if (TestEventListener* printer = listeners.default_result_printer()) {
    listeners.Release(printer);
    listeners.Append(new TodoPrinter(printer));
  }
  return RUN_ALL_TESTS();
}
