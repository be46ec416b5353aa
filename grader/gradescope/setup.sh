#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: the bundle
# (./lab release --gradescope) is unpacked in /autograder/source. It installs the course's
# Debian/Ubuntu packages, builds the grader, and grades the stubs once, which builds every
# stage's programs and the reference's benches in the image and checks that they score 0:
# a submission then compiles only its own files.
set -euo pipefail
root=${ACCEL_AUTOGRADER_ROOT:-/autograder}
course=$root/source/course
# One instruction set for every container: Gradescope builds this image on one machine and
# runs it on others, where -march=native code could fault or grade another ISA. x86-64-v3
# (AVX2 + FMA) runs on every x86 server Gradescope uses; the stages' AVX2 branches are
# graded, against the reference compiled the same way. Change it here to grade another.
case "$(uname -m)" in
  x86_64) arch=x86-64-v3 ;;
  *) arch=native ;;
esac

cd "$course"
./lab setup
cmake -S . -B build/gradescope -G Ninja -DCMAKE_BUILD_TYPE=Release -DACCEL_IMPL=student -DACCEL_ARCH="$arch"
cmake --build build/gradescope --target grader
# ACCEL_AUTOGRADER_ARGS: grader options for every grading (the course's own test grades one
# stage, for example); empty on Gradescope.
# shellcheck disable=SC2086
build/gradescope/bin/grader --upload stages --json "$root/source/stubs-results.json" ${ACCEL_AUTOGRADER_ARGS:-}
grep -Eq '^  "score": 0(\.0)?,$' "$root/source/stubs-results.json" ||
  { echo "setup.sh: the stubs do not score 0 here; see the report above" >&2; exit 1; }
