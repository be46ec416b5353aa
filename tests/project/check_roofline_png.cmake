# cmake -DSAMPLE=<roofline_svg_sample> -DRSVG_CONVERT=<rsvg-convert> -DWORK_DIR=<dir> -P check_roofline_png.cmake
# Renders the roofline SVG the way an image viewer would (librsvg) and checks the picture:
# a PNG of the documented 800 × 560, and not blank. CMake cannot decode pixels, so "not
# blank" is measured by compression: the same renderer's PNG of an empty white page of the
# same size is the floor, and lines, dots and text must make the picture several times
# larger than that.

set(svg "${WORK_DIR}/roofline_sample.svg")
set(png "${WORK_DIR}/roofline_sample.png")
set(blank_svg "${WORK_DIR}/blank_page.svg")
set(blank_png "${WORK_DIR}/blank_page.png")
file(REMOVE "${svg}" "${png}" "${blank_png}")

execute_process(COMMAND "${SAMPLE}" "${svg}" RESULT_VARIABLE exit_code ERROR_VARIABLE errors)
if(NOT exit_code EQUAL 0 OR NOT EXISTS "${svg}")
  message(FATAL_ERROR "roofline_svg_sample did not write ${svg} (exit ${exit_code}): ${errors}")
endif()
file(WRITE "${blank_svg}" "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"560\">"
                          "<rect width=\"100%\" height=\"100%\" fill=\"white\"/></svg>\n")
foreach(pair IN ITEMS "${svg}|${png}" "${blank_svg}|${blank_png}")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 in)
  list(GET pair 1 out)
  execute_process(COMMAND "${RSVG_CONVERT}" --format png --output "${out}" "${in}" RESULT_VARIABLE exit_code
                  ERROR_VARIABLE errors)
  if(NOT exit_code EQUAL 0 OR NOT EXISTS "${out}")
    message(FATAL_ERROR "rsvg-convert could not render ${in} (exit ${exit_code}): ${errors}")
  endif()
endforeach()

# PNG: an 8-byte signature, then the IHDR chunk whose data starts with width and height
# as 32-bit big-endian numbers (bytes 16-23).
file(READ "${png}" header LIMIT 24 HEX)
string(SUBSTRING "${header}" 0 16 signature)
string(SUBSTRING "${header}" 24 8 chunk)
string(SUBSTRING "${header}" 32 8 width_hex)
string(SUBSTRING "${header}" 40 8 height_hex)
if(NOT signature STREQUAL "89504e470d0a1a0a" OR NOT chunk STREQUAL "49484452")
  message(FATAL_ERROR "${png} is not a PNG file (starts with ${header})")
endif()
math(EXPR width "0x${width_hex}")
math(EXPR height "0x${height_hex}")
if(NOT width EQUAL 800 OR NOT height EQUAL 560)
  message(FATAL_ERROR "${png} is ${width} × ${height} pixels; write_roofline_svg documents 800 × 560")
endif()

file(SIZE "${png}" picture_bytes)
file(SIZE "${blank_png}" blank_bytes)
math(EXPR floor "4 * ${blank_bytes}")
if(picture_bytes LESS floor)
  message(FATAL_ERROR "${png} is ${picture_bytes} bytes, less than 4 × the ${blank_bytes} bytes of a blank page "
                      "of the same size: the roofline did not render (see ${svg})")
endif()
message(STATUS "${png}: ${width} × ${height}, ${picture_bytes} bytes (a blank page: ${blank_bytes})")
