// A stage's grade bench that times "student/dot_simd/2048" with the real harness and, as
// FAKE_CANDIDATE says, behaves like an honest kernel or like a cheat the grader must catch:
//   good        a correct dot product
//   wrong       returns 0
//   memo        returns its first result again whenever it sees the same arrays
//   threads     keeps a second core busy while it runs (a thread)
//   fork        starts a process in the timed call
//   raw_process starts a process with a raw clone system call, as inline assembly would
//   write_file  writes a file in the timed call
//   socket      opens a socket in the timed call
//   slow_start  spends a second before main: work the timed calls do not show
//   append      writes a second report into the grader's pipe as the program ends
//   stub        a TODO stub: throws NotImplemented
//   slow        a correct dot product that takes 2.5 times as long as it needs
// Built a second time as fake_reference, the reference's bench, which is always good.
#include <array>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

#include <csignal>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "accel/todo.hpp"
#include "baselines.hpp"
#include "harness.hpp"

namespace {

using namespace accel::grade;

#if defined(FAKE_REFERENCE)
const std::string behaviour = "good";
#else
const std::string behaviour = std::getenv("FAKE_CANDIDATE") ? std::getenv("FAKE_CANDIDATE") : "good";
#endif

const bool slow_start = [] {
  if (behaviour == "slow_start") std::this_thread::sleep_for(std::chrono::seconds(1));
  return true;
}();

struct AppendAtExit {
  ~AppendAtExit() {
    if (behaviour == "append") {
      const std::string_view second = "{\"benchmarks\": []}\n";
      [[maybe_unused]] const auto written = ::write(3, second.data(), second.size());
    }
  }
} append_at_exit;

std::atomic<bool> stop{false};
struct Spinner {
  std::thread thread;
  ~Spinner() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
} spinner;

void dot(Workload& workload) {
  DotWorkload& w = as<DotWorkload>(workload);
  static const float* seen = nullptr;
  static float remembered = 0;
  if (behaviour == "stub") accel::not_implemented("02", "dot_simd", "stages/02_fake/fake.cpp");
  if (behaviour == "threads" && !spinner.thread.joinable()) {
    spinner.thread = std::thread([] {
      while (!stop) {
      }
    });
  }
  if (behaviour == "fork" && ::fork() == 0) ::_exit(0);
  if (behaviour == "raw_process" && ::syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, 0) == 0) ::_exit(0);
  if (behaviour == "write_file") std::ofstream("/tmp/accel-fake-candidate-was-here") << "a file\n";
  if (behaviour == "socket") ::close(::socket(AF_INET, SOCK_STREAM, 0));
  if (behaviour == "memo" && seen == w.a.data()) {
    w.result.data()[0] = remembered;
    return;
  }
  if (behaviour == "slow") {
    float wasted = accel::baselines::dot_strict(w.a.data(), w.b.data(), w.n());
    wasted += accel::baselines::dot_strict(w.a.data(), w.b.data(), w.n() / 2);
    benchmark::DoNotOptimize(wasted);
  }
  const float value = behaviour == "wrong" ? 0.0f : accel::baselines::dot_strict(w.a.data(), w.b.data(), w.n());
  w.result.data()[0] = remembered = value;
  seen = w.a.data();
}

constexpr std::array kRunners = {RunnerEntry{"student/dot_simd/2048", Kind::dot, dot}};

}  // namespace

int main(int argc, char** argv) { return harness_main(argc, argv, kRunners); }
