#pragma once
// blend(when, a, b): `when ? a : b` for floats, chosen with integer masks, for loops the
// compiler should vectorize. Written as a float select whose one side is a constant
// (x < lo ? lo : x, std::clamp, std::max), GCC 12 moves the arithmetic that follows into
// the two branches, folds the constant one, and is left with a branch around
// floating-point operations (which may trap), which it vectorizes only with AVX-512's
// masks: built for AVX2 the whole loop runs one float at a time. Integer operations do not
// trap, so this select stays a select: vpand/vpandn/vpor, or a blend.

#include <bit>
#include <cstdint>

namespace accel {

inline float blend(bool when, float a, float b) {
  const std::uint32_t mask = 0u - std::uint32_t(when);
  return std::bit_cast<float>((std::bit_cast<std::uint32_t>(a) & mask) | (std::bit_cast<std::uint32_t>(b) & ~mask));
}

}  // namespace accel
