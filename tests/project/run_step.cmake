# run(<what> <command> [args...] [WORKING_DIRECTORY dir]): one step of a project check
# script; its output is shown when it fails, and "<what>: done" when it does not.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 1500)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${what} failed (${code}):\n${out}")
  endif()
  message(STATUS "${what}: done")
endfunction()
