#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that the VM harness fails when it should: a guest test expecting
# the wrong output, a kernel WARNING in an otherwise passing run, and a
# guest that never finishes must each make run.sh exit non-zero with the
# right diagnosis; a guest that dies of an "Oops: int3" is booted again
# before the run fails.  On a kernel with the detector, a read of freed
# memory (KASAN), a mutex taken with interrupts off (atomic-sleep) and two
# locks taken in both orders (lockdep) must each fail the run, naming the
# detector; a kernel without it cannot report the bug, so the case is
# skipped and says so.  With SELFTEST_DEMO set (make check sets it on the
# kernel it runs the demo on), a demo step whose expected output is broken
# on purpose must fail the demo.
#
#   selftest.sh KVER MODDIR

set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${KLPSV_CACHE:-/var/cache/klpsv}
KVER=$1
MODDIR=$2
pass=0
fail=0
skip=0
# shellcheck source=detectors.sh
. "$HERE/detectors.sh"
DETECTORS=$(detectors "$KVER")

expect_failure() {
	local name=$1 expect=$2 out rc
	shift 2
	out=$("$HERE/run.sh" "$@" "$KVER" "$MODDIR" 2>&1)
	rc=$?
	if [ "$rc" != 0 ] && grep -q -- "$expect" <<<"$out"; then
		echo "ok - $name: run.sh exited $rc and said '$(grep -m1 -o -- "$expect.*" <<<"$out")'"
		# The first line of the kernel's report, when there is one.
		sed -n '/reports a problem/{n;p;q}' <<<"$out"
		pass=$((pass + 1))
	else
		echo "not ok - $name: run.sh exited $rc; expected a failure saying '$expect'"
		sed 's/^/    /' <<<"$out" | tail -20
		fail=$((fail + 1))
	fi
}

# expect_detector NAME DETECTOR DIR: the guest tests of selftest/DIR make
# the run fail naming DETECTOR, on a kernel that has it.
expect_detector() {
	if ! has_detector "$2"; then
		echo "skip - $1: kernel $KVER has no $2 detector, it cannot report this (the debug kernel has it)"
		skip=$((skip + 1))
		return
	fi
	expect_failure "$1" "reports a problem (detector: [^)]*$2" --tests "$HERE/selftest/$3"
}

expect_failure "wrong output" "^not ok 1 10-wrong-output" --tests "$HERE/selftest/fail"
expect_failure "kernel warning" "reports a problem" --tests "$HERE/selftest/warn"
VMTEST_TIMEOUT=30 expect_failure "guest hang" "timed out" --tests "$HERE/selftest/hang"
expect_failure "int3 retried" "died of an int3 at a call site being rewritten" --tests "$HERE/selftest/int3"
if [ -n "${SELFTEST_DEMO:-}" ]; then
	DEMO_BREAK=3 expect_failure "demo step differs" \
		"the demo did not go as expected (differs: 3)" --demo-test
fi
expect_detector "use after free" KASAN kasan
expect_detector "mutex with interrupts off" atomic-sleep atomic-sleep
expect_detector "locks in both orders" lockdep lockdep
echo "vmtest-selftest: kernel=$KVER $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
