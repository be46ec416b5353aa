#include "builder.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace accel::grader;

TEST(Builder, StageSourcesLiveInTheirStageFolder) {
  EXPECT_EQ(StageSource({"01", "naive_loops"}).relative_source(), "stages/01_naive_loops/naive_loops.cpp");
}

// What a student reads when a stage does not compile: the compiler's errors, with the
// grader's copy of their folder removed from the paths.
TEST(Builder, FirstErrorsAreTheCompilersWithShortPaths) {
  const std::string log =
      "[1/3] Building CXX object stages/04_gelu_fusion/CMakeFiles/stage04.dir/x.cpp.o\n"
      "FAILED: stages/04_gelu_fusion/CMakeFiles/stage04.dir/x.cpp.o\n"
      "/usr/bin/c++ -O3 -Wall -Werror -c /b/submission/stages/04_gelu_fusion/gelu_fusion.cpp\n"
      "/b/submission/stages/04_gelu_fusion/gelu_fusion.cpp: In function 'void f()':\n"
      "/b/submission/stages/04_gelu_fusion/gelu_fusion.cpp:208:23: error: 'scale' was not declared in this scope\n"
      "  208 |   const float s = scale;\n"
      "ninja: build stopped: subcommand failed.\n";
  EXPECT_EQ(first_errors(log, "/b/submission/"),
            "stages/04_gelu_fusion/gelu_fusion.cpp:208:23: error: 'scale' was not declared in this scope\n");
  const std::string link = "/usr/bin/ld: naive_loops.cpp.o: in function `f':\n"
                           "naive_loops.cpp:(.text+0x1): undefined reference to `cblas_sgemm'\n"
                           "collect2: error: ld returned 1 exit status\n";
  EXPECT_EQ(first_errors(link, ""),
            "naive_loops.cpp:(.text+0x1): undefined reference to `cblas_sgemm'\n"
            "collect2: error: ld returned 1 exit status\n");
  EXPECT_EQ(first_errors("something else went wrong\n", ""), "something else went wrong");
}

TEST(Builder, ABuildTreeServesOneGraderAtATime) {
  accel::grader::testing::TempDir dir;
  const BuildLock first(dir.path());
  try {
    const BuildLock second(dir.path());
    FAIL() << "a second lock on the same tree was granted";
  } catch (const BuildError& error) {
    EXPECT_NE(std::string(error.what()).find("another grader is using"), std::string::npos) << error.what();
  }
}

}  // namespace
