#include "report_schema.hpp"

#include <algorithm>

namespace accel::grader {

using nlohmann::json;

nlohmann::json parse_single_document(std::string_view text, const char* writer) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw ReportError(std::string("no ") + writer + " report was written");
  }
  try {
    return json::parse(text);  // strict: text after the document is an error
  } catch (const json::parse_error& error) {
    std::string what = error.what();  // "[json.exception.parse_error.101] parse error at line 3, ..."
    if (const auto bracket = what.find("] "); bracket != std::string::npos) what.erase(0, bracket + 2);
    throw ReportError(std::string("the report is not one document as ") + writer + " writes it (" + what +
                      "): not trusted", true);
  }
}

void require_shape(const json& object, std::initializer_list<std::pair<std::string_view, Shape>> containers,
                   const char* what) {
  if (!object.is_object()) throw ReportError(std::string(what) + " is not an object: report not trusted", true);
  for (const auto& [key, value] : object.items()) {
    const auto container = std::ranges::find(containers, key, [](const auto& entry) { return entry.first; });
    if (container == containers.end()) {
      if (value.is_structured()) {
        throw ReportError(std::string(what) + " has \"" + key + "\" holding an " + value.type_name() +
                          ", which the framework never writes there: report not trusted", true);
      }
      continue;
    }
    const bool objects = container->second == Shape::array_of_objects;
    const bool fits = container->second == Shape::object
                          ? value.is_object()
                          : value.is_array() && std::ranges::all_of(value, [&](const json& element) {
                              return objects ? element.is_object() : element.is_primitive();
                            });
    if (!fits) {
      throw ReportError(std::string(what) + " has \"" + key + "\" in a shape the framework never writes: "
                        "report not trusted", true);
    }
  }
}

std::string require_string(const json& object, const char* key, const char* what) {
  if (!object.contains(key) || !object.at(key).is_string()) {
    throw ReportError(std::string(what) + " has no \"" + key + "\" string: report not trusted", true);
  }
  return object.at(key).get<std::string>();
}

}  // namespace accel::grader
