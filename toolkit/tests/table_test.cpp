#include "accel/table.hpp"

#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

TEST(Table, AlignsColumns) {
  accel::Table table({"size", "kernel", "GFLOP/s"});
  table.add_row({"64", "ijk", accel::fixed(1.5, 2)});
  table.add_row({"1024", "ikj", accel::fixed(12.345, 2)});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(),
            "size  kernel  GFLOP/s\n"
            "---------------------\n"
            "  64  ijk        1.50\n"
            "1024  ikj       12.35\n");
  EXPECT_THROW(table.add_row({"1"}), std::invalid_argument);
}

TEST(Table, MixedColumnReadsAsTextWithoutTrailingSpaces) {
  accel::Table table({"check", "measured"});
  table.add_row({"speed", "20.1x"});
  table.add_row({"tests", "not implemented"});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(),
            "check  measured\n"
            "----------------------\n"
            "speed  20.1x\n"
            "tests  not implemented\n");
}
