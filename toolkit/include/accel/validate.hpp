#pragma once
// Argument checks shared by kernels: a clear std::invalid_argument instead of UB.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace accel {

// Throws std::invalid_argument("add: lengths differ (4 and 5)") unless a == b.
inline void require_same_length(std::string_view function, std::size_t a, std::size_t b) {
  if (a != b) {
    throw std::invalid_argument(std::string(function) + ": lengths differ (" + std::to_string(a) + " and " +
                                std::to_string(b) + ")");
  }
}

}  // namespace accel
