#include "accel/heap_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> g_heap_bytes{0};
std::atomic<std::size_t> g_heap_calls{0};

void* counted_allocation(std::size_t size, std::size_t alignment) {
  g_heap_bytes.fetch_add(size, std::memory_order_relaxed);
  g_heap_calls.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;  // new must return a distinct pointer even for 0 bytes
  if (alignment <= alignof(std::max_align_t)) return std::malloc(size);
  return std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}

void* allocate_or_throw(std::size_t size, std::size_t alignment) {
  if (void* p = counted_allocation(size, alignment)) return p;
  throw std::bad_alloc();
}

}  // namespace

namespace accel {
HeapUse heap_allocated_so_far() { return {g_heap_bytes.load(), g_heap_calls.load()}; }
}  // namespace accel

// Every form of the global operator new and delete, replaced.
void* operator new(std::size_t size) { return allocate_or_throw(size, 0); }
void* operator new[](std::size_t size) { return allocate_or_throw(size, 0); }
void* operator new(std::size_t size, std::align_val_t al) { return allocate_or_throw(size, std::size_t(al)); }
void* operator new[](std::size_t size, std::align_val_t al) { return allocate_or_throw(size, std::size_t(al)); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_allocation(size, 0); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_allocation(size, 0); }
void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return counted_allocation(size, std::size_t(al));
}
void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return counted_allocation(size, std::size_t(al));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
