#pragma once
// Shared by the readers of GoogleTest's and Google Benchmark's JSON reports: what a report
// written by the framework alone looks like, so that anything else is rejected as untrusted.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "gtest_report.hpp"

namespace accel::grader {

enum class Shape { object, array_of_objects, array_of_scalars };

// Exactly one JSON document; an empty text, text around it or a second document throws
// ReportError naming `writer` ("GoogleTest").
nlohmann::json parse_single_document(std::string_view text, const char* writer);

// `object` is an object whose members are strings, numbers or booleans, except the members
// named in `containers`, which (when present) have the given shape; the objects they hold
// the caller checks in turn. `what` names it in the message.
void require_shape(const nlohmann::json& object, std::initializer_list<std::pair<std::string_view, Shape>> containers,
                   const char* what);

// object[key], which must be a string.
std::string require_string(const nlohmann::json& object, const char* key, const char* what);

}  // namespace accel::grader
