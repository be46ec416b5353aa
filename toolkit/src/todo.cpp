#include "accel/todo.hpp"

namespace accel {

void not_implemented(std::string_view stage, std::string_view function, std::string_view stage_source) {
  const std::string_view stage_dir = stage_source.substr(0, stage_source.rfind('/'));
  std::string message = "stage ";
  message.append(stage).append(": ").append(function).append(" is not implemented yet (TODO in ");
  message.append(stage_source).append("; the task is described in ").append(stage_dir).append("/README.md)");
  throw NotImplemented(message);
}

}  // namespace accel
