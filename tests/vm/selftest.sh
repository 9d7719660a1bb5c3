#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that the VM harness fails when it should: a guest test expecting
# the wrong output, a kernel WARNING in an otherwise passing run, and a
# guest that never finishes must each make run.sh exit non-zero with the
# right diagnosis; a guest that dies of an "Oops: int3" is booted again
# before the run fails.
#
#   selftest.sh KVER MODDIR

set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KVER=$1
MODDIR=$2
pass=0
fail=0

expect_failure() {
	local name=$1 expect=$2 out rc
	shift 2
	out=$("$HERE/run.sh" "$@" "$KVER" "$MODDIR" 2>&1)
	rc=$?
	if [ "$rc" != 0 ] && grep -q -- "$expect" <<<"$out"; then
		echo "ok - $name: run.sh exited $rc and said '$expect'"
		pass=$((pass + 1))
	else
		echo "not ok - $name: run.sh exited $rc; expected a failure saying '$expect'"
		sed 's/^/    /' <<<"$out" | tail -20
		fail=$((fail + 1))
	fi
}

expect_failure "wrong output" "^not ok 1 10-wrong-output" --tests "$HERE/selftest/fail"
expect_failure "kernel warning" "reports a problem" --tests "$HERE/selftest/warn"
VMTEST_TIMEOUT=30 expect_failure "guest hang" "timed out" --tests "$HERE/selftest/hang"
expect_failure "int3 retried" "died of an int3 at a call site being rewritten" --tests "$HERE/selftest/int3"
echo "vmtest-selftest: $pass passed, $fail failed"
[ "$fail" = 0 ]
