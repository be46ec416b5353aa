#pragma once
// A model of one data cache — set-associative, least-recently-used replacement — that
// replays the addresses a loop nest touches and counts hits and misses. It shows what a
// blocking does to the cache on machines that expose no hardware cache counters (most VMs,
// many laptops), and it is small enough to check by hand.
//
// What it leaves out: prefetchers, write-back traffic, the other levels, other programs
// sharing the cache, and the replacement policies real caches use instead of exact LRU.
// Its miss counts are a lower-level story than the stopwatch, not a prediction of it.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace accel {

// The shape of a cache. A line is the unit that moves; an address's line number modulo the
// number of sets picks the set, and the set holds up to `ways` lines. ways == 1 is
// direct-mapped; ways == size_bytes / line_bytes is fully associative (one set).
struct CacheGeometry {
  std::size_t size_bytes = 0;
  std::size_t line_bytes = 64;
  std::size_t ways = 1;
  std::size_t sets() const { return line_bytes && ways ? size_bytes / (line_bytes * ways) : 0; }
};

// This machine's L1 data cache and L2 as cpu_info() reports them. A part the system does
// not report falls back to a common value: 64-byte lines, L1d 32 KiB 8-way, L2 1 MiB 16-way.
CacheGeometry l1d_geometry();
CacheGeometry l2_geometry();

class CacheModel {
 public:
  // std::invalid_argument unless line_bytes is a power of two, ways ≥ 1, and size_bytes
  // is a positive multiple of line_bytes · ways.
  explicit CacheModel(const CacheGeometry& geometry);

  // One load or store of the byte at `address` (an access never spans two lines here: a
  // float is 4-byte aligned). Returns true on a hit. A miss brings the line in, evicting the
  // set's least recently used line when all its ways are taken.
  bool access(std::uintptr_t address);
  bool access(const void* pointer) { return access(reinterpret_cast<std::uintptr_t>(pointer)); }

  std::uint64_t accesses() const { return hits_ + misses_; }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }
  double miss_rate() const { return accesses() ? double(misses_) / double(accesses()) : 0.0; }

  void reset_counts();  // zero the counters, keep the cached lines (e.g. after a warm-up)
  void clear();         // empty the cache and zero the counters

  const CacheGeometry& geometry() const { return geometry_; }

 private:
  CacheGeometry geometry_;
  std::size_t sets_;
  std::size_t set_mask_;  // sets − 1 when sets is a power of two (no division), else 0
  unsigned line_shift_;
  // Set s holds lines_[s·ways, (s+1)·ways) in order of use, most recent first, so the
  // least recently used line is the last one: a loop's next access is usually found at once.
  std::vector<std::uint64_t> lines_;  // line numbers; kEmpty where a way holds none
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace accel
