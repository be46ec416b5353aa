#pragma once
// Reads the report a GoogleTest binary writes with --gtest_output=json:FILE.

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

class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every test that ran or was skipped; disabled tests (status NOTRUN) are left out since
// no student action can make them run. Throws ReportError on malformed JSON.
std::vector<TestOutcome> parse_gtest_json(std::string_view json_text);

}  // namespace accel::grader
