// stage07_grade_bench: the student's stage 07 block as the grader times it (case names are
// the catalog's, in grader/cases/workloads.cpp; the rubric pairs it with two baselines: the
// naive block, and the block's two bare sgemm calls). The grader runs it with
// OPENBLAS_NUM_THREADS=1, as it runs the baselines.

#include <array>

#include "capstone.hpp"
#include "harness.hpp"

namespace {

using namespace accel::grade;

void mlp_fast(Workload& workload) {
  MlpWorkload& w = as<MlpWorkload>(workload);
  static accel::stage07::MlpWorkspace workspace;  // sized by the harness's untimed first call
  accel::stage07::mlp_fast(w.x, w.w1, w.b1, w.w2, w.b2, workspace, w.y);
}

constexpr std::array kRunners = {
    RunnerEntry{"student/mlp_fast/64", Kind::mlp, mlp_fast},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners); }
