#include "text.hpp"

#include <fstream>
#include <sstream>
#include <vector>

namespace accel::grader {
namespace {

std::vector<std::string> non_empty_lines(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.size() > width) line = line.substr(0, width) + "...";
    if (!line.empty()) lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
  std::string joined;
  for (std::size_t i = from; i < to; ++i) joined += (i == from ? "" : "\n") + lines[i];
  return joined;
}

}  // namespace

std::string read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string first_lines(std::string_view text, std::size_t count, std::size_t width) {
  const auto lines = non_empty_lines(text, width);
  return join_lines(lines, 0, std::min(count, lines.size()));
}

std::string last_lines(std::string_view text, std::size_t count, std::size_t width) {
  const auto lines = non_empty_lines(text, width);
  return join_lines(lines, lines.size() - std::min(count, lines.size()), lines.size());
}

std::string short_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace accel::grader
