// A stage test binary that never finishes, and has started a child of its own that
// never finishes either: the grader must kill both. When FAKE_HANG_PID_FILE is set, the
// grandchild's pid is written there so a test can check that it is gone.
#include <cstdlib>
#include <fstream>

#include <unistd.h>

int main() {
  const pid_t grandchild = ::fork();
  if (grandchild == 0) {
    while (true) ::pause();
  }
  if (const char* pid_file = std::getenv("FAKE_HANG_PID_FILE")) std::ofstream(pid_file) << grandchild << '\n';
  while (true) ::pause();
}
