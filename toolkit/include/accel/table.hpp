#pragma once
// A plain-text table for demos and the grader: columns sized to their widest cell,
// columns of numbers right-aligned, other columns left-aligned.

#include <iosfwd>
#include <string>
#include <vector>

namespace accel {

// Fixed-point text of a number: fixed(3.14159, 2) == "3.14".
std::string fixed(double value, int decimals);

class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);  // throws std::invalid_argument on a wrong cell count
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace accel
