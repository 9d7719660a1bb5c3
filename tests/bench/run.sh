#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klpsv benchmark in a VM: boot KVER under qemu (TCG) with the modules of
# MODDIR, run tests/bench/guest.sh, print its table and "bench:" lines.
#
#   tests/bench/run.sh [--short] KVER MODDIR
#
# The full run measures with 1k, 100k and 1M live instances (7 to 10
# minutes under TCG); --short with 1k, 5k and 10k (well under a minute),
# only to show that everything runs and prints.  Exits non-zero when the
# VM run fails (a crash, a kernel warning, a leak, a refused takeover) or
# a "bench:" line is missing; never because a target is missed: TCG
# timings are noisy, only their ratios mean something.
#
# Environment: VMTEST_MEM (MB, default 2048 full / 1024 short) and
# VMTEST_TIMEOUT (s, default 2400 full / 300 short), as tests/vm/run.sh.

set -uo pipefail


HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib-version.sh"
TOP=$(cd "$HERE/../.." && pwd)
MODE=full
if [ "${1:-}" = --short ]; then
	MODE=short
	shift
fi
[ $# = 2 ] || { echo "usage: $0 [--short] KVER MODDIR" >&2; exit 2; }
KVER=$1
MODDIR=$(cd "$2" && pwd) || exit 2

for m in klpsv_bench_objs klpsv_bench_v1 klpsv_bench_v2; do
	[ -f "$MODDIR/$m.ko" ] || { echo "bench: no $MODDIR/$m.ko: run 'make KVER=$KVER' first" >&2; exit 2; }
done

if [ $MODE = full ]; then
	export VMTEST_MEM=${VMTEST_MEM:-2048} VMTEST_TIMEOUT=${VMTEST_TIMEOUT:-2400}
else
	export VMTEST_MEM=${VMTEST_MEM:-1024} VMTEST_TIMEOUT=${VMTEST_TIMEOUT:-300}
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/guest"
{
	echo '#!/bin/sh'
	echo "BENCH_MODE=$MODE"
	cat "$HERE/guest.sh"
} >"$TMP/guest/50-bench.sh"

start=$(date +%s)
"$TOP/tests/vm/run.sh" --tests "$TMP/guest" "$KVER" "$MODDIR" >"$TMP/vm.out" 2>&1
rc=$?
secs=$(($(date +%s) - start))

TXT=$MODDIR/vm/serial.txt
REPORT=$MODDIR/vm/bench-$MODE.txt
# The guest test's output, as the KTAP runner printed it ("# " prefixed).
if [ -f "$TXT" ]; then
	{
		sed -n '/^# klpsv benchmark: /,/^# raw measurements:$/p' "$TXT" |
			sed -e 's/^# \{0,1\}//' -e '/^raw measurements:$/d'
		echo "guest phases:"
		sed -n 's/^# \(\[[0-9]*s\] \)/  \1/p' "$TXT"
		if diff -rq "$TOP/lib" "$MODDIR/lib" >/dev/null 2>&1 &&
		   diff -rq "$TOP/include" "$MODDIR/include" >/dev/null 2>&1; then
			echo "library: lib/ and include/ at $(lib_version "$TOP")"
		else
			echo "library: the modules were built from lib/ or include/ other than the tree's ($(lib_version "$TOP"))"
		fi
	} >"$REPORT"
else
	: >"$REPORT"
fi

if [ $rc != 0 ]; then
	cat "$TMP/vm.out"
	echo "bench: kernel $KVER: the VM run failed (exit $rc) after ${secs}s"
	exit 1
fi
cat "$REPORT"

missing=0
for f in get_hit_1k get_hit_100k get_hit_1m get_miss_1m alloc_free alloc_free_1m \
	 takeover_1m scaling_get_1m_vs_1k scaling_get_1m_vs_1k_raw max_hold_us \
	 max_hold_us_raw max_window_us max_window_us_raw bytes_per_instance \
	 bytes_per_instance_raw; do
	if ! grep -qE "^bench: $f (ratio|value)=[0-9.]+" "$REPORT"; then
		echo "bench: figure $f missing or not a number"
		missing=1
	fi
done
echo "bench: kernel=$KVER mode=$MODE run_time=${secs}s report=$REPORT log=$MODDIR/vm/serial.log"
exit $missing
