#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the klpsv fuzz target and run it for a bounded time.
#
#	tests/fuzz/run.sh [SECONDS]	(default 30)
#
# First every seed of tests/fuzz/corpus/ runs once on its own (each is
# a "test"), then libFuzzer mutates from those seeds and from what earlier
# runs found (tests/fuzz/build/corpus/, kept between runs) for SECONDS.
# The last line is "N passed, N failed"; the exit status is non-zero on a
# crash, a sanitizer report or a model mismatch, whose input is saved in
# tests/fuzz/build/artifacts/ and can be replayed with
#
#	tests/fuzz/build/fuzz-klpsv <file>		(FUZZ_KLPSV_TRACE=1
#							 traces every operation)
#
# CLANG=clang-14 picks the compiler; FUZZ_ARGS adds libFuzzer options.

set -u

here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-30}
bin=$here/build/fuzz-klpsv
log=$here/build/fuzz.log

case $secs in
''|*[!0-9]*)	echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

if ! make -s --no-print-directory -C "$here"; then
	echo "# fuzz: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
mkdir -p "$here/build/corpus" "$here/build/artifacts"

# The seeds, one by one.
for seed in "$here"/corpus/*; do
	name=$(basename "$seed")
	if "$bin" "$seed" >"$here/build/seed.log" 2>&1; then
		passed=$((passed + 1))
		echo "ok $((passed + failed)) fuzz seed $name"
	else
		failed=$((failed + 1))
		echo "not ok $((passed + failed)) fuzz seed $name"
		grep -E '^fuzz: (MISMATCH|[^l])|ERROR|runtime error' \
			"$here/build/seed.log" | head -n 40 | sed 's/^/#   /'
	fi
done

# Then fuzzing, for the time given.
start=$(date +%s)
"$bin" -max_total_time="$secs" -max_len=600 -timeout=20 \
	-rss_limit_mb=4096 -print_final_stats=1 -print_pcs=0 \
	-artifact_prefix="$here/build/artifacts/" ${FUZZ_ARGS:-} \
	"$here/build/corpus" "$here/corpus" >"$log" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
corpus=$(ls "$here/build/corpus" | wc -l)
cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
echo "# fuzz: ${execs:-?} inputs in ${took} s (${rate:-?}/s), ${added:-?} new, corpus ${corpus}, ${cov:-cov: ?}"
if [ "$rc" -eq 0 ]; then
	passed=$((passed + 1))
	echo "ok $((passed + failed)) fuzz klpsv for ${secs} s"
else
	failed=$((failed + 1))
	echo "not ok $((passed + failed)) fuzz klpsv for ${secs} s (exit status $rc)"
	grep -E '^fuzz: (MISMATCH|[^l])|ERROR|runtime error|^artifact|Test unit written' \
		"$log" | head -n 60 | sed 's/^/#   /'
	echo "#   full log: $log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
