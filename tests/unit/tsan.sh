#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory ordering checked by ThreadSanitizer: the unit build and the fuzz
# target built with clang -fsanitize=thread (VARIANT=tsan of
# tests/shared/shared.mk: the kernel's ordering primitives as C11 atomics
# of the same strength, RCU on C11 atomics), then
#
#	1. the threaded model check (tests whose names contain "threads",
#	   or those named on the command line, as T= does for make check);
#	2. every seed of tests/fuzz/corpus/ replayed through the fuzz target;
#	3. no ThreadSanitizer report in either.
#
# Each distinct report (kind, and the first frame in this tree of each of
# the two accesses) is listed once with how often it came; the full text
# of every report is in tests/unit/build/tsan-<kver>/tsan-reports.txt.
# The last line is "N passed, N failed".
#
#	tests/unit/tsan.sh [name-substring...]
#	tests/unit/tsan.sh --weaken	the must-fail proof: the library built
#					with smp_store_release(), and so
#					rcu_assign_pointer(), relaxed
#					(-DSHIM_WEAKEN_RELEASE) must make TSan
#					report what the normal build does not
#
# KLPSV_THREADS_MS, KLPSV_THREADS_SEED and SHIM_KVER are passed on;
# TSAN_OPTIONS is added to.  CLANG=clang-14 picks the compiler.

set -u
shopt -s nullglob

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kver=${SHIM_KVER:-6.1}
weaken=
if [ "${1:-}" = --weaken ]; then
	weaken=1
	shift
fi
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(threads)

passed=0
failed=0
result() {	# result <ok> <name>
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok $((passed + failed)) $2"
	else
		failed=$((failed + 1))
		echo "not ok $((passed + failed)) $2"
	fi
}

# The distinct reports of the TSan logs named: "COUNT<TAB>KEY" lines.
distinct() {
	awk -v top="$top/" '
	# "func /abs/file.c:line:col (bin+0x..) (BuildId: ..)" -> "func file.c:line"
	function loc(s) {
		sub(/ \(.*$/, "", s); sub(/:[0-9]+$/, "", s); gsub(top, "", s)
		return s
	}
	/^WARNING: ThreadSanitizer: / {
		kind = $0; sub(/^WARNING: ThreadSanitizer: /, "", kind)
		sub(/ \(pid=[0-9]+\)$/, "", kind)
		nsec = 0; want = 0; key[1] = key[2] = ""; next
	}
	/^  [A-Z][^#]*:$/ {
		nsec++; want = nsec <= 2
		head = $0; sub(/^  /, "", head)
		sub(/ at 0x[0-9a-f]+.*$/, "", head); sub(/ by .*$/, "", head)
		sub(/:$/, "", head); sub(/^Previous /, "", head)
		head = toupper(substr(head, 1, 1)) substr(head, 2)
		next
	}
	/^    #[0-9]+ / && want {
		if (index($0, top) == 0)
			next
		f = $0; sub(/^    #[0-9]+ /, "", f)
		key[nsec] = head ": " loc(f); want = 0; next
	}
	/^SUMMARY: ThreadSanitizer: / {
		# either access may come first: one key for both orders
		if (key[2] < key[1]) { t = key[1]; key[1] = key[2]; key[2] = t }
		k = kind " | " key[1] " | " key[2]
		n[k]++
	}
	END { for (k in n) printf "%d\t%s\n", n[k], k }' /dev/null "$@" | sort -t '	' -k1,1nr -k2
}

# run_unit <build-variant-args...>: the unit binary under TSan, logs to $logs/unit.*
run_unit() {
	local bin=$1
	TSAN_OPTIONS="log_path=$logs/unit halt_on_error=0 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
		bash "$here/run-tests.sh" "$bin" "${tests[@]}"
}

run_replay() {
	local bin=$1
	TSAN_OPTIONS="log_path=$logs/replay halt_on_error=0 ${TSAN_OPTIONS:-}" \
		"$bin" "$top"/tests/fuzz/corpus/* 2>&1 | sed 's/^/#   /'
	return "${PIPESTATUS[0]}"
}

build() {	# build [TSAN_WEAKEN=1]
	make -s -C "$here" VARIANT=tsan SHIM_KVER="$kver" "$@" all &&
		make -s -C "$top/tests/fuzz" VARIANT=tsan SHIM_KVER="$kver" "$@"
}

report() {	# report <name> <list>: print the distinct reports
	local total distinct
	total=$(awk -F '\t' '{ s += $1 } END { print s + 0 }' "$2")
	distinct=$(wc -l <"$2")
	echo "# tsan: $1: $distinct distinct reports, $total in all"
	sed 's/^\([0-9]*\)\t/#   [\1x] /' "$2"
}

out=$here/build/tsan-$kver
mkdir -p "$out"

if ! build; then
	echo "# tsan: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
unit_bin=$here/build/tsan-$kver/klpsv-unit
replay_bin=$top/tests/fuzz/build/tsan/fuzz-klpsv-replay

logs=$out/logs
rm -rf "$logs"
mkdir -p "$logs"
run_unit "$unit_bin" >"$out/unit.log"
unit_rc=$?
sed -n '/^ok \|^not ok \|^#/p' "$out/unit.log"
# Every test passed: run-tests.sh's status is 0, or 66 when TSan reported.
unit_ok=1
if grep -q '^ok ' "$out/unit.log" && ! grep -q '^not ok ' "$out/unit.log" &&
   ! grep -q '^# timed out' "$out/unit.log" &&
   { [ "$unit_rc" = 0 ] || grep -q '(exit status 66)$' "$out/unit.log"; }; then
	unit_ok=0
fi

if [ -z "$weaken" ]; then
	run_replay "$replay_bin" | grep -v '^#   ok '
	replay_rc=${PIPESTATUS[0]}
	cat "$logs"/* >"$out/tsan-reports.txt" 2>/dev/null
	distinct "$logs"/unit.* "$logs"/replay.* 2>/dev/null >"$out/distinct.txt"
	report "threaded model check and corpus replay" "$out/distinct.txt"
	result $unit_ok "tsan: threaded model check (${tests[*]}): every test passed"
	result $([ "$replay_rc" = 0 ] || [ "$replay_rc" = 66 ]; echo $?) \
		"tsan: the fuzz corpus replayed ($(ls "$top"/tests/fuzz/corpus | wc -l) seeds)"
	result $([ -s "$out/distinct.txt" ]; echo $((!$?))) \
		"tsan: no ThreadSanitizer report"
	echo "# tsan: full reports in ${out#$top/}/tsan-reports.txt"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
fi

# --weaken: what the normal build reports, then the weakened one.
distinct "$logs"/unit.* 2>/dev/null >"$out/distinct-normal.txt"
report "normal build" "$out/distinct-normal.txt"
if ! build TSAN_WEAKEN=1; then
	echo "# tsan: weakened build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
cut -f2 "$out/distinct-normal.txt" | sort >"$out/keys-normal.txt"
# A race shows when the threads meet at the wrong moment: a loaded
# machine may need more than one run of the threaded check (up to three).
logs=$out/logs-weak
rm -rf "$logs"
mkdir -p "$logs"
for try in 1 2 3; do
	run_unit "$here/build/tsan-weak-$kver/klpsv-unit" >"$out/unit-weak.log"
	sed -n '/^not ok \|^# /p' "$out/unit-weak.log"
	distinct "$logs"/unit.* 2>/dev/null >"$out/distinct-weak.txt"
	cut -f2 "$out/distinct-weak.txt" | sort |
		comm -23 - "$out/keys-normal.txt" >"$out/keys-new.txt"
	[ -s "$out/keys-new.txt" ] && break
	echo "# tsan: run $try of the weakened build: nothing new reported"
done
cat "$logs"/* >"$out/tsan-reports-weak.txt" 2>/dev/null
report "smp_store_release() weakened" "$out/distinct-weak.txt"
sed 's/^/#   new: /' "$out/keys-new.txt"
if [ -s "$out/distinct-normal.txt" ]; then
	echo "# tsan: the normal build reports too: a new report may be chance;"
	echo "# tsan: the proof is clean once the normal build reports nothing"
fi
result $([ -s "$out/keys-new.txt" ]; echo $?) \
	"tsan: a relaxed smp_store_release() in the library makes TSan report"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
