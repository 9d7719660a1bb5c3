#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every guest test in /tests/t in order and print KTAP.
# A test exits 0 (pass), 4 (skip, as in kselftest) or anything else (fail).

# Every module of /lib/klpsv/*.ko, as /proc/modules names it.
ours=" $(for ko in /lib/klpsv/*.ko; do basename "$ko" .ko; done | tr '\n-' ' _') "

# After a failed test: disable every livepatch and unload every module
# the harness brought (the tree's, or the ones run.sh was given), so the
# next test starts from a clean kernel.
cleanup() {
	for p in /sys/kernel/livepatch/*/enabled; do
		[ -e "$p" ] && echo 0 >"$p" 2>/dev/null
	done
	for try in 1 2 3 4 5 6 7 8 9 10; do
		mods=
		for m in $(cut -d' ' -f1 /proc/modules); do
			case $ours in *" $m "*) mods="$mods $m" ;; esac
		done
		[ -z "$mods" ] && break
		for m in $mods; do rmmod "$m" 2>/dev/null; done
		sleep 1
	done
}

set -- /tests/t/*.sh
[ -e "$1" ] || set --
echo "TAP version 13"
echo "1..$#"
i=0
for t in "$@"; do
	i=$((i + 1))
	name=$(basename "$t" .sh)
	sh "$t" >/tmp/out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/out
	case $rc in
	0) echo "ok $i $name" ;;
	4) echo "ok $i $name # SKIP" ;;
	*) echo "not ok $i $name"; cleanup ;;
	esac
done
