# accel_add_stage(NN slug [LINKS lib...]) turns one stage folder into its four targets:
#   stageNN        library built from the one student-edited source (or its reference)
#   stageNN_test   GoogleTest binary from tests/NN_slug_test.cpp, labels stage-NN;public
#   stageNN_bench  Google Benchmark binary from the stage's bench.cpp
#   stageNN_demo   the in-class runner from the stage's demo.cpp
# and, when grader/benches/NN_slug_bench.cpp exists, stageNN_grade_bench: the grader's
# own speed cases (grader-owned baselines against the stage library).
# LINKS go into the stage library (and so everywhere). [PROGRAM_LINKS lib...] go only into
# the demo and the lesson bench: e.g. BLAS::BLAS, to compare a stage that may not call BLAS
# with it, while the library and the test stay free of it.

option(ACCEL_WERROR "Treat compiler warnings in course code as errors" ON)

include(CheckCXXCompilerFlag)
add_library(accel_flags INTERFACE)
add_library(accel::flags ALIAS accel_flags)
target_compile_options(accel_flags INTERFACE -Wall -Wextra $<$<BOOL:${ACCEL_WERROR}>:-Werror>)
if(ACCEL_NATIVE)
  check_cxx_compiler_flag(-march=native ACCEL_HAS_MARCH_NATIVE)
  if(ACCEL_HAS_MARCH_NATIVE)
    set(ACCEL_ARCH_FLAG -march=native)
  else()
    check_cxx_compiler_flag(-mcpu=native ACCEL_HAS_MCPU_NATIVE)  # Apple clang on Apple Silicon
    if(ACCEL_HAS_MCPU_NATIVE)
      set(ACCEL_ARCH_FLAG -mcpu=native)
    endif()
  endif()
  target_compile_options(accel_flags INTERFACE ${ACCEL_ARCH_FLAG})
endif()
string(TOUPPER "${CMAKE_BUILD_TYPE}" _accel_build_type)
set(ACCEL_COMPILE_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_accel_build_type}} ${ACCEL_ARCH_FLAG}")
string(STRIP "${ACCEL_COMPILE_FLAGS}" ACCEL_COMPILE_FLAGS)

function(accel_add_stage number slug)
  cmake_parse_arguments(PARSE_ARGV 2 STAGE "" "" "LINKS;PROGRAM_LINKS")
  set(stage "${number}_${slug}")
  foreach(library IN LISTS STAGE_LINKS)
    if(library MATCHES "::" AND NOT TARGET "${library}")  # e.g. BLAS::BLAS in a tests-only build
      message(STATUS "Stage ${number} is left out of this build: it needs ${library}")
      return()
    endif()
  endforeach()
  set(stage_dir "${PROJECT_SOURCE_DIR}/stages/${stage}")
  if(ACCEL_IMPL STREQUAL "reference")
    set(source "${PROJECT_SOURCE_DIR}/solutions/${stage}/${slug}.cpp")
  elseif(ACCEL_SUBMISSION_DIR)
    set(source "${ACCEL_SUBMISSION_DIR}/stages/${stage}/${slug}.cpp")
  else()
    set(source "${stage_dir}/${slug}.cpp")
  endif()
  if(NOT EXISTS "${source}")
    message(FATAL_ERROR "Stage ${number}: ${source} does not exist.")
  endif()

  add_library(stage${number} STATIC "${source}")
  target_include_directories(stage${number} PUBLIC "${stage_dir}")
  target_link_libraries(stage${number} PUBLIC accel::toolkit PRIVATE accel::flags ${STAGE_LINKS})
  target_compile_definitions(stage${number} PRIVATE ACCEL_STAGE_SOURCE="stages/${stage}/${slug}.cpp")

  add_executable(stage${number}_test "${PROJECT_SOURCE_DIR}/tests/${stage}_test.cpp")
  target_link_libraries(stage${number}_test PRIVATE stage${number} accel::check accel::flags GTest::gtest_main)
  gtest_discover_tests(stage${number}_test
    TEST_PREFIX "stage-${number}."
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "stage-${number};public" TIMEOUT 300)

  if(ACCEL_TESTS_ONLY)
    return()
  endif()
  foreach(program IN ITEMS bench demo)
    add_executable(stage${number}_${program} "${stage_dir}/${program}.cpp")
    target_link_libraries(stage${number}_${program} PRIVATE stage${number} accel::flags)
  endforeach()
  target_link_libraries(stage${number}_bench PRIVATE accel::bench_main)
  foreach(program IN ITEMS bench demo)
    target_link_libraries(stage${number}_${program} PRIVATE ${STAGE_PROGRAM_LINKS})
  endforeach()

  set(grade_bench "${PROJECT_SOURCE_DIR}/grader/benches/${stage}_bench.cpp")
  if(EXISTS "${grade_bench}")
    add_executable(stage${number}_grade_bench "${grade_bench}")
    # The stage's own LINKS too, so the grader can pin what the student delegates to
    # (BLAS on one thread) without trusting the student's code to do it.
    target_link_libraries(stage${number}_grade_bench PRIVATE stage${number} accel::baselines accel::bench_main accel::flags
                                                             ${STAGE_LINKS})
  endif()
endfunction()
