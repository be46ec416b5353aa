cmake_minimum_required(VERSION 3.25)
# cmake -DCOURSE=<source> -DWORK=<dir> -DGENERATOR=<generator> -P check_tsan.cmake
# Stage 08 under ThreadSanitizer, as `./lab test 08 --tsan` builds it: the reference's
# tests run without a report, and the racy sum of the mutant 08_sum_data_race is named,
# with the line of the race.

include("${CMAKE_CURRENT_LIST_DIR}/run_step.cmake")
set(flags "-DCMAKE_BUILD_TYPE=RelWithDebInfo" "-DCMAKE_CXX_FLAGS=-fsanitize=thread -fno-omit-frame-pointer")

# The reference, built as the tsan preset builds a student's code.
set(reference_build "${WORK}/tsan-reference")
run("configuring the reference with ThreadSanitizer" "${CMAKE_COMMAND}" -S "${COURSE}" -B "${reference_build}"
    -G "${GENERATOR}" -DACCEL_IMPL=reference ${flags})
run("building stage08_test" "${CMAKE_COMMAND}" --build "${reference_build}" --target stage08_test)
execute_process(COMMAND "${reference_build}/bin/stage08_test" RESULT_VARIABLE code OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(NOT code EQUAL 0 OR out MATCHES "ThreadSanitizer")
  message(FATAL_ERROR "the reference's stage 08 tests are not clean under ThreadSanitizer (${code}):\n${out}")
endif()
message(STATUS "the reference's stage 08 tests: no race")

# The mutant, as a submission of stage 08 alone.
set(submission "${WORK}/tsan-mutant")
file(REMOVE_RECURSE "${submission}")
file(COPY "${COURSE}/solutions/08_multicore/multicore.cpp" DESTINATION "${submission}/stages/08_multicore")
find_program(GIT git REQUIRED)
run("applying 08_sum_data_race.patch" "${GIT}" apply -p1 "${COURSE}/tests/mutants/08_sum_data_race.patch"
    WORKING_DIRECTORY "${submission}")
set(mutant_build "${WORK}/tsan-mutant-build")
run("configuring the mutant with ThreadSanitizer" "${CMAKE_COMMAND}" -S "${COURSE}" -B "${mutant_build}"
    -G "${GENERATOR}" -DACCEL_IMPL=student "-DACCEL_SUBMISSION_DIR=${submission}" ${flags})
run("building its stage08_test" "${CMAKE_COMMAND}" --build "${mutant_build}" --target stage08_test)
execute_process(COMMAND "${mutant_build}/bin/stage08_test" --gtest_filter=SumParallel.* RESULT_VARIABLE code
                OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT out MATCHES "WARNING: ThreadSanitizer: data race" OR
   NOT out MATCHES "accel::stage08::sum_parallel[^\n]*stages/08_multicore/multicore.cpp:[0-9]+")
  message(FATAL_ERROR "ThreadSanitizer did not name the mutant's race in sum_parallel (${code}):\n${out}")
endif()
message(STATUS "the mutant's race: named by ThreadSanitizer in sum_parallel")
