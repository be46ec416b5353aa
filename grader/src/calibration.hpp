#pragma once
// Where a speed check's bar comes from. A speed check asks for a fraction of the speedup
// the reference reaches on the grading machine; three sources give that speedup, the
// first available wins:
//   1. the reference itself, timed beside the student in the same rounds (the course's own
//      repository, where solutions/ exists: an instructor grading);
//   2. a calibration: the reference's speedups that `grader --calibrate` measured on the
//      grading machine and wrote to grader/calibration.json, which `./lab release` ships
//      with the handout (a student grading their own work on their own machine);
//   3. the rubric's reference_speedup, measured when the rubric was set.

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "rubric.hpp"
#include "scoring.hpp"

namespace accel::grader {

struct Calibration {
  std::string machine;  // "AMD EPYC (x86_64), compiled for AVX-512, GNU 12.2.0 -O3 -DNDEBUG -march=native"
  std::string date;     // "2026-12-03"
  // Per speedup check, the reference's speedup over the grader's baseline.
  std::map<std::pair<std::string, std::string>, double> figures;  // (stage, check) -> figure

  std::optional<double> figure(const std::string& stage, const std::string& check) const;
};

class CalibrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The machine a calibration describes, and this grader's: CPU model, the instruction set
// the course was compiled for, compiler and flags.
std::string this_machine();

// Throws CalibrationError naming the file and what is wrong with it.
Calibration load_calibration(const std::filesystem::path& file);

// The calibration of a grading: each scored speedup check's reference speedup. Throws
// CalibrationError when one was not judged against the reference timed in this run (a
// calibration records what the reference did here, nothing else).
std::string calibration_json(const std::vector<const Stage*>& stages, const std::vector<CheckResult>& checks,
                             const std::string& date);

}  // namespace accel::grader
