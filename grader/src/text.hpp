#pragma once
// Small text helpers for the messages the grader shows: child output is arbitrary, so
// what reaches a table or results.json is cut to a few readable lines.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace accel::grader {

// The whole file, or "" when it cannot be read.
std::string read_text_file(const std::filesystem::path& file);

// The first / last `count` non-empty lines, each cut to `width` characters ("..." marks a cut).
std::string first_lines(std::string_view text, std::size_t count, std::size_t width = 200);
std::string last_lines(std::string_view text, std::size_t count, std::size_t width = 200);

// "1.5" for 1.5, "10" for 10: numbers as a person would write them in a rubric.
std::string short_number(double value);

}  // namespace accel::grader
