#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves the stress test catches a protocol without its synchronization:
#
#   tests/stress/unsync.sh KVER
#
# Builds the modules for KVER into build/<KVER>-unsync/ with one line
# removed from klpsv_put() in include/klpsv.h: the generation advance,
#
#	smp_store_release(&hdr->gen, hdr->gen + 1);
#
# which is how a twin (new code's copy during a breaking transition)
# learns that old code wrote the older instance.  Without it, new code
# keeps using a stale twin and writes it through over what old code
# counted.  Runs guest test 30-stress on that build and passes only if the
# stress test fails reporting lost updates; prints the figure:
#
#   stress-unsync: kernel=<ver> removed=include/klpsv.h:<line> lost=<n>

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[ $# = 1 ] || { echo "usage: $0 KVER" >&2; exit 2; }
KVER=$1
REL=build/$KVER-unsync
B=$ROOT/$REL
LINE='smp_store_release(&hdr->gen, hdr->gen + 1);'

make -s --no-print-directory -C "$ROOT" modules KVER="$KVER" BUILD="$REL"
hdr=$B/include/klpsv.h
at=$(grep -nF "$LINE" "$hdr" | cut -d: -f1)
[ "$(echo "$at" | wc -w)" = 1 ] ||
	{ echo "stress-unsync: expected '$LINE' once in include/klpsv.h, found it at lines: ${at:-none}" >&2; exit 1; }
grep -vF "$LINE" "$hdr" >"$hdr.new"
mv "$hdr.new" "$hdr"
make -s -j"$(nproc)" -C "/lib/modules/$KVER/build" M="$B" modules

set +e
"$HERE/run.sh" --only 30-stress "$KVER" "$B" >"$B/unsync.out" 2>&1
rc=$?
set -e
lost=$(sed -n 's/.* \([0-9][0-9]*\) updates lost.*/\1/p' "$B/stress.out" | head -1)
if [ $rc = 0 ] || [ -z "$lost" ] || [ "$lost" -le 0 ]; then
	cat "$B/unsync.out"
	echo "stress-unsync: kernel=$KVER: the stress test did not report lost updates without the generation advance" >&2
	exit 1
fi
grep -F "$lost updates lost" "$B/stress.out" | head -1 | sed 's/^/    /'
echo "stress-unsync: kernel=$KVER removed=include/klpsv.h:$at lost=$lost"
