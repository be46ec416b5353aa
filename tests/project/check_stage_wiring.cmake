cmake_minimum_required(VERSION 3.25)
# cmake -DCOURSE=<source> -P check_stage_wiring.cmake
# A stage is its folder (stages/NN_slug: lesson, header, stub, demo, bench), its tests
# (tests/NN_slug_test.cpp), its reference (solutions/NN_slug/slug.cpp) and its grade bench
# (grader/benches/NN_slug_bench.cpp, where it has speed checks), plus three entries outside
# them: its rubric entry (grader/rubric.json), its row in the two READMEs' tables, and its
# test preset (stage-NN in CMakePresets.json). Everything else (the build's targets, the
# NEON checks, the rule checks, the handout, the Classroom configuration, the lessons'
# grading tables) is derived. This names what a new stage still lacks.
set(problems "")
file(GLOB stage_dirs LIST_DIRECTORIES true RELATIVE "${COURSE}/stages" "${COURSE}/stages/[0-9][0-9]_*")
file(READ "${COURSE}/grader/rubric.json" rubric)
file(READ "${COURSE}/CMakePresets.json" presets)
file(READ "${COURSE}/README.md" readme)
file(READ "${COURSE}/handout/README.md" handout_readme)
string(JSON stage_count LENGTH "${rubric}" stages)
set(rubric_stages "")
math(EXPR last "${stage_count} - 1")
foreach(index RANGE ${last})
  string(JSON id GET "${rubric}" stages ${index} stage)
  list(APPEND rubric_stages "${id}")
endforeach()
foreach(stage IN LISTS stage_dirs)
  string(SUBSTRING "${stage}" 0 2 number)
  string(SUBSTRING "${stage}" 3 -1 slug)
  foreach(file "stages/${stage}/README.md" "stages/${stage}/${slug}.hpp" "stages/${stage}/${slug}.cpp"
               "stages/${stage}/demo.cpp" "stages/${stage}/bench.cpp" "stages/${stage}/CMakeLists.txt"
               "tests/${stage}_test.cpp" "solutions/${stage}/${slug}.cpp")
    if(NOT EXISTS "${COURSE}/${file}")
      string(APPEND problems "\n  stage ${number}: ${file} is missing")
    endif()
  endforeach()
  if(NOT number IN_LIST rubric_stages)
    string(APPEND problems "\n  stage ${number}: no entry in grader/rubric.json")
  endif()
  if(NOT presets MATCHES "\"name\": \"stage-${number}\"")
    string(APPEND problems "\n  stage ${number}: no test preset stage-${number} in CMakePresets.json")
  endif()
  foreach(table README.md handout/README.md)
    set(text "${readme}")
    if(table STREQUAL "handout/README.md")
      set(text "${handout_readme}")
    endif()
    string(FIND "${text}" "(stages/${stage}/README.md)" at)
    if(at EQUAL -1)
      string(APPEND problems "\n  stage ${number}: no row in ${table}'s table of stages")
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "stages not wired into the course:${problems}")
endif()
message(STATUS "every stage folder has its files, its rubric entry, its test preset and its README rows")
