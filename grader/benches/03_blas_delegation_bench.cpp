// stage03_grade_bench: the student's stage 03 functions as the grader times them (case
// names are the catalog's, in grader/cases/workloads.cpp; the rubric pairs each with a
// baseline). The grader runs it with OPENBLAS_NUM_THREADS=1 and checks that the process
// used one core: the ratios compare one core with one core, whatever the student's code
// asks of the BLAS.

#include <array>

#include "blas_delegation.hpp"
#include "harness.hpp"

namespace {

using namespace accel::grade;

void matmul_blas(Workload& workload) {
  MatmulWorkload& w = as<MatmulWorkload>(workload);
  w.c = accel::stage03::matmul_blas(w.a, w.b);
}

void linear(Workload& workload) {
  LinearWorkload& w = as<LinearWorkload>(workload);
  w.y = accel::stage03::linear(w.x, w.w, w.bias);
}

constexpr std::array kRunners = {
    RunnerEntry{"student/matmul_blas/512", Kind::matmul, matmul_blas},
    RunnerEntry{"student/linear/64", Kind::linear, linear},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners); }
