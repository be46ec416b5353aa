# Every dependency is a system package found with find_package; none is vendored.
# A missing one stops configure with the package to install.

macro(accel_require package debian_package brew_package)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    message(FATAL_ERROR "${package} was not found. Install it with\n"
                        "  Debian/Ubuntu: sudo apt-get install ${debian_package}\n"
                        "  macOS:         brew install ${brew_package}\n"
                        "or run ./lab setup, which installs everything the course needs.")
  endif()
endmacro()

if(CMAKE_CROSSCOMPILING)
  # The packaged GoogleTest libraries are built for this machine, not the target, so a
  # cross build compiles GoogleTest from the sources Debian's googletest package ships.
  set(ACCEL_GTEST_SOURCE_DIR "/usr/src/googletest" CACHE PATH "GoogleTest sources for cross builds")
  if(NOT EXISTS "${ACCEL_GTEST_SOURCE_DIR}/CMakeLists.txt")
    message(FATAL_ERROR "A cross build compiles GoogleTest from source, which was not found in "
                        "${ACCEL_GTEST_SOURCE_DIR}. Install it with: sudo apt-get install googletest")
  endif()
  set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  add_subdirectory("${ACCEL_GTEST_SOURCE_DIR}" "${CMAKE_BINARY_DIR}/googletest" EXCLUDE_FROM_ALL SYSTEM)
  if(NOT TARGET GTest::gtest_main)  # GoogleTest ≥ 1.11 defines these aliases itself
    add_library(GTest::gtest ALIAS gtest)
    add_library(GTest::gtest_main ALIAS gtest_main)
  endif()
else()
  accel_require(GTest libgtest-dev googletest)
endif()
find_package(Threads REQUIRED)
# pugixml: stage 06's test reads the roofline SVG with a real XML parser. A cross build
# without the target's pugixml leaves stage 06 out (accel_add_stage, TEST_LINKS).
if(CMAKE_CROSSCOMPILING)
  find_package(pugixml QUIET)
else()
  accel_require(pugixml libpugixml-dev pugixml)
endif()

# BLAS: OpenBLAS on Linux, Accelerate on macOS. The header cblas.h is not covered by
# FindBLAS, so it is looked up beside the library.
if(APPLE)
  set(BLA_VENDOR Apple)
  set(ACCEL_BLAS_VENDOR "Accelerate")
else()
  set(BLA_VENDOR OpenBLAS)
  set(ACCEL_BLAS_VENDOR "OpenBLAS")
endif()

# Tests-only builds (the aarch64 cross build) build no benches, demos or grader. They use
# the target's BLAS when it is installed (Debian: libopenblas-dev:arm64), so the stages that
# call BLAS are tested too; without it those stages are left out (accel_add_stage) and the
# toolkit reports the BLAS as "none".
if(ACCEL_TESTS_ONLY)
  find_package(BLAS QUIET)
  if(NOT BLAS_FOUND)
    set(ACCEL_BLAS_VENDOR "none")
    return()
  endif()
else()
  accel_require(benchmark libbenchmark-dev google-benchmark)
  accel_require(CLI11 libcli11-dev cli11)
  accel_require(nlohmann_json nlohmann-json3-dev nlohmann-json)
  accel_require(BLAS libopenblas-dev openblas)
  # BLIS beside OpenBLAS in stage 05's bench and demo (accel::blis), one thread. Its own
  # folder holds its blis.h and a cblas.h of its own; only the toolkit's wrapper sees them.
  find_path(ACCEL_BLIS_INCLUDE_DIR blis.h PATH_SUFFIXES "${CMAKE_LIBRARY_ARCHITECTURE}/blis-serial" blis-serial blis
            NO_CACHE)
  find_library(ACCEL_BLIS_LIBRARY blis PATH_SUFFIXES blis-serial NO_CACHE)
  if(NOT ACCEL_BLIS_INCLUDE_DIR OR NOT ACCEL_BLIS_LIBRARY)
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
      message(FATAL_ERROR "BLIS was not found. Install it with\n"
                          "  Debian/Ubuntu: sudo apt-get install libblis-serial-dev\n"
                          "or run ./lab setup, which installs everything the course needs.")
    endif()
    message(STATUS "BLIS was not found: stage 05 compares its packed GEMM with ${ACCEL_BLAS_VENDOR} alone "
                   "(brew install blis to add it)")
  endif()
  # The grader's sandbox for student code (grader/src/sandbox.hpp): libseccomp on Linux.
  # Other systems have no seccomp; there the grader says what it cannot enforce.
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    find_package(PkgConfig QUIET)
    if(PkgConfig_FOUND)
      pkg_check_modules(ACCEL_SECCOMP QUIET IMPORTED_TARGET libseccomp)
    endif()
    if(NOT ACCEL_SECCOMP_FOUND)
      message(FATAL_ERROR "libseccomp was not found. Install it with\n"
                          "  Debian/Ubuntu: sudo apt-get install libseccomp-dev pkg-config\n"
                          "or run ./lab setup, which installs everything the course needs.")
    endif()
  endif()
endif()
if(APPLE)
  target_compile_definitions(BLAS::BLAS INTERFACE ACCEL_BLAS_ACCELERATE ACCELERATE_NEW_LAPACK)
else()
  find_path(ACCEL_CBLAS_INCLUDE_DIR cblas.h
            PATH_SUFFIXES openblas openblas-pthread "${CMAKE_LIBRARY_ARCHITECTURE}/openblas-pthread")
  if(NOT ACCEL_CBLAS_INCLUDE_DIR)
    message(FATAL_ERROR "cblas.h was not found. Install it with: sudo apt-get install libopenblas-dev")
  endif()
  target_include_directories(BLAS::BLAS INTERFACE "${ACCEL_CBLAS_INCLUDE_DIR}")
  target_compile_definitions(BLAS::BLAS INTERFACE ACCEL_BLAS_OPENBLAS)
endif()
# Say which library was found. Whether it threads (Debian ships pthreads, OpenMP and serial
# OpenBLAS builds behind one file name) is only known at run time: accel::cpu_info reports it.
list(JOIN BLAS_LIBRARIES " " _accel_blas_libraries)
if(APPLE)
  message(STATUS "BLAS: ${ACCEL_BLAS_VENDOR} (${_accel_blas_libraries})")
else()
  message(STATUS "BLAS: ${ACCEL_BLAS_VENDOR} (${_accel_blas_libraries}; cblas.h in ${ACCEL_CBLAS_INCLUDE_DIR})")
endif()
