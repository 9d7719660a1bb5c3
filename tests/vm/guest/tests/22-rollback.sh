#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# All or nothing: make every allocation and every step of a takeover fail
# in turn.  Each time the new patch must be refused, the old one stay live
# with its data byte for byte, and no shadow variable leak.

. /tests/chain.sh

# Bring up P1 with data on five sessions.
setup_p1() {
	load_lp $P1
	for s in 1 2 3 4 5; do
		chain touch $s $((s * 10)) u$s
	done
	chain touch 1 1 again
}

# sweep PATCH KNOB: load PATCH with KNOB=1, 2, ... until it loads.
sweep() {
	live=$(ls $SYSFS)
	before=$(data_checksum $live)
	count=$(indexed $live)
	n=1
	while ! insmod $MODDIR/$1.ko $2=$n 2>/dev/null; do
		[ "$(cat $SYSFS/$live/enabled)" = 1 ] || die "$2=$n: $live is no longer enabled"
		[ "$(cat $SYSFS/$live/transition)" = 0 ] || die "$2=$n: $live is in a transition"
		[ "$(data_checksum $live)" = "$before" ] || die "$2=$n: the live data changed"
		[ "$(shadow_count)" = "$count" ] || die "$2=$n: $(shadow_count) shadow variables, expected $count"
		n=$((n + 1))
		[ $n -le 200 ] || die "$1 still refused with $2=$n"
	done
	wait_transition $1
	echo 0 >/sys/module/$1/parameters/$2
	log "$1 $2: $((n - 1)) failure points, each rolled back; loads with $2=$n"
	[ $n -gt 1 ] || die "$2 never failed anything: the sweep tested nothing"
	sweep_points=$((n - 1))
}

# Back to P1 with the same data, from any patch.
reset_to_p1() {
	live=$(ls $SYSFS)
	disable_lp $live
	for m in $P3 $P2 $P1; do
		grep -q "^$m " /proc/modules && unload_mod $m
	done
	setup_p1
}

load_mod $V
setup_p1

start_test "rollback: v1 -> v3 (new layout), allocations"
sweep $P3 klpsv_fail_alloc
[ $sweep_points -ge 5 ] || die "expected a failure point per instance, got $sweep_points"
expect_field $P3 stats instances 5
expect_no_leak $P3

reset_to_p1
start_test "rollback: v1 -> v3 (new layout), steps"
sweep $P3 klpsv_fail_step
[ $sweep_points -ge 5 ] || die "expected a failure point per instance, got $sweep_points"
expect_no_leak $P3

reset_to_p1
start_test "rollback: v1 -> v2 (in place) + new family, allocations"
sweep $P2 klpsv_fail_alloc
expect_no_leak $P2

reset_to_p1
start_test "rollback: v1 -> v2 (in place) + new family, steps"
sweep $P2 klpsv_fail_step
[ $sweep_points -ge 5 ] || die "expected a failure point per instance, got $sweep_points"
expect_no_leak $P2
expect_chain "session 1: touches=2 bytes=0 who=- [p2]
session 2: touches=1 bytes=0 who=- [p2]
session 3: touches=1 bytes=0 who=- [p2]
session 4: touches=1 bytes=0 who=- [p2]
session 5: touches=1 bytes=0 who=- [p2]
session 6: touches=0 bytes=0 who=- [p2]
session 7: touches=0 bytes=0 who=- [p2]
session 8: touches=0 bytes=0 who=- [p2]"

disable_lp $P2
[ "$(shadow_count)" = 0 ] || die "shadow variables left after the final disable"
for m in $P2 $P1 $V; do
	grep -q "^$m " /proc/modules && unload_mod $m
done
true
