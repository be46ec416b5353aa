// stage05_grade_bench: the student's stage 05 kernels as the grader times them (case names
// are the catalog's, in grader/cases/workloads.cpp; the rubric pairs each with a baseline).
// The tile sizes are the grader's: a tile that fits every course machine's L2 (3 tiles of
// 128² floats, 192 KiB), and one of 32² floats (4 KiB) for a transpose.

#include <array>

#include "harness.hpp"
#include "tiling.hpp"

namespace {

using namespace accel::grade;
namespace s05 = accel::stage05;

void transpose_blocked(Workload& workload) {
  TransposeWorkload& w = as<TransposeWorkload>(workload);
  s05::transpose_blocked(w.in.data(), w.out.data(), w.rows(), w.cols(), 32);
}

void matmul_tiled(Workload& workload) {
  MatmulWorkload& w = as<MatmulWorkload>(workload);
  s05::matmul_tiled(w.a.data(), w.b.data(), w.c.data(), w.m(), w.n(), w.k(), 128);
}

constexpr std::array kRunners = {
    RunnerEntry{"student/transpose_blocked/2000x8000", Kind::transpose, transpose_blocked},
    RunnerEntry{"student/matmul_tiled/64x4096x8192", Kind::matmul, matmul_tiled},
    RunnerEntry{"student/matmul_packed/1024", Kind::matmul, run_matmul<s05::matmul_packed>},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners); }
