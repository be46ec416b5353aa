// stage06_grade_bench: the student's stage 06 measuring functions and model as the grader
// calls them: value cases, whose results the grader compares with its own measurements
// (grade_baselines' machine/triad_gbps and machine/add_seconds, and the FMA probes).

#include <array>
#include <cstddef>
#include <span>

#include "harness.hpp"
#include "roofline.hpp"

namespace {

using namespace accel::grade;
namespace s06 = accel::stage06;

double peak_gflops(std::span<const double>) { return s06::peak_gflops(); }

double stream_triad_gbps(std::span<const double> args) { return s06::stream_triad_gbps(std::size_t(argument(args, 0))); }

// args: the cost (FLOPs, bytes) and the roofs (GFLOP/s, GB/s).
double predict_seconds(std::span<const double> args) {
  return s06::predict_seconds({argument(args, 0), argument(args, 1)}, {argument(args, 2), argument(args, 3)});
}

constexpr std::array kValues = {ValueEntry{"student/peak_gflops", peak_gflops},
                                ValueEntry{"student/stream_triad_gbps", stream_triad_gbps},
                                ValueEntry{"student/predict_seconds", predict_seconds}};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, {}, {}, kValues); }
