#include "accel/cache_model.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "accel/cpu_info.hpp"

namespace accel {
namespace {

constexpr std::uint64_t kEmpty = std::numeric_limits<std::uint64_t>::max();

bool power_of_two(std::size_t value) { return value != 0 && (value & (value - 1)) == 0; }

// The reported size, ways and line size, or the fallbacks; the size is rounded down to a
// whole number of sets, so the geometry is always one a CacheModel accepts.
CacheGeometry geometry_of(std::size_t size, unsigned ways, std::size_t fallback_size, unsigned fallback_ways) {
  const std::size_t reported_line = cpu_info().cache_line_bytes;
  CacheGeometry geometry;
  geometry.line_bytes = power_of_two(reported_line) ? reported_line : 64;
  geometry.ways = ways ? ways : fallback_ways;
  const std::size_t set_bytes = geometry.line_bytes * geometry.ways;
  const std::size_t sets = std::max<std::size_t>(1, (size ? size : fallback_size) / set_bytes);
  geometry.size_bytes = sets * set_bytes;
  return geometry;
}

std::string describe(const CacheGeometry& g) {
  return std::to_string(g.size_bytes) + " bytes, " + std::to_string(g.line_bytes) + "-byte lines, " +
         std::to_string(g.ways) + " way(s)";
}

}  // namespace

CacheGeometry l1d_geometry() {
  const CpuInfo& info = cpu_info();
  return geometry_of(info.l1d_bytes, info.l1d_ways, std::size_t{32} << 10, 8);
}

CacheGeometry l2_geometry() {
  const CpuInfo& info = cpu_info();
  return geometry_of(info.l2_bytes, info.l2_ways, std::size_t{1} << 20, 16);
}

CacheModel::CacheModel(const CacheGeometry& geometry)
    : geometry_(geometry), sets_(geometry.sets()), set_mask_(0), line_shift_(0) {
  if (!power_of_two(geometry.line_bytes)) {
    throw std::invalid_argument("CacheModel: the line size must be a power of two (" + describe(geometry) + ")");
  }
  if (geometry.ways == 0) {
    throw std::invalid_argument("CacheModel: a cache needs at least one way (" + describe(geometry) + ")");
  }
  if (geometry.size_bytes == 0 || geometry.size_bytes % (geometry.line_bytes * geometry.ways) != 0) {
    throw std::invalid_argument("CacheModel: the size must be a positive multiple of line size × ways (" +
                                describe(geometry) + ")");
  }
  while ((std::size_t{1} << line_shift_) < geometry.line_bytes) ++line_shift_;
  if (power_of_two(sets_)) set_mask_ = sets_ - 1;
  lines_.assign(sets_ * geometry.ways, kEmpty);
}

bool CacheModel::access(std::uintptr_t address) {
  const std::uint64_t line = std::uint64_t(address) >> line_shift_;
  // Real L1 and L2 caches have a power-of-two number of sets: the set is the line number's
  // low bits. (Some L3s do not; then it is the remainder.)
  const std::size_t set = set_mask_ || sets_ == 1 ? std::size_t(line & set_mask_) : std::size_t(line % sets_);
  std::uint64_t* const first = lines_.data() + set * geometry_.ways;
  std::uint64_t* const last = first + geometry_.ways;
  if (*first == line) {  // the most recent line again: the common case in a loop
    ++hits_;
    return true;
  }
  std::uint64_t* const found = std::find(first, last, line);
  const bool hit = found != last;
  // Move the line to the front; on a miss the last (least recently used) line falls out.
  std::copy_backward(first, hit ? found : last - 1, hit ? found + 1 : last);
  *first = line;
  ++(hit ? hits_ : misses_);
  return hit;
}

void CacheModel::reset_counts() { hits_ = misses_ = 0; }

void CacheModel::clear() {
  std::fill(lines_.begin(), lines_.end(), kEmpty);
  hits_ = misses_ = 0;
}

}  // namespace accel
