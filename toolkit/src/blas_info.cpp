#include "accel/blas_info.hpp"

#include <cstdlib>

#if defined(ACCEL_BLAS_OPENBLAS)
extern "C" {
int openblas_get_num_threads(void);
int openblas_get_parallel(void);
char* openblas_get_config(void);
}
#elif defined(ACCEL_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#endif

namespace accel {

std::string blas_vendor() {
#if defined(ACCEL_BLAS_OPENBLAS)
  // The same file name may hold a serial, pthreads or OpenMP build (Debian alternatives);
  // only the serial one ignores openblas_set_num_threads.
  const int parallel = openblas_get_parallel();
  return std::string(openblas_get_config()) +
         (parallel == 0 ? " (serial)" : parallel == 1 ? " (pthreads)" : " (OpenMP)");
#elif defined(ACCEL_BLAS_ACCELERATE)
  return "Accelerate";
#else
  return "unknown BLAS";
#endif
}

int current_blas_threads() {
#if defined(ACCEL_BLAS_OPENBLAS)
  return openblas_get_num_threads();
#elif defined(ACCEL_BLAS_ACCELERATE)
#if defined(__clang__) && defined(__MAC_15_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_15_0
  if (__builtin_available(macOS 15.0, *)) {
    if (BLASGetThreading() == BLAS_THREADING_SINGLE_THREADED) return 1;
  }
#endif
  // Read by Accelerate when it starts its threads; it cannot be queried back.
  if (const char* limit = std::getenv("VECLIB_MAXIMUM_THREADS")) return std::atoi(limit);
  return 0;
#else
  return 0;
#endif
}

std::string describe_blas() {
  std::string line = "BLAS:     " + blas_vendor();
#if defined(ACCEL_BLAS_OPENBLAS)
  // The kernels come from OpenBLAS's own choice for this CPU, or from the machine's setting.
  if (const char* core = std::getenv("OPENBLAS_CORETYPE")) line += ", kernels set by OPENBLAS_CORETYPE=" + std::string(core);
#endif
  if (const int threads = current_blas_threads(); threads > 0) {
    line += ", " + std::to_string(threads) + " thread(s)";
  } else {
    line += ", threads chosen by the library";
  }
  return line + '\n';
}

}  // namespace accel
