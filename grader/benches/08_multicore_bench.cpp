// stage08_grade_bench: the student's stage 08 kernels as the grader times them (case names
// are the catalog's, in grader/cases/workloads.cpp). Every kernel runs on all the cores this
// process may use, and matmul_parallel also on one: the rubric judges its scaling, the
// one-thread time over the all-core time, against the reference's.

#include <array>

#include "accel/cpu_info.hpp"
#include "harness.hpp"
#include "multicore.hpp"

namespace {

using namespace accel::grade;
namespace s08 = accel::stage08;

const unsigned kCores = accel::usable_cores();

void add_parallel(Workload& workload) {
  AddWorkload& w = as<AddWorkload>(workload);
  s08::add_parallel(w.a.data(), w.b.data(), w.c.data(), w.n(), kCores);
}

void gelu_parallel(Workload& workload) {
  GeluWorkload& w = as<GeluWorkload>(workload);
  s08::gelu_parallel(w.x.data(), w.out.data(), w.n(), kCores);
}

template <unsigned Threads>
void matmul_parallel(Workload& workload) {
  MatmulWorkload& w = as<MatmulWorkload>(workload);
  s08::matmul_parallel(w.a.data(), w.b.data(), w.c.data(), w.m(), w.n(), w.k(), Threads == 0 ? kCores : Threads);
}

void sum_parallel(Workload& workload) {
  SumWorkload& w = as<SumWorkload>(workload);
  w.result.data()[0] = s08::sum_parallel(w.x.data(), w.n(), kCores);
}

constexpr std::array kRunners = {
    RunnerEntry{"student/add_parallel/16777216", Kind::add, add_parallel},
    RunnerEntry{"student/gelu_parallel/16777216", Kind::gelu, gelu_parallel},
    RunnerEntry{"student/matmul_parallel/1024", Kind::matmul, matmul_parallel<0>},
    RunnerEntry{"student/matmul_parallel_one_thread/1024", Kind::matmul, matmul_parallel<1>},
    RunnerEntry{"student/sum_parallel/16777216", Kind::sum, sum_parallel},
};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners); }
