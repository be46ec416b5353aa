# cmake -DNM=<nm> -DSTAGE_LIBRARIES=<file of "NN path" lines> -DREQUIRE_STAGE03=ON|OFF -P check_blas_symbols.cmake
# Fails when a stage library other than stage 03's has an undefined BLAS symbol, or (with
# REQUIRE_STAGE03) when stage 03's library does not call cblas_sgemm.
cmake_minimum_required(VERSION 3.25)

# CBLAS and OpenBLAS entry points, Accelerate's threading calls, and the Fortran BLAS names
# (sgemm_, dgemv_, ...). Mach-O prefixes C symbols with an underscore.
set(blas_symbol "^_?(cblas_[A-Za-z0-9_]+|catlas_[A-Za-z0-9_]+|openblas_[A-Za-z0-9_]+|BLAS[SG]etThreading|[sdcz](gemm|gemv|gemmt|symm|hemm|syrk|herk|syr2k|her2k|trmm|trsm|trmv|trsv|ger|axpy|dot|scal|copy|swap|nrm2|asum)_)$")

file(STRINGS "${STAGE_LIBRARIES}" entries)
if(NOT entries)
  message(FATAL_ERROR "no stage libraries listed in ${STAGE_LIBRARIES}")
endif()

set(violations "")
set(checked "")
set(stage03_calls_sgemm OFF)
foreach(entry IN LISTS entries)
  string(REGEX MATCH "^([0-9][0-9]) (.+)$" _ "${entry}")
  set(stage "${CMAKE_MATCH_1}")
  set(library "${CMAKE_MATCH_2}")
  if(NOT EXISTS "${library}")
    message(FATAL_ERROR "stage ${stage}: ${library} has not been built; build the project first")
  endif()
  execute_process(COMMAND "${NM}" -u "${library}" OUTPUT_VARIABLE listing ERROR_VARIABLE nm_error
                  RESULT_VARIABLE nm_result)
  if(NOT nm_result EQUAL 0)
    message(FATAL_ERROR "${NM} -u ${library} failed (${nm_result}): ${nm_error}")
  endif()
  string(REPLACE "\n" ";" lines "${listing}")
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    string(REGEX REPLACE "^.*[ \t]" "" symbol "${line}")  # GNU nm: "U name"; Apple nm: "name"
    if(NOT symbol MATCHES "${blas_symbol}")
      continue()
    endif()
    if(stage STREQUAL "03")
      if(symbol MATCHES "^_?cblas_sgemm$")
        set(stage03_calls_sgemm ON)
      endif()
    else()
      list(APPEND violations "stage ${stage} references the BLAS symbol ${symbol} (in ${library})")
    endif()
  endforeach()
  list(APPEND checked "${stage}")
endforeach()

list(JOIN checked ", " checked_text)
if(violations)
  list(REMOVE_DUPLICATES violations)
  list(JOIN violations "\n  " violation_text)
  message(FATAL_ERROR "Only stage 03 may call BLAS; the other stages must earn their speed themselves.\n"
                      "  ${violation_text}")
endif()
if(REQUIRE_STAGE03 AND NOT stage03_calls_sgemm)
  if(NOT "03" IN_LIST checked)
    message(FATAL_ERROR "stage 03's library is not among the stage libraries checked (${checked_text})")
  endif()
  message(FATAL_ERROR "stage 03's library does not reference cblas_sgemm: its products are meant to be delegated "
                      "to BLAS (checked stages ${checked_text})")
endif()
if(stage03_calls_sgemm)
  message(STATUS "checked stages ${checked_text}: no BLAS symbol outside stage 03; stage 03 calls cblas_sgemm")
else()
  message(STATUS "checked stages ${checked_text}: no BLAS symbol outside stage 03")
endif()
