#pragma once
// Which BLAS a program runs on and how many threads it will use. A separate library
// (accel::blas_info), linked only by programs that link BLAS themselves: the toolkit does
// not hand BLAS to every stage.

#include <string>

namespace accel {

// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64 (pthreads)", "Accelerate".
std::string blas_vendor();

// The number of threads the BLAS library will use for its next call. Read live, because
// a program may change it (stage 03's set_blas_threads). 0 when the library decides for
// itself (Accelerate, unless VECLIB_MAXIMUM_THREADS or a single-threaded model was set).
int current_blas_threads();

// One line for the top of a demo or grade: "BLAS:     <vendor>, <n> thread(s)".
std::string describe_blas();

}  // namespace accel
