# cmake -DCOURSE=<source> -DWORK=<dir> -P check_gradescope.cmake
# The Gradescope autograder as Gradescope runs it: ./lab release --gradescope writes the
# bundle, which is unpacked in <root>/source (ACCEL_AUTOGRADER_ROOT stands for
# /autograder); setup.sh installs nothing (the packages are here) and builds; run_autograder
# grades five uploads in <root>/submission. Each results.json must be Gradescope's: a score,
# tests with names, scores and visibility, a leaderboard where speed was measured. Stage 01
# only (ACCEL_AUTOGRADER_ARGS): the grading itself is the other project tests' subject.

set(root "${WORK}/gradescope")
set(zip "${WORK}/autograder.zip")
file(REMOVE_RECURSE "${root}")
file(REMOVE "${zip}")
file(MAKE_DIRECTORY "${root}/source" "${root}/submission" "${root}/results")
set(ENV{ACCEL_AUTOGRADER_ROOT} "${root}")
set(ENV{ACCEL_AUTOGRADER_ARGS} "--stage 01")

include("${CMAKE_CURRENT_LIST_DIR}/run_step.cmake")

run("./lab release --gradescope" "${COURSE}/lab" release --gradescope "${zip}")
file(SIZE "${zip}" bytes)
if(bytes GREATER 10485760)
  message(FATAL_ERROR "the bundle is ${bytes} bytes, over Gradescope-friendly 10 MiB")
endif()
run("unpacking it" "${CMAKE_COMMAND}" -E tar xf "${zip}" WORKING_DIRECTORY "${root}/source")
foreach(file setup.sh run_autograder course/lab course/solutions/01_naive_loops/naive_loops.cpp)
  if(NOT EXISTS "${root}/source/${file}")
    message(FATAL_ERROR "the bundle has no ${file}")
  endif()
endforeach()
run("setup.sh" bash "${root}/source/setup.sh")

# grade(<name> <min score> <max score> [<text the output must hold>]): runs run_autograder
# on what is in <root>/submission and checks its results.json.
function(grade name min_score max_score)
  file(REMOVE "${root}/results/results.json")
  run("run_autograder on ${name}" "${root}/source/run_autograder")
  file(READ "${root}/results/results.json" results)
  string(JSON score GET "${results}" score)
  string(JSON output GET "${results}" output)
  if(score LESS min_score OR score GREATER max_score)
    message(FATAL_ERROR "${name}: score ${score}, expected ${min_score} to ${max_score}:\n${output}")
  endif()
  if(ARGC GREATER 3 AND NOT output MATCHES "${ARGV3}")
    message(FATAL_ERROR "${name}: the output does not say \"${ARGV3}\":\n${output}")
  endif()
  string(JSON count LENGTH "${results}" tests)
  if(count EQUAL 0)
    message(FATAL_ERROR "${name}: no tests in results.json")
  endif()
  set(total 0)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    foreach(key name score max_score status output visibility)
      string(JSON value ERROR_VARIABLE missing GET "${results}" tests ${i} ${key})
      if(missing)
        message(FATAL_ERROR "${name}: tests[${i}] has no ${key}")
      endif()
    endforeach()
    string(JSON visibility GET "${results}" tests ${i} visibility)
    if(NOT visibility MATCHES "^(visible|hidden|after_due_date|after_published)$")
      message(FATAL_ERROR "${name}: tests[${i}].visibility is \"${visibility}\"")
    endif()
  endforeach()
  string(JSON board ERROR_VARIABLE board_missing GET "${results}" leaderboard)
  if(NOT board_missing)
    string(JSON entries LENGTH "${results}" leaderboard)
    math(EXPR last "${entries} - 1")
    foreach(i RANGE ${last})
      string(JSON entry_name GET "${results}" leaderboard ${i} name)
      string(JSON entry_value GET "${results}" leaderboard ${i} value)
      if(NOT entry_value MATCHES "^[0-9.]+$")
        message(FATAL_ERROR "${name}: leaderboard entry ${entry_name} has value ${entry_value}")
      endif()
    endforeach()
  endif()
  set(board_missing "${board_missing}" PARENT_SCOPE)
  message(STATUS "${name}: ${score} points, ${count} tests")
endfunction()

function(upload)  # an empty submission folder for the next upload
  file(REMOVE_RECURSE "${root}/submission")
  file(MAKE_DIRECTORY "${root}/submission")
endfunction()

# The reference, as a zip of a student's whole repository (a build tree and a stray copy in it).
upload()
set(repo "${WORK}/gradescope-repo/lab-main")
file(REMOVE_RECURSE "${WORK}/gradescope-repo")
file(COPY "${COURSE}/solutions/01_naive_loops/naive_loops.cpp" DESTINATION "${repo}/stages/01_naive_loops")
file(COPY "${COURSE}/stages/01_naive_loops/naive_loops.cpp" DESTINATION "${repo}/build/student/old")
run("zipping the repository" "${CMAKE_COMMAND}" -E tar cf "${root}/submission/lab-main.zip" --format=zip lab-main
    WORKING_DIRECTORY "${WORK}/gradescope-repo")
grade("the reference" 100 100 "took stages/01_naive_loops/naive_loops.cpp")
if(board_missing)
  message(FATAL_ERROR "the reference's results have no leaderboard")
endif()

upload()
file(COPY "${COURSE}/stages/01_naive_loops/naive_loops.cpp" DESTINATION "${root}/submission")
grade("the stubs" 0 0 "not implemented")

upload()
file(WRITE "${root}/submission/README.md" "my answers are in my head\n")
grade("an upload without a .cpp" 0 0 "no stage source was found")

upload()
file(WRITE "${root}/submission/stages/09_quantum/quantum.cpp" "int main() {}\n")
grade("a stage the course does not have" 0 0 "the course has no stage 09")

upload()
string(REPEAT "// padding padding padding padding padding padding padding padding padding\n" 20000 padding)
file(READ "${COURSE}/solutions/01_naive_loops/naive_loops.cpp" reference)
file(WRITE "${root}/submission/naive_loops.cpp" "${reference}${padding}")
grade("a file over 1 MiB" 0 0 "over the 1 MiB")
