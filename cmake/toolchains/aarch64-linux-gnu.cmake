# Cross build for 64-bit Arm Linux with Debian's cross compiler, run under qemu-aarch64:
#   sudo apt-get install g++-aarch64-linux-gnu qemu-user googletest
#   (and for the stages that call BLAS: sudo dpkg --add-architecture arm64 &&
#    sudo apt-get update && sudo apt-get install libopenblas-dev:arm64)
#   cmake --preset aarch64-reference && cmake --build --preset aarch64-reference
# CMAKE_CROSSCOMPILING_EMULATOR lets ctest (and GoogleTest's test discovery) run the
# aarch64 test binaries on an x86-64 machine.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(ACCEL_AARCH64_SYSROOT "/usr/aarch64-linux-gnu" CACHE PATH "Target libraries of the aarch64 cross toolchain")
find_program(ACCEL_AARCH64_CXX aarch64-linux-gnu-g++)
find_program(ACCEL_AARCH64_CC aarch64-linux-gnu-gcc)  # GoogleTest's CMake project enables C
if(NOT ACCEL_AARCH64_CXX OR NOT ACCEL_AARCH64_CC)
  message(FATAL_ERROR "The aarch64 cross compiler was not found: install it with "
                      "sudo apt-get install g++-aarch64-linux-gnu")
endif()
set(CMAKE_C_COMPILER "${ACCEL_AARCH64_CC}")
set(CMAKE_CXX_COMPILER "${ACCEL_AARCH64_CXX}")

# Libraries and headers come from the target's trees only; programs from the host. The
# second root is the host's own, for target packages Debian installs as multiarch
# (/usr/lib/aarch64-linux-gnu, e.g. libopenblas-dev:arm64).
set(CMAKE_FIND_ROOT_PATH "${ACCEL_AARCH64_SYSROOT}" /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

find_program(ACCEL_QEMU_AARCH64 qemu-aarch64)
if(NOT ACCEL_QEMU_AARCH64)
  message(FATAL_ERROR "qemu-aarch64 was not found: install it with sudo apt-get install qemu-user")
endif()
# OpenBLAS's worker threads spin while they wait, which under qemu-user turns seconds into
# many minutes: the emulated programs run BLAS on one thread.
set(CMAKE_CROSSCOMPILING_EMULATOR "env;OPENBLAS_NUM_THREADS=1;${ACCEL_QEMU_AARCH64};-L;${ACCEL_AARCH64_SYSROOT}")
