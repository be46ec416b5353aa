#include "accel/heap_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <new>

// Counting must see every way a program can take memory from the heap, or a test of "no
// allocation" is beaten by calling malloc instead of new. Where the C library lets a
// program replace its allocator (glibc: Linux, WSL), the malloc family itself is replaced
// and forwards to glibc's own entry points; operator new, std::aligned_alloc and every
// container reach it. Under AddressSanitizer (./lab test NN --asan), which must own the
// allocator to find overruns, its allocation hook counts instead. Elsewhere (macOS) only
// the global operator new can be replaced portably, which covers new, Tensor and the
// standard containers but not a direct malloc: the grader, which runs on Linux, is where
// the whole rule is enforced.

#if defined(__SANITIZE_ADDRESS__)
#define ACCEL_HEAP_COUNT_BY_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACCEL_HEAP_COUNT_BY_SANITIZER 1
#endif
#endif


namespace {

std::atomic<std::size_t> g_heap_bytes{0};
std::atomic<std::size_t> g_heap_calls{0};

void count(std::size_t size) {
  g_heap_bytes.fetch_add(size, std::memory_order_relaxed);
  g_heap_calls.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

namespace accel {
HeapUse heap_allocated_so_far() { return {g_heap_bytes.load(), g_heap_calls.load()}; }
const char* heap_counter_coverage() {
#if defined(ACCEL_HEAP_COUNT_BY_SANITIZER)
  return "every allocation AddressSanitizer sees";
#elif defined(__GLIBC__)
  return "malloc, calloc, realloc, reallocarray, aligned_alloc, posix_memalign, memalign, valloc, pvalloc "
         "(and so operator new)";
#else
  return "operator new only (this C library's malloc cannot be replaced)";
#endif
}
}  // namespace accel

#if defined(ACCEL_HEAP_COUNT_BY_SANITIZER)

// The sanitizer runtime's hook (its allocator_interface.h, which not every compiler ships).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*on_malloc)(const volatile void*, std::size_t),
                                                         void (*on_free)(const volatile void*));

namespace {
void on_allocation(const volatile void*, std::size_t size) { count(size); }
void on_free(const volatile void*) {}
// Installed when this file is linked in, that is, when a program asks for heap counts.
[[maybe_unused]] const int hooks_installed = __sanitizer_install_malloc_and_free_hooks(on_allocation, on_free);
}  // namespace

#elif defined(__GLIBC__)

extern "C" {
// glibc's allocator under its internal names, which the replacements below forward to.
void* __libc_malloc(std::size_t size) noexcept;
void* __libc_calloc(std::size_t count, std::size_t size) noexcept;
void* __libc_realloc(void* pointer, std::size_t size) noexcept;
void* __libc_memalign(std::size_t alignment, std::size_t size) noexcept;
void* __libc_valloc(std::size_t size) noexcept;
void* __libc_pvalloc(std::size_t size) noexcept;
void __libc_free(void* pointer) noexcept;

void* malloc(std::size_t size) noexcept {
  count(size);
  return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size) noexcept {
  count(n * size);
  return __libc_calloc(n, size);
}
void* realloc(void* pointer, std::size_t size) noexcept {
  count(size);
  return __libc_realloc(pointer, size);
}
void* reallocarray(void* pointer, std::size_t n, std::size_t size) noexcept {
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(pointer, bytes);
}
void* memalign(std::size_t alignment, std::size_t size) noexcept {
  count(size);
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept { return memalign(alignment, size); }
int posix_memalign(void** result, std::size_t alignment, std::size_t size) noexcept {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* pointer = memalign(alignment, size);
  if (pointer == nullptr) return ENOMEM;
  *result = pointer;
  return 0;
}
void* valloc(std::size_t size) noexcept {
  count(size);
  return __libc_valloc(size);
}
void* pvalloc(std::size_t size) noexcept {
  count(size);
  return __libc_pvalloc(size);
}
void free(void* pointer) noexcept { __libc_free(pointer); }
}  // extern "C"

#else  // not glibc: replace the global operator new and delete

namespace {

void* counted_allocation(std::size_t size, std::size_t alignment) {
  count(size);
  if (size == 0) size = 1;  // new must return a distinct pointer even for 0 bytes
  if (alignment <= alignof(std::max_align_t)) return std::malloc(size);
  return std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}

void* allocate_or_throw(std::size_t size, std::size_t alignment) {
  if (void* p = counted_allocation(size, alignment)) return p;
  throw std::bad_alloc();
}

}  // namespace

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

#endif
