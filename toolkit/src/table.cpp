#include "accel/table.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <stdexcept>

namespace accel {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() != headers_.size()) {
    throw std::invalid_argument("table row has " + std::to_string(cells.size()) + " cells, the table has " +
                                std::to_string(headers_.size()) + " columns");
  }
  rows_.push_back(std::move(cells));
}

namespace {
bool looks_numeric(const std::string& cell) {
  return !cell.empty() && cell.find_first_not_of("0123456789.-+e%x/ ") == std::string::npos;
}
}  // namespace

void Table::print(std::ostream& out) const {
  // A column is right-aligned when every cell in it is a number, so a column that mixes
  // "20.1x" with "not implemented" reads as text; its header follows it.
  std::vector<std::size_t> widths(headers_.size());
  std::vector<bool> numeric(headers_.size(), !rows_.empty());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = headers_[c].size();
    for (const auto& row : rows_) {
      widths[c] = std::max(widths[c], row[c].size());
      numeric[c] = numeric[c] && looks_numeric(row[c]);
    }
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string padding(widths[c] - cells[c].size(), ' ');
      line += (c == 0 ? "" : "  ") + (numeric[c] ? padding + cells[c] : cells[c] + padding);
    }
    out << line.substr(0, line.find_last_not_of(' ') + 1) << '\n';
  };
  print_row(headers_);
  std::size_t total = 0;
  for (std::size_t width : widths) total += width;
  out << std::string(total + 2 * (widths.size() - 1), '-') << '\n';
  for (const auto& row : rows_) print_row(row);
}

}  // namespace accel
