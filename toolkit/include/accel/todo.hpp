#pragma once
// The one body of every student stub: ACCEL_TODO() throws accel::NotImplemented, whose
// message names the stage, the function and the lesson ("stage 01: matmul_ijk is not
// implemented yet (TODO in stages/01_naive_loops/naive_loops.cpp; ...)").

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

// The build defines ACCEL_STAGE ("01") and ACCEL_STAGE_SOURCE
// ("stages/01_naive_loops/naive_loops.cpp") for each stage library; the function is the
// one the stub is the body of.
#ifndef ACCEL_STAGE
#define ACCEL_STAGE "00"
#endif
#ifndef ACCEL_STAGE_SOURCE
#define ACCEL_STAGE_SOURCE "stages/<stage>/<file>.cpp"
#endif
// A member function names its class: ACCEL_TODO("MlpWorkspace::hidden").
#define ACCEL_TODO(...) \
  ::accel::not_implemented(ACCEL_STAGE, ::accel::todo_name(__func__ __VA_OPT__(, ) __VA_ARGS__), ACCEL_STAGE_SOURCE)

namespace accel {
constexpr std::string_view todo_name(std::string_view function) { return function; }
constexpr std::string_view todo_name(std::string_view, std::string_view name) { return name; }
}  // namespace accel
