// main() of every stage's test program. GoogleTest as usual, with two changes:
//  - A test that fails only because a function is still a TODO stub prints nothing of its
//    own. Instead each unfinished function is named once, and the summary lists the TODO
//    functions apart from the real failures, with the next thing to do. A stage of stubs
//    reads as five lines, not a thousand; a real failure still prints in full.
//  - --accel_report_fd=N writes the outcome of every test to file descriptor N, in the
//    shape of GoogleTest's JSON report, when the program ends. The grader reads it from a
//    pipe it passes as N: the program never opens a file to write it, so the grader's
//    sandbox can refuse every file opened for writing (--gtest_output=json:PATH opens PATH).

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

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

// A JSON string literal: quotes, backslashes and control characters escaped.
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + '"';
}

// The outcome of every test, as GoogleTest's JSON report has it ("testsuites", each with
// its "testsuite" of tests and their "failures"), written to `fd` with write(2).
class ReportWriter : public ::testing::EmptyTestEventListener {
 public:
  explicit ReportWriter(int fd) : fd_(fd) {}
  void OnTestProgramEnd(const UnitTest& unit) override {
    std::string json = "{\"testsuites\": [";
    bool first_suite = true;
    for (int s = 0; s < unit.total_test_suite_count(); ++s) {
      const ::testing::TestSuite& suite = *unit.GetTestSuite(s);
      if (suite.reportable_test_count() == 0) continue;
      json += std::string(first_suite ? "" : ", ") + "{\"name\": " + json_string(suite.name()) + ", \"testsuite\": [";
      first_suite = false;
      bool first_test = true;
      for (int t = 0; t < suite.total_test_count(); ++t) {
        const TestInfo& test = *suite.GetTestInfo(t);
        if (!test.is_reportable()) continue;  // not selected by the filter: not in the report
        const ::testing::TestResult& result = *test.result();
        json += std::string(first_test ? "" : ", ") + "{\"name\": " + json_string(test.name()) + ", \"status\": \"" +
                (test.should_run() ? "RUN" : "NOTRUN") + "\", \"result\": \"" +
                (result.Skipped() ? "SKIPPED" : "COMPLETED") + "\", \"failures\": [";
        bool first = true;
        for (int p = 0; p < result.total_part_count(); ++p) {
          const TestPartResult& part = result.GetTestPartResult(p);
          if (!part.failed()) continue;
          // As GoogleTest's report has it: "file:line", a newline, the message.
          const std::string where =
              part.file_name() != nullptr ? std::string(part.file_name()) + ":" + std::to_string(part.line_number()) + "\n" : "";
          json += std::string(first ? "" : ", ") + "{\"failure\": " + json_string(where + part.message()) + "}";
          first = false;
        }
        json += "]}";
        first_test = false;
      }
      json += "]}";
    }
    json += "]}\n";
    for (std::size_t written = 0; written < json.size();) {
      const ssize_t n = ::write(fd_, json.data() + written, json.size() - written);
      if (n <= 0) break;  // the reader is gone: nothing left to tell
      written += std::size_t(n);
    }
  }

 private:
  int fd_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  constexpr std::string_view kReportFlag = "--accel_report_fd=";
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with(kReportFlag)) {
      UnitTest::GetInstance()->listeners().Append(new ReportWriter(std::atoi(argv[i] + kReportFlag.size())));
    }
  }
  ::testing::TestEventListeners& listeners = UnitTest::GetInstance()->listeners();
  // Only when GoogleTest's own printer is in place (not replaced by --gtest_output=... or
  // an IDE's listener): wrap it.
  if (TestEventListener* printer = listeners.default_result_printer()) {
    listeners.Release(printer);
    listeners.Append(new TodoPrinter(printer));
  }
  return RUN_ALL_TESTS();
}
