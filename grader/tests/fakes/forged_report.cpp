// A grade bench that does not use the harness: it computes the right output for the
// grader's inputs, but writes its own Google Benchmark report claiming each call took
// FAKE_CLAIMED_NS nanoseconds, while each really takes FAKE_REAL_NS (it waits that long):
// the forger the grader's plausibility and clock checks are for.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "baselines.hpp"
#include "workloads.hpp"

int main(int argc, char** argv) {
  std::string case_name, report, dump;
  std::uint64_t seed = 0, calls = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--case") case_name = value;
    if (flag == "--seed") seed = std::stoull(value);
    if (flag == "--iterations") calls = std::stoull(value);
    if (flag == "--report") report = value;
    if (flag == "--dump") dump = value;
  }
  const double claimed_ns = std::atof(std::getenv("FAKE_CLAIMED_NS"));
  const auto real = std::chrono::nanoseconds(std::atoll(std::getenv("FAKE_REAL_NS")));

  const accel::grade::CaseEntry* entry = accel::grade::find_case(case_name);
  auto workload = accel::grade::make_workload(entry->spec, seed);
  auto& w = accel::grade::as<accel::grade::DotWorkload>(*workload);
  for (std::uint64_t call = 1; call <= calls; ++call) std::this_thread::sleep_for(real);
  workload->prepare(calls);
  w.result.data()[0] = accel::baselines::dot_strict(w.a.data(), w.b.data(), w.n());

  std::ofstream(report) << R"({"context": {}, "benchmarks": [{"name": ")" << case_name << R"(", "run_name": ")"
                        << case_name << R"(", "run_type": "iteration", "iterations": )" << calls
                        << R"(, "real_time": )" << claimed_ns << R"(, "time_unit": "ns"}]})";
  std::ofstream out(dump, std::ios::binary);
  const std::uint64_t count = 1;
  out.write(accel::grade::kDumpMagic, sizeof accel::grade::kDumpMagic);
  out.write(reinterpret_cast<const char*>(&calls), sizeof calls);
  out.write(reinterpret_cast<const char*>(&count), sizeof count);
  out.write(reinterpret_cast<const char*>(w.result.data()), sizeof(float));
  return 0;
}
