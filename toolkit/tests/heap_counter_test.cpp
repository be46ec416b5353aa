#include "accel/heap_counter.hpp"

#include <memory>
#include <vector>

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
