# cmake -DTEST_BINARY=... -DQEMU=... -DSYSROOT=... -DEXPECTED_PATH=NEON -DSOURCES="a|b" -P run_under_qemu.cmake
# Runs a cross-built GoogleTest binary under qemu and passes only if every test passed and
# the binary announced the expected SIMD path (so the vector code, not a fallback, ran).

set(build_hint "cmake --preset aarch64-reference && cmake --build --preset aarch64-reference")
if(NOT QEMU)
  message(FATAL_ERROR "qemu-aarch64 was not found: install it with sudo apt-get install qemu-user, "
                      "then reconfigure the reference build")
endif()
if(NOT EXISTS "${TEST_BINARY}")
  message(FATAL_ERROR "build the aarch64-reference preset first: ${build_hint}\n(${TEST_BINARY} does not exist)")
endif()
string(REPLACE "|" ";" SOURCES "${SOURCES}")
foreach(source IN LISTS SOURCES)
  if("${source}" IS_NEWER_THAN "${TEST_BINARY}")
    message(FATAL_ERROR "the aarch64 build is older than ${source}; rebuild it: "
                        "cmake --build --preset aarch64-reference")
  endif()
endforeach()

# OpenBLAS's worker threads spin while they wait, which under qemu-user's emulated threads
# turns seconds into many minutes: the stages that call BLAS are checked on one thread.
set(ENV{OPENBLAS_NUM_THREADS} 1)
execute_process(COMMAND "${QEMU}" -L "${SYSROOT}" "${TEST_BINARY}" --gtest_color=no
                RESULT_VARIABLE exit_code
                OUTPUT_VARIABLE output
                ERROR_VARIABLE output)
message("${output}")
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "${TEST_BINARY} under qemu-aarch64 failed (exit code ${exit_code})")
endif()
if(NOT output MATCHES "SIMD path compiled = ${EXPECTED_PATH}")
  message(FATAL_ERROR "${TEST_BINARY} did not report the ${EXPECTED_PATH} path")
endif()
if(NOT output MATCHES "\\[  PASSED  \\]")
  message(FATAL_ERROR "${TEST_BINARY} did not report its tests as passed")
endif()
