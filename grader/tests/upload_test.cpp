#include "upload.hpp"

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace {

using namespace accel::grader;
namespace fs = std::filesystem;

const Rubric& rubric() {
  static const Rubric shipped = load_rubric(ACCEL_RUBRIC_FILE);
  return shipped;
}

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

bool mentions(const std::vector<std::string>& lines, const std::string& part) {
  return std::ranges::any_of(lines, [&](const std::string& line) { return line.find(part) != std::string::npos; });
}

// Loose files, as a student drags them into the upload box.
TEST(Upload, LooseSourcesAreLaidOutAsTheCourse) {
  accel::grader::testing::TempDir dir;
  write(dir.path() / "upload/naive_loops.cpp", "// mine 01\n");
  write(dir.path() / "upload/work/gelu_fusion.cpp", "// mine 04\n");
  const Upload upload = collect_upload(dir.path() / "upload", rubric(), dir.path() / "copy");
  ASSERT_EQ(upload.taken.size(), 2u);
  EXPECT_TRUE(upload.problems.empty());
  EXPECT_EQ(read_text_file(dir.path() / "copy/stages/01_naive_loops/naive_loops.cpp"), "// mine 01\n");
  EXPECT_EQ(read_text_file(dir.path() / "copy/stages/04_gelu_fusion/gelu_fusion.cpp"), "// mine 04\n");
  EXPECT_TRUE(mentions(upload.taken, "(from work/gelu_fusion.cpp)"));
}

// A zip of the whole repository: the stage folder's copy wins over stray copies, and what
// holds no student work (build trees, git, a solutions folder) is never read.
TEST(Upload, AWholeRepositoryGivesItsStageFolders) {
  accel::grader::testing::TempDir dir;
  const fs::path repo = dir.path() / "upload/course-main";
  write(repo / "stages/02_simd_intrinsics/simd_intrinsics.cpp", "// the real one\n");
  write(repo / "scratch/simd_intrinsics.cpp", "// an old try\n");
  write(repo / "solutions/01_naive_loops/naive_loops.cpp", "// not the student's\n");
  write(repo / "build/student/_deps/naive_loops.cpp", "// a build tree's\n");
  write(repo / ".git/naive_loops.cpp", "// git's\n");
  write(repo / "stages/02_simd_intrinsics/demo.cpp", "// the course's demo\n");
  const Upload upload = collect_upload(dir.path() / "upload", rubric(), dir.path() / "copy");
  ASSERT_EQ(upload.taken.size(), 1u) << upload.taken.front();
  EXPECT_EQ(read_text_file(dir.path() / "copy/stages/02_simd_intrinsics/simd_intrinsics.cpp"), "// the real one\n");
  EXPECT_FALSE(fs::exists(dir.path() / "copy/stages/01_naive_loops/naive_loops.cpp"));
  EXPECT_TRUE(mentions(upload.problems, "scratch/simd_intrinsics.cpp: course-main/stages/02_simd_intrinsics/"
                                        "simd_intrinsics.cpp is taken instead"));
}

TEST(Upload, WhatCannotBeGradedIsNamedAndLeftOut) {
  accel::grader::testing::TempDir dir;
  write(dir.path() / "upload/stages/09_quantum/quantum.cpp", "// no such stage\n");
  write(dir.path() / "upload/helpers.cpp", "// not a stage's source\n");
  write(dir.path() / "upload/notes.txt", "not code\n");
  write(dir.path() / "upload/blas_delegation.cpp", std::string(kMaxSourceBytes + 1, '/'));
  const Upload upload = collect_upload(dir.path() / "upload", rubric(), dir.path() / "copy");
  EXPECT_TRUE(upload.empty());
  EXPECT_TRUE(mentions(upload.problems, "stages/09_quantum/quantum.cpp: the course has no stage 09"));
  EXPECT_TRUE(mentions(upload.problems, "helpers.cpp: named like no stage's source file"));
  EXPECT_TRUE(mentions(upload.problems, "blas_delegation.cpp: 1024 KiB, over the 1 MiB"));
  EXPECT_FALSE(mentions(upload.problems, "notes.txt"));
  EXPECT_TRUE(fs::is_directory(dir.path() / "copy/stages"));
}

// The copy is rebuilt for each upload: nothing of an earlier student's remains.
TEST(Upload, TheCopyHoldsThisUploadOnly) {
  accel::grader::testing::TempDir dir;
  write(dir.path() / "first/naive_loops.cpp", "// first student\n");
  write(dir.path() / "second/tiling.cpp", "// second student\n");
  collect_upload(dir.path() / "first", rubric(), dir.path() / "copy");
  collect_upload(dir.path() / "second", rubric(), dir.path() / "copy");
  EXPECT_FALSE(fs::exists(dir.path() / "copy/stages/01_naive_loops/naive_loops.cpp"));
  EXPECT_TRUE(fs::exists(dir.path() / "copy/stages/05_tiling/tiling.cpp"));
}

}  // namespace
