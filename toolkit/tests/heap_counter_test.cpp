#include "accel/heap_counter.hpp"

#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include <stdlib.h>  // posix_memalign

#include <gtest/gtest.h>

#include "accel/tensor.hpp"

TEST(HeapCounter, CountsWhatACallAllocates) {
  const accel::HeapUse none = accel::heap_use_of([] {});
  EXPECT_EQ(none.bytes, 0u);
  EXPECT_EQ(none.calls, 0u);

  const accel::HeapUse vector = accel::heap_use_of([] { std::vector<float> v(1000); });
  EXPECT_EQ(vector.bytes, 4000u);
  EXPECT_EQ(vector.calls, 1u);

  // Tensors allocate through the aligned operator new, so they are counted too.
  const accel::HeapUse tensor = accel::heap_use_of([] { accel::Tensor t({16, 16}); });
  EXPECT_GE(tensor.bytes, 16u * 16u * sizeof(float));
}

#if defined(__GLIBC__)
// A "no allocation" rule must not be beaten by reaching past operator new: every entry
// point of the C allocator is counted too. volatile keeps the calls from being elided.
TEST(HeapCounter, CountsEveryCAllocatorEntryPoint) {
  using Allocate = void* (*)();
  const std::pair<const char*, Allocate> entry_points[] = {
      {"malloc", [] { return std::malloc(64); }},
      {"calloc", [] { return std::calloc(16, 4); }},
      {"realloc", [] { return std::realloc(nullptr, 64); }},
      {"aligned_alloc", [] { return std::aligned_alloc(64, 64); }},
      {"posix_memalign",
       [] {
         void* p = nullptr;
         return ::posix_memalign(&p, 64, 64) == 0 ? p : nullptr;
       }},
  };
  for (const auto& [name, allocate] : entry_points) {
    void* volatile pointer = nullptr;
    const accel::HeapUse use = accel::heap_use_of([&] { pointer = allocate(); });
    EXPECT_NE(pointer, nullptr) << name;
    EXPECT_EQ(use.calls, 1u) << name << " was not counted";
    EXPECT_EQ(use.bytes, 64u) << name;
    std::free(pointer);
  }
}
#endif
