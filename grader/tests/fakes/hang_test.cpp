// A stage test binary that never finishes: the grader must kill it.
#include <unistd.h>

int main() {
  while (true) ::pause();
}
