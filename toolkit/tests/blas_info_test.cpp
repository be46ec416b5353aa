#include "accel/blas_info.hpp"

#include <string>

#include <gtest/gtest.h>

TEST(BlasInfo, NamesTheLibraryAndItsThreads) {
  EXPECT_FALSE(accel::blas_vendor().empty());
  EXPECT_EQ(accel::describe_blas().rfind("BLAS:", 0), 0u) << accel::describe_blas();
  EXPECT_GE(accel::current_blas_threads(), 0);
  if (accel::blas_vendor().rfind("OpenBLAS", 0) == 0) {
    EXPECT_GE(accel::current_blas_threads(), 1);
  }
}
