#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the unit-test program and guarantees the contract of `make check`:
# the last line is "N passed, N failed" and the exit status is non-zero
# if anything failed, even when the program dies midway (a sanitizer
# report, BUG(), a hang stopped by the timeout).
#
#	run-tests.sh [--valgrind] <klpsv-unit> [name-substring...]

set -u

runner=()
if [ "${1:-}" = --valgrind ]; then
	runner=(valgrind -q --error-exitcode=99 --leak-check=no
		--suppressions=/dev/null)
	shift
fi
bin=$1
shift

out=$(mktemp)
trap 'rm -f "$out"' EXIT

timeout -k 5 "${KLPSV_UNIT_TIMEOUT:-120}" "${runner[@]}" "$bin" "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}

summary='^[0-9]+ passed, [0-9]+ failed$'
if [ "$rc" -eq 0 ] && tail -n 1 "$out" | grep -Eq "$summary"; then
	exit 0
fi
if tail -n 1 "$out" | grep -Eq "$summary" && [ "$rc" -eq 1 ]; then
	exit 1
fi

# Died (or a tool complained after the summary): count what we saw.
passed=$(grep -Ec '^ok [0-9]+ ' "$out")
failed=$(grep -Ec '^not ok [0-9]+ ' "$out")
case $rc in
124|137)	echo "# timed out" ;;
*)		echo "# the test program failed abnormally (exit status $rc)" ;;
esac
echo "$passed passed, $((failed + 1)) failed"
exit 1
