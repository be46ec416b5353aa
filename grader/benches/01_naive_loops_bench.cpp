// stage01_grade_bench: the student's stage 01 kernels as the grader times them (case names
// are the catalog's, in grader/cases/workloads.cpp; the rubric pairs each with a baseline).

#include <array>

#include "harness.hpp"
#include "naive_loops.hpp"

namespace {

using namespace accel::grade;

constexpr std::array kRunners = {
    RunnerEntry{"student/matmul_ikj/512", Kind::matmul, run_matmul<accel::stage01::matmul_ikj>},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners); }
