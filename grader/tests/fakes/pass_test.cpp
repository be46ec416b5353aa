// A stage test binary whose tests all pass.
#include <gtest/gtest.h>

TEST(Fake, Passes) { EXPECT_EQ(2 + 2, 4); }
TEST(Fake, AlsoPasses) { EXPECT_TRUE(true); }
TEST(Other, Passes) { EXPECT_LT(1, 2); }
