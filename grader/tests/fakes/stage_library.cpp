// The library of the fake stage: what the grader's rule check reads (it keeps every rule).
namespace accel::stage01 {
int fake_function(int x) { return x + 1; }
}  // namespace accel::stage01
