# cmake -DCOURSE=<source> -DWORK=<dir> -DLEAKS=<exe> -DSTAGES=01,02 -P check_handout.cmake
# The student handout, from scratch: ./lab release writes it, it configures and builds on
# its own, every stage's tests fail with "not implemented" (and its lesson benches skip
# them), the grader scores it 0, and no function body of the reference solutions appears
# anywhere in it.

set(handout "${WORK}/handout")
file(REMOVE_RECURSE "${handout}")

include("${CMAKE_CURRENT_LIST_DIR}/run_step.cmake")

run("./lab release" "${COURSE}/lab" release "${handout}")
if(EXISTS "${handout}/solutions")
  message(FATAL_ERROR "the handout has a solutions/ folder")
endif()

string(REPLACE "," ";" stage_list "${STAGES}")
set(targets grader)
foreach(stage IN LISTS stage_list)
  list(APPEND targets "stage${stage}_test" "stage${stage}_bench")
endforeach()
run("configuring the handout" "${CMAKE_COMMAND}" --preset student WORKING_DIRECTORY "${handout}")
execute_process(COMMAND "${CMAKE_COMMAND}" --build --preset student --target ${targets} WORKING_DIRECTORY "${handout}"
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "building the handout failed (${code}):\n${out}")
endif()

set(bin "${handout}/build/student/bin")
run("its stubs fail with not implemented" "${CMAKE_COMMAND}" "-DSTUDENT_BIN=${bin}" "-DWORK_DIR=${WORK}"
    "-DSTAGES=${STAGES}" -P "${CMAKE_CURRENT_LIST_DIR}/check_stubs_fail.cmake")
run("its grader scores it 0" "${CMAKE_COMMAND}" "-DGRADER=${bin}/grader" "-DSTUDENT_BIN=${bin}"
    "-DRESULTS=${WORK}/handout_results.json" "-DSTAGES=${STAGES}" -P "${CMAKE_CURRENT_LIST_DIR}/check_stubs_score_zero.cmake")
run("no reference code in it" "${LEAKS}" "${COURSE}/solutions" "${handout}")
