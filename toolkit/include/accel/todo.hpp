#pragma once
// The one body of every student stub: ACCEL_TODO("01", "matmul_ijk") throws
// accel::NotImplemented, whose message names the stage, the function and the lesson.

#include <stdexcept>
#include <string>
#include <string_view>

namespace accel {

class NotImplemented : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// stage_source is the student file, e.g. "stages/01_naive_loops/naive_loops.cpp"; the
// lesson is the README.md beside it.
[[noreturn]] void not_implemented(std::string_view stage, std::string_view function, std::string_view stage_source);

}  // namespace accel

// ACCEL_STAGE_SOURCE ("stages/01_naive_loops/naive_loops.cpp") is defined by the build
// for each stage library.
#ifndef ACCEL_STAGE_SOURCE
#define ACCEL_STAGE_SOURCE "stages/<stage>/<file>.cpp"
#endif
#define ACCEL_TODO(stage, function) ::accel::not_implemented(stage, function, ACCEL_STAGE_SOURCE)
