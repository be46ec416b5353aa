// A stage test binary that dies mid-run, as student code with a wild pointer does.
#include <csignal>

#include <gtest/gtest.h>

TEST(Fake, Passes) { EXPECT_EQ(2 + 2, 4); }
// raise() rather than a real null write: the optimizer may turn a provable null
// dereference into a trap (SIGILL), and the test wants SIGSEGV for certain.
TEST(Fake, Crashes) { std::raise(SIGSEGV); }
