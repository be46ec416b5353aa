// A grade bench that does not use the harness: it computes the right output for the
// grader's inputs, but writes its own Google Benchmark report claiming each call took
// FAKE_CLAIMED_NS nanoseconds, while each really takes FAKE_REAL_NS (it waits that long):
// the forger the grader's plausibility and clock checks are for.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>

#include <unistd.h>

#include "baselines.hpp"
#include "workloads.hpp"

// To the grader's pipes, as the harness writes them: no file is opened.
void write_all(int fd, const std::string& bytes) {
  for (std::size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + sent, bytes.size() - sent);
    if (n <= 0) return;
    sent += std::size_t(n);
  }
}

int main(int argc, char** argv) {
  std::string case_name;
  int report = -1, dump = -1;
  std::uint64_t seed = 0, calls = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--case") case_name = value;
    if (flag == "--seed") seed = std::stoull(value);
    if (flag == "--iterations") calls = std::stoull(value);
    if (flag == "--report-fd") report = std::stoi(value);
    if (flag == "--dump-fd") dump = std::stoi(value);
  }
  const double claimed_ns = std::atof(std::getenv("FAKE_CLAIMED_NS"));
  const auto real = std::chrono::nanoseconds(std::atoll(std::getenv("FAKE_REAL_NS")));

  const accel::grade::CaseEntry* entry = accel::grade::find_case(case_name);
  auto workload = accel::grade::make_workload(entry->spec, seed);
  auto& w = accel::grade::as<accel::grade::DotWorkload>(*workload);
  for (std::uint64_t call = 1; call <= calls; ++call) std::this_thread::sleep_for(real);
  workload->prepare(calls);
  w.result.data()[0] = accel::baselines::dot_strict(w.a.data(), w.b.data(), w.n());

  std::ostringstream text;
  text << R"({"context": {}, "benchmarks": [{"name": ")" << case_name << R"(", "run_name": ")" << case_name
       << R"(", "run_type": "iteration", "iterations": )" << calls << R"(, "real_time": )" << claimed_ns
       << R"(, "time_unit": "ns"}]})";
  write_all(report, text.str());
  const std::uint64_t count = 1;
  std::string bytes(accel::grade::kDumpMagic, sizeof accel::grade::kDumpMagic);
  bytes.append(reinterpret_cast<const char*>(&calls), sizeof calls);
  bytes.append(reinterpret_cast<const char*>(&count), sizeof count);
  bytes.append(reinterpret_cast<const char*>(w.result.data()), sizeof(float));
  write_all(dump, bytes);
  return 0;
}
