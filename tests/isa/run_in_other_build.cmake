# cmake -DPROGRAM=<exe> -DARGS=<a|b|...> -P run_in_other_build.cmake
# Runs a program of the x86-64-v3 reference build and fails as it fails; says how to build
# it when it is missing, and skips where this CPU cannot run x86-64-v3 code.
file(READ /proc/cpuinfo cpuinfo)
foreach(flag avx2 fma bmi2 movbe)
  if(NOT cpuinfo MATCHES "[ \t]${flag}[ \n]")
    message("skipped: this CPU has no ${flag}, so it cannot run an x86-64-v3 build")
    return()
  endif()
endforeach()
if(NOT EXISTS "${PROGRAM}")
  message(FATAL_ERROR "${PROGRAM} was not built. Build it with\n"
                      "  cmake --preset reference-x86-64-v3 && cmake --build --preset reference-x86-64-v3\n"
                      "(./lab check does both).")
endif()
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${PROGRAM}" ${args} RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} ${ARGS} failed (${code})")
endif()
