#include "accel/tensor.hpp"

#include <cstdint>
#include <stdexcept>

#include <gtest/gtest.h>

using accel::Shape;
using accel::Tensor;

TEST(Tensor, ZeroFilledWithShapeAndAlignment) {
  const Tensor t({3, 5});
  EXPECT_EQ(t.shape(), (Shape{3, 5}));
  EXPECT_EQ(t.rank(), 2u);
  EXPECT_EQ(t.size(), 15u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data()) % Tensor::kAlignment, 0u);
  for (float v : t.span()) EXPECT_EQ(v, 0.0f);
}

TEST(Tensor, RankMustBeOneToThree) {
  EXPECT_THROW(Tensor(Shape{}), std::invalid_argument);
  EXPECT_THROW(Tensor(Shape{1, 2, 3, 4}), std::invalid_argument);
  EXPECT_NO_THROW(Tensor(Shape{0, 4}));  // empty is legal
}

TEST(Tensor, NestedLiteralsAreRowMajor) {
  const Tensor m{{1, 2, 3}, {4, 5, 6}};
  EXPECT_EQ(m.shape(), (Shape{2, 3}));
  EXPECT_EQ(m(0, 2), 3.0f);
  EXPECT_EQ(m(1, 0), 4.0f);
  EXPECT_EQ(m.data()[4], 5.0f);

  const Tensor batch{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}, {{9, 10}, {11, 12}}};
  EXPECT_EQ(batch.shape(), (Shape{3, 2, 2}));
  EXPECT_EQ(batch(2, 1, 0), 11.0f);
}

TEST(Tensor, BracedShapeIsAShapeNotValues) {
  const Tensor t({2, 3});
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
}

TEST(Tensor, ValuesWithShape) {
  const Tensor v({4}, {1, 2, 3, 4});
  EXPECT_EQ(v.rank(), 1u);
  EXPECT_EQ(v(3), 4.0f);
  EXPECT_THROW(Tensor({2, 2}, {1, 2, 3}), std::invalid_argument);
}

TEST(Tensor, RaggedLiteralIsRejected) {
  EXPECT_THROW((Tensor{{1, 2}, {3}}), std::invalid_argument);
  EXPECT_THROW((Tensor{{{1, 2}}, {{3, 4}, {5, 6}}}), std::invalid_argument);
}

TEST(Tensor, CheckedAccess) {
  Tensor t({2, 3});
  t(1, 2) = 7;
  EXPECT_EQ(t.data()[5], 7.0f);
  EXPECT_THROW(t(2, 0), std::out_of_range);
  EXPECT_THROW(t(0, 3), std::out_of_range);
  EXPECT_THROW(t(1), std::out_of_range);  // wrong number of indices
  EXPECT_THROW(t.dim(2), std::out_of_range);
}

TEST(Tensor, RandomIsSeededAndInRange) {
  const Tensor a = Tensor::random({64, 33}, 7, -2.0f, 3.0f);
  const Tensor b = Tensor::random({64, 33}, 7, -2.0f, 3.0f);
  const Tensor c = Tensor::random({64, 33}, 8, -2.0f, 3.0f);
  bool any_difference = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.data()[i], b.data()[i]);
    EXPECT_GE(a.data()[i], -2.0f);
    EXPECT_LT(a.data()[i], 3.0f);
    any_difference |= a.data()[i] != c.data()[i];
  }
  EXPECT_TRUE(any_difference);
}

TEST(Tensor, CopyIsDeep) {
  Tensor a{{1, 2}, {3, 4}};
  Tensor b = a;
  b(0, 0) = 9;
  EXPECT_EQ(a(0, 0), 1.0f);
  a = b;
  EXPECT_EQ(a(0, 0), 9.0f);
}

TEST(Tensor, ShapeString) {
  EXPECT_EQ(Tensor({128, 256}).shape_string(), "(128, 256)");
  EXPECT_EQ(accel::shape_string({2, 3, 4}), "(2, 3, 4)");
  EXPECT_EQ(accel::shape_string({5}), "(5)");
}
