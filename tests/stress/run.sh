#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Transition stress test on one kernel:
#
#   tests/stress/run.sh [--extra] [--only PATTERN] KVER MODDIR
#
# MODDIR is the per-kernel build directory (make KVER=<ver> builds the
# stress modules into build/<ver>/).  Boots the kernel in qemu with the
# guest tests of tests/stress/guest/ (each prefixed with the helpers of
# tests/stress/guest/lib/stress.sh) and prints their result lines:
#
#   stress: kernel=<ver> ops=<sum of shadow counters> tally=<independent tally> lost=<tally-ops> leaked=<instances left>
#
# --extra adds the tests of tests/stress/guest/extra/: scenarios klpsv
# does not support yet (see each test's header), expected to fail.
# Exits non-zero when a test fails or the guest kernel log shows a
# problem (see tests/vm/run.sh).

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ONLY=
EXTRA=
while [ $# -gt 0 ]; do
	case $1 in
	--only) ONLY=$2; shift 2 ;;
	--extra) EXTRA=1; shift ;;
	*) break ;;
	esac
done
[ $# = 2 ] || { echo "usage: $0 [--extra] [--only PATTERN] KVER MODDIR" >&2; exit 2; }
KVER=$1
MODDIR=$(cd "$2" && pwd)

for m in victim s1 s2 s3 p0 a1; do
	[ -f "$MODDIR/klpsv_stress_$m.ko" ] ||
		{ echo "stress: no $MODDIR/klpsv_stress_$m.ko: run 'make KVER=$KVER'" >&2; exit 1; }
done

# A kernel with KASAN (the debug kernel) runs the same tests several
# times slower under TCG: its guest gets longer (VMTEST_TIMEOUT, seconds
# for the whole guest), and the tests named in STRESS_SKIP are left out.
# By default that is 31-faults there: its failure injection re-arms the
# knob from the guest shell while allocations happen, and on that kernel
# the shell is too slow to arm it before they are done (it injected
# nothing in 780 s runs).  33-adopt is left out there too, to keep make
# check's time in bounds (it runs on the three Debian kernels).
CACHE=${KLPSV_CACHE:-/var/cache/klpsv}
# shellcheck source=../vm/detectors.sh
. "$ROOT/tests/vm/detectors.sh"
DETECTORS=$(detectors "$KVER")
if has_detector KASAN; then
	timeout=1800
	STRESS_SKIP=${STRESS_SKIP-31-faults 33-adopt}
else
	timeout=600
	STRESS_SKIP=${STRESS_SKIP-}
fi

GUEST=$MODDIR/stress-guest
rm -rf "$GUEST"
mkdir -p "$GUEST"
for t in "$HERE"/guest/*.sh ${EXTRA:+"$HERE"/guest/extra/*.sh}; do
	name=$(basename "$t" .sh)
	case " $STRESS_SKIP " in
	*" $name "*)
		echo "stress: kernel=$KVER: $name skipped (STRESS_SKIP)"
		continue ;;
	esac
	cat "$HERE/guest/lib/stress.sh" "$t" >"$GUEST/$name.sh"
done

OUT=$MODDIR/stress.out
start=$(date +%s)
set +e
VMTEST_TIMEOUT=${VMTEST_TIMEOUT:-$timeout} VMTEST_MEM=${VMTEST_MEM:-1024} \
	"$ROOT/tests/vm/run.sh" --tests "$GUEST" \
	${ONLY:+--only "$ONLY"} "$KVER" "$MODDIR" >"$OUT" 2>&1
rc=$?
set -e
secs=$(($(date +%s) - start))

if [ $rc != 0 ]; then
	cat "$OUT"
else
	grep -E '^(ok|not ok) |^vmtest: ' "$OUT" || true
fi
sed -n 's/^# \(stress[a-z-]*: kernel=.*\)$/\1/p' "$OUT"
echo "stress-run: kernel=$KVER $([ $rc = 0 ] && echo PASS || echo FAIL) in ${secs}s"
exit $rc
