#pragma once
// Reads the report a GoogleTest binary writes with --gtest_output=json:FILE.
//
// The report comes from a process that ran student code, which could have written to the
// same pipe before or after GoogleTest did. So the reader accepts only what GoogleTest
// writes: one JSON document and nothing after it; objects and arrays only where
// GoogleTest puts them (test suites, tests, failures), every other value a plain string,
// number or boolean. A second report, or GoogleTest's report wrapped inside a made-up one,
// is rejected as untrusted rather than read.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace accel::grader {

struct TestOutcome {
  std::string full_name;  // "Suite.Test", e.g. "Sizes/MatmulIjk.MatchesDoubleReference/1x1x1"
  bool passed = false;    // a skipped test has not passed
  std::vector<std::string> failures;  // gtest's failure messages, in order
};

// Why a report cannot be used. `untrusted`: the report is not what the framework writes,
// which the grader flags for the instructor (an empty report is merely missing).
class ReportError : public std::runtime_error {
 public:
  explicit ReportError(const std::string& message, bool untrusted = false)
      : std::runtime_error(message), untrusted_(untrusted) {}
  bool untrusted() const { return untrusted_; }

 private:
  bool untrusted_;
};

// Every test that ran or was skipped; disabled tests (status NOTRUN) are left out since
// no student action can make them run. Throws ReportError on a report GoogleTest could
// not have written.
std::vector<TestOutcome> parse_gtest_json(std::string_view json_text);

}  // namespace accel::grader
