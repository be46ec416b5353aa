// A stage bench binary whose student kernel is still a stub: NotImplemented escapes
// main, std::terminate prints its message and aborts, as a real grade bench does.
#include "accel/todo.hpp"

int main() { accel::not_implemented("04", "matmul_fast", "stages/04_fake/fake.cpp"); }
