#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# All or nothing for memory, and what a failing step costs.
#
# Allocations: make every allocation of a takeover fail in turn.  Each
# time the new patch must be refused, the old one stay live with its data
# byte for byte, and no shadow variable leak.
#
# Steps: pre_patch runs none (old code may be writing), so a failing step
# can no longer refuse a patch.  During the transition it makes new code's
# accessor return NULL for that object, whose instance stays as it was;
# after the transition (post_patch) the instance is freed and counted as
# lost, with one log line.  Checked for a breaking and an additive change:
# the patch loads, exactly the expected instance is lost, the others carry
# their values, and no shadow variable leaks.

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
		[ "$(counted_instances)" = "$count" ] || die "$2=$n: $(counted_instances) shadow variables, expected $count"
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

# steps PATCH: how many steps PATCH's klpsv ran so far (debugfs "fault").
steps() {
	sed -n 's/.*step_calls=\([0-9]*\).*/\1/p' "$KLPSV_DEBUGFS/$1/fault"
}

# expect_steps PATCH N
expect_steps() {
	got=$(steps "$1")
	[ "$got" = "$2" ] || die "$1 ran $got steps, expected $2"
	log "$1 ran $got steps"
}

# expect_shadows KERNEL INDEXED PATCH: the kernel's shadow variables and
# klpsv's instances (pending twin shells are shadow variables that klpsv
# does not count until converted).
expect_shadows() {
	k=$(counted_instances)
	i=$(indexed "$3")
	[ "$k" = "$1" ] && [ "$i" = "$2" ] ||
		die "the kernel holds $k shadow variables, klpsv indexes $i: expected $1 and $2"
	log "shadow variables: $k in the kernel, $i indexed by klpsv"
}

# expect_lost PATCH FAMILY FROM: debugfs counts one lost instance, and the
# kernel log since start_test says so exactly once.
expect_lost() {
	expect_field "$1" "$2" lost 1
	line="klpsv: $1: family '$2': an instance could not be migrated from v$3 after the transition and is freed"
	n=$(log_since_start | grep -cxF "$line")
	[ "$n" = 1 ] || die "the log says $n times: $line"
	log "logged once: $line"
}

# report TAG LOST: the victim's report after setup_p1 under patch TAG
# (p2 or p3), with session LOST's data gone (0: none lost).
report() {
	for s in 1 2 3 4 5 6 7 8; do
		t=0
		[ $s -le 5 ] && t=1
		[ $s = 1 ] && t=2
		[ $s = "$2" ] && t=0
		case $1 in
		p2) echo "session $s: touches=$t bytes=0 who=- [p2]" ;;
		p3) echo "session $s: touches=$t bytes=0 [p3]" ;;
		esac
	done
}

# lost_session: the one session of 1..5 that reads touches=0.
lost_session() {
	lost=$(sed -n 's/^session \([1-5]\): touches=0 .*/\1/p' $CHAIN)
	[ "$(echo "$lost" | wc -w)" = 1 ] ||
		die "expected exactly one of sessions 1..5 to have lost its data: $(cat $CHAIN)"
	echo $lost
}

# step_fails_after PATCH TAG FROM: load PATCH (the live patch is P1 with
# setup_p1's data) with its 2nd step failing and no patched access while
# the transition runs, so every step runs in post_patch's walk, one
# instance after another: the second one is lost, the walk goes on.
step_fails_after() {
	load_lp $1 klpsv_fail_step=2
	[ "$(cat $SYSFS/$1/enabled)" = 1 ] || die "$1 is not enabled"
	expect_steps $1 5
	expect_lost $1 stats $3
	expect_field $1 stats instances 4
	lost=$(lost_session)
	log "session $lost was lost (the 2nd in the walk's order)"
	expect_chain "$(report $2 $lost)"
	expect_no_leak $1
}

# step_fails_during PATCH TAG FROM RESERVED: load PATCH with its 2nd step
# failing while a parked task holds the transition open; new code reads
# every session (in order, so the 2nd is session 2): its step fails, the
# read finds no data, the instance stays.  The next step, armed to fail
# too, is session 2's in post_patch: it is lost, nothing else.  RESERVED:
# twin shells pre_patch takes (one per instance for a breaking change).
step_fails_during() {
	chain park 8000 &
	park=$!
	sleep 0.5
	load_mod $1 klpsv_fail_step=2
	[ "$(cat $SYSFS/$1/transition)" = 1 ] || die "the transition to $1 is not held open"
	log "transition to $1 held open by a parked task"
	expect_steps $1 0
	expect_shadows $((5 + $4)) 5 $1
	# New code: sessions 1, 3, 4, 5 migrated, session 2's step failed.
	expect_chain "$(report $2 2)"
	expect_steps $1 5
	expect_field $1 stats lost 0
	# Every shell was converted but session 2's, freed when its step
	# failed: the older instances, and a twin for sessions 1, 3, 4, 5.
	if [ $4 = 0 ]; then
		expect_shadows 5 5 $1
	else
		expect_shadows 9 9 $1
	fi
	echo 6 >/sys/module/$1/parameters/klpsv_fail_step
	[ "$(cat $SYSFS/$1/transition)" = 1 ] ||
		die "the transition to $1 completed before the test was done (parked task too short)"
	wait $park
	wait_transition $1
	[ "$(cat $SYSFS/$1/enabled)" = 1 ] || die "$1 is not enabled"
	expect_steps $1 6
	expect_lost $1 stats $3
	expect_field $1 stats instances 4
	expect_chain "$(report $2 2)"
	expect_no_leak $1
}

load_mod $V
setup_p1

start_test "rollback: v1 -> v3 (new layout), allocations"
sweep $P3 klpsv_fail_alloc
[ $sweep_points -ge 5 ] || die "expected a failure point per instance, got $sweep_points"
expect_field $P3 stats instances 5
expect_field $P3 stats lost 0
expect_no_leak $P3
expect_chain "$(report p3 0)"

reset_to_p1
start_test "rollback: v1 -> v2 (in place) + new family, allocations"
sweep $P2 klpsv_fail_alloc
expect_field $P2 stats instances 5
expect_field $P2 stats lost 0
expect_no_leak $P2
expect_chain "$(report p2 0)"

reset_to_p1
start_test "failing step: v1 -> v3 (new layout), after the transition"
step_fails_after $P3 p3 1

reset_to_p1
start_test "failing step: v1 -> v3 (new layout), during and after the transition"
step_fails_during $P3 p3 1 5

reset_to_p1
start_test "failing step: v1 -> v2 (in place), after the transition"
step_fails_after $P2 p2 1

reset_to_p1
start_test "failing step: v1 -> v2 (in place), during and after the transition"
step_fails_during $P2 p2 1 0

disable_lp $P2
[ "$(counted_instances)" = 0 ] || die "shadow variables left after the final disable"
for m in $P2 $P1 $V; do
	grep -q "^$m " /proc/modules && unload_mod $m
done
true
