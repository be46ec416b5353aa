#pragma once
// Checks what a timed call produced against the grader's own computation on the same
// inputs, in the grader's process, which runs no student code. The inputs are rebuilt
// from the case's seed (grader/cases), and the tolerance is the tests' own: the GEMM error
// bound for products, 1e-5 + 1e-4·|x| for GELU.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "workloads.hpp"

namespace accel::grader {

// nullopt when `got` is right for `workload` as prepared for the last call; otherwise
// "is wrong at (0, 0): got 0, expected 127.4 (and 262143 more)". Outputs of more than
// 4 Mi elements are checked at their first and last 64 Ki elements and at 256 Ki positions
// drawn from `sample_seed` (chosen after the run, so the timed process cannot know them).
std::optional<std::string> check_output(grade::Workload& workload, std::span<const float> got,
                                        std::uint64_t sample_seed);

}  // namespace accel::grader
