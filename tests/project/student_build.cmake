# Shared by the project check scripts: the student build must exist before its stubs
# can be checked, and saying how to make it beats a "file not found".

function(require_student_file file)
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "${file} does not exist: build the student preset first "
                        "(cmake --workflow --preset student), then rerun the reference tests.")
  endif()
endfunction()
