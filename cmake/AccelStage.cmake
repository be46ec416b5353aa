# accel_add_stage(NN slug [LINKS lib...] [TEST_LINKS lib...] [PROGRAM_LINKS lib...]) turns one
# stage folder into its four targets:
#   stageNN        library built from the one student-edited source (or its reference)
#   stageNN_test   GoogleTest binary from tests/NN_slug_test.cpp, label stage-NN
#   stageNN_bench  Google Benchmark binary from the stage's bench.cpp
#   stageNN_demo   the in-class runner from the stage's demo.cpp
# and, when grader/benches/NN_slug_bench.cpp exists, stageNN_grade_bench: the student's
# kernels as the grader times them (grader/harness; the baselines run in grade_baselines).
#
# LINKS are what the stage's own code may call beyond the toolkit (e.g. accel::blas); they
# reach everything built on the library. TEST_LINKS go to the test only (e.g. an XML
# parser that checks a picture), PROGRAM_LINKS to the demo and the lesson bench only (e.g.
# the BLAS they compare against, which the stage library itself must not call). The
# grader checks the stage library's symbols against the rubric's rules before it runs
# anything. In a submission build every stage's test and grade bench also link BLAS, so a
# stage that calls BLAS where it may not is judged by that check (its speed checks lose,
# naming the symbol) rather than by the linker (the whole stage would not build).

option(ACCEL_WERROR "Treat compiler warnings in course code as errors" ON)

include(CheckCXXCompilerFlag)
add_library(accel_flags INTERFACE)
add_library(accel::flags ALIAS accel_flags)
target_compile_options(accel_flags INTERFACE -Wall -Wextra $<$<BOOL:${ACCEL_WERROR}>:-Werror>)
# A student build does not warn about unused parameters: every stub leaves its parameters
# unused until it is written, and a student writes the branch of a stage their machine
# compiles, leaving the other instruction set's a TODO. Unused variables and helpers stay
# warnings there, not errors, so a lab partner's other machine still builds every stage.
if(ACCEL_IMPL STREQUAL "student")
  target_compile_options(accel_flags INTERFACE -Wno-unused-parameter)
  if(ACCEL_WERROR)
    target_compile_options(accel_flags INTERFACE -Wno-error=unused-variable -Wno-error=unused-but-set-variable
                                                 -Wno-error=unused-function)
  endif()
endif()
# GCC 12 at -O3 reports a false -Wrestrict inside <string> for code as plain as
# "(" + std::to_string(n) (GCC bug 105651, fixed in 13); under -Werror it would stop a
# student's correct code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(accel_flags INTERFACE -Wno-restrict)
endif()
if(ACCEL_ARCH STREQUAL "native")
  check_cxx_compiler_flag(-march=native ACCEL_HAS_MARCH_NATIVE)
  if(ACCEL_HAS_MARCH_NATIVE)
    set(ACCEL_ARCH_FLAG -march=native)
  else()
    check_cxx_compiler_flag(-mcpu=native ACCEL_HAS_MCPU_NATIVE)  # Apple clang on Apple Silicon
    if(ACCEL_HAS_MCPU_NATIVE)
      set(ACCEL_ARCH_FLAG -mcpu=native)
    endif()
  endif()
elseif(NOT ACCEL_ARCH MATCHES "^(none|)$")
  # Another machine's instruction set, e.g. x86-64-v3 (AVX2 + FMA, no AVX-512): what an
  # AVX2-only laptop compiles, built and graded on this one.
  check_cxx_compiler_flag(-march=${ACCEL_ARCH} ACCEL_HAS_MARCH_${ACCEL_ARCH})
  if(NOT ACCEL_HAS_MARCH_${ACCEL_ARCH})
    message(FATAL_ERROR "ACCEL_ARCH=${ACCEL_ARCH}: this compiler does not accept -march=${ACCEL_ARCH}.")
  endif()
  set(ACCEL_ARCH_FLAG -march=${ACCEL_ARCH})
endif()
target_compile_options(accel_flags INTERFACE ${ACCEL_ARCH_FLAG})
# Every loop starts on a 64-byte line. Zen 3 runs a loop of a few instructions at about half
# speed when it straddles two lines: the same plain triad loop measured 55 or 120 GB/s in L1
# depending only on where the linker put it, so the grader's triad probe and a student's
# triad differed by 1.4x at the same footprint. Aligned, a mark does not depend on where
# the code landed.
check_cxx_compiler_flag(-falign-loops=64 ACCEL_HAS_ALIGN_LOOPS)
if(ACCEL_HAS_ALIGN_LOOPS)
  set(ACCEL_ALIGN_FLAG -falign-loops=64)
endif()
target_compile_options(accel_flags INTERFACE ${ACCEL_ALIGN_FLAG})
# GCC 12's AVX-512 intrinsics (_mm512_max_ps, _mm512_unpacklo_ps, _mm512_shuffle_f32x4, ...)
# pass _mm512_undefined_ps() as the merge source of their masked builtins, which GCC 12
# takes for a read of an uninitialized variable once inlined (GCC bug 105593, fixed in 13):
# a hundred lines of errors in a system header for correct code. Where a GCC 12 build
# targets AVX-512, those two warnings are off (GCC 13 and clang report them as usual).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "${ACCEL_ARCH_FLAG}")
  check_cxx_source_compiles("#ifndef __AVX512F__\n#error no AVX-512\n#endif\nint main() {}" ACCEL_TARGETS_AVX512)
  unset(CMAKE_REQUIRED_FLAGS)
  if(ACCEL_TARGETS_AVX512)
    target_compile_options(accel_flags INTERFACE -Wno-uninitialized -Wno-maybe-uninitialized)
  endif()
endif()
string(TOUPPER "${CMAKE_BUILD_TYPE}" _accel_build_type)
set(ACCEL_COMPILE_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_accel_build_type}} ${ACCEL_ARCH_FLAG} ${ACCEL_ALIGN_FLAG}")
string(STRIP "${ACCEL_COMPILE_FLAGS}" ACCEL_COMPILE_FLAGS)

function(accel_add_stage number slug)
  cmake_parse_arguments(PARSE_ARGV 2 STAGE "" "" "LINKS;TEST_LINKS;PROGRAM_LINKS")
  set(stage "${number}_${slug}")
  foreach(library IN LISTS STAGE_LINKS STAGE_TEST_LINKS)
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
    if(NOT EXISTS "${source}")
      # The grader copies every stage its rubric grades into the submission (a placeholder
      # for one the student's copy lacks), so only a stage the rubric does not grade yet, such
      # as a new stage folder before its rubric entry, gets here: leave it out, not the build.
      message(STATUS "Stage ${number} is left out of this submission build: the rubric does not grade it")
      return()
    endif()
  else()
    set(source "${stage_dir}/${slug}.cpp")
  endif()
  if(NOT EXISTS "${source}")
    message(FATAL_ERROR "Stage ${number}: ${source} does not exist.")
  endif()

  add_library(stage${number} STATIC "${source}")
  target_include_directories(stage${number} PUBLIC "${stage_dir}")
  target_link_libraries(stage${number} PUBLIC accel::toolkit PRIVATE accel::flags ${STAGE_LINKS})
  target_compile_definitions(stage${number} PRIVATE ACCEL_STAGE="${number}" ACCEL_STAGE_SOURCE="stages/${stage}/${slug}.cpp")

  set(executable_links ${STAGE_LINKS})
  if(ACCEL_SUBMISSION_DIR AND TARGET BLAS::BLAS)
    list(APPEND executable_links BLAS::BLAS)
  endif()

  add_executable(stage${number}_test "${PROJECT_SOURCE_DIR}/tests/${stage}_test.cpp")
  target_link_libraries(stage${number}_test PRIVATE stage${number} accel::check accel::flags accel::test_main
                                                    ${executable_links} ${STAGE_TEST_LINKS})
  # ctest does not build: a first test of the stage does, so `ctest --preset stage-NN`
  # never runs a stale program after an edit (a compile error shows there, and the
  # stage's tests are then not run).
  add_test(NAME stage-${number}.build COMMAND "${CMAKE_COMMAND}" --build "${PROJECT_BINARY_DIR}" --target stage${number}_test)
  set_tests_properties(stage-${number}.build PROPERTIES FIXTURES_SETUP stage${number}_built RUN_SERIAL TRUE
                                                       LABELS "stage-${number}")
  gtest_discover_tests(stage${number}_test
    TEST_PREFIX "stage-${number}."
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "stage-${number}" TIMEOUT 300 FIXTURES_REQUIRED stage${number}_built)

  add_dependencies(grading stage${number}_test)
  if(ACCEL_TESTS_ONLY)
    return()
  endif()
  foreach(program IN ITEMS bench demo)
    add_executable(stage${number}_${program} "${stage_dir}/${program}.cpp")
    target_link_libraries(stage${number}_${program} PRIVATE stage${number} accel::lesson accel::flags)
  endforeach()
  target_link_libraries(stage${number}_bench PRIVATE accel::bench_main)
  foreach(program IN ITEMS bench demo)
    target_link_libraries(stage${number}_${program} PRIVATE ${STAGE_PROGRAM_LINKS})
  endforeach()

  set(grade_bench "${PROJECT_SOURCE_DIR}/grader/benches/${stage}_bench.cpp")
  if(NOT EXISTS "${grade_bench}")
    return()
  endif()
  add_executable(stage${number}_grade_bench "${grade_bench}")
  target_link_libraries(stage${number}_grade_bench PRIVATE stage${number} accel::grade_harness accel::flags
                                                           ${executable_links})
  add_dependencies(grading stage${number}_grade_bench)

  # stageNN_reference_bench: the reference's kernels in the same grade bench, which the
  # grader times beside the student's in the same rounds: a speed check asks for a fraction
  # of what the reference reaches on this machine. Only where the tree has solutions/ (an
  # instructor's copy); a handout grades against a calibration instead.
  set(reference_source "${PROJECT_SOURCE_DIR}/solutions/${stage}/${slug}.cpp")
  if(NOT EXISTS "${reference_source}")
    return()
  endif()
  # A student or submission build does not build them unless asked (the grader asks):
  # `cmake --build` of a student tree compiles the student's code, not the reference's.
  if(ACCEL_IMPL STREQUAL "reference")
    set(reference_library stage${number})
    set(exclude "")
  else()
    set(reference_library stage${number}_reference)
    set(exclude EXCLUDE_FROM_ALL)
    add_library(${reference_library} STATIC ${exclude} "${reference_source}")
    target_include_directories(${reference_library} PUBLIC "${stage_dir}")
    target_link_libraries(${reference_library} PUBLIC accel::toolkit PRIVATE accel::flags ${STAGE_LINKS})
    target_compile_definitions(${reference_library} PRIVATE ACCEL_STAGE_SOURCE="solutions/${stage}/${slug}.cpp")
  endif()
  add_executable(stage${number}_reference_bench ${exclude} "${grade_bench}")
  target_link_libraries(stage${number}_reference_bench PRIVATE ${reference_library} accel::grade_harness accel::flags
                                                               ${STAGE_LINKS})
  add_dependencies(grading stage${number}_reference_bench)
endfunction()
