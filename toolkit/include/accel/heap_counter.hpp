#pragma once
// Heap accounting: how many bytes (and calls) a program took from the heap. With glibc
// (Linux, WSL) every allocator entry point is counted: malloc, calloc, realloc,
// aligned_alloc, posix_memalign, memalign, valloc, pvalloc, and through them operator new
// and every container. Elsewhere only operator new is (heap_counter_coverage() says which).
// The replacements live in heap_counter.cpp beside the counters, so a program gets them
// exactly when it calls one of these functions: the linker pulls that object file out of
// the toolkit archive only then.

#include <cstddef>

namespace accel {

struct HeapUse {
  std::size_t bytes = 0;
  std::size_t calls = 0;
};

// Totals since the program started.
HeapUse heap_allocated_so_far();

// Which entry points this build counts, for messages.
const char* heap_counter_coverage();

// What fn allocated through operator new while it ran.
template <typename Fn>
HeapUse heap_use_of(Fn&& fn) {
  const HeapUse before = heap_allocated_so_far();
  fn();
  const HeapUse after = heap_allocated_so_far();
  return {after.bytes - before.bytes, after.calls - before.calls};
}

}  // namespace accel
