#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A reverted transition leaves the predecessor's data as it was: hold the
# transition to the next patch open with a task parked in a patched
# function, revert it (write 0 to enabled), and compare.

. /tests/chain.sh

# revert PATCH RESERVED: start PATCH's transition while a task is parked,
# revert it.  pre_patch runs no step: while the transition is held open,
# and before any patched access, the kernel holds the live shadow
# variables and RESERVED twin shells (a breaking change's, one per
# instance, unconverted), and klpsv counts only the live ones.
revert() {
	live=$(ls $SYSFS)
	before=$(data_checksum $live)
	count=$(counted_instances)
	chain park 4000 &
	park=$!
	sleep 0.5
	load_mod $1
	[ "$(cat $SYSFS/$1/transition)" = 1 ] || die "the transition to $1 is not held open"
	log "transition to $1 held open by a parked task"
	k=$(counted_instances)
	i=$(indexed $1)
	[ "$k" = $((count + $2)) ] && [ "$i" = "$count" ] ||
		die "during the transition to $1: $k shadow variables, $i indexed, expected $((count + $2)) and $count"
	log "during the transition: $k shadow variables in the kernel, $i indexed by klpsv"
	[ "$(cat $SYSFS/$1/transition)" = 1 ] || die "the transition to $1 completed before the revert (parked task too short)"
	disable_lp $1
	wait $park
	[ "$(cat $SYSFS/$live/enabled)" = 1 ] || die "$live is no longer enabled"
	[ "$(data_checksum $live)" = "$before" ] || die "reverting $1 changed $live's data"
	[ "$(counted_instances)" = "$count" ] || die "reverting $1 left $(counted_instances) shadow variables, expected $count"
	log "$live's data is as it was ($count shadow variables)"
	unload_mod $1
}

load_mod $V
load_lp $P1
chain touch 1 10 alice
chain touch 2 20 bob
chain touch 2 20 bob

start_test "revert: p1 -> p2 (in place, new family)"
revert $P2 0
check_result "% insmod $P2.ko 
livepatch: enabling patch '$P2'
livepatch: '$P2': initializing patching transition
klpsv: $P2: family 'stats': taking over 2 instances, v1 -> v2 (in place)
livepatch: '$P2': starting patching transition
% echo 0 > /sys/kernel/livepatch/$P2/enabled
livepatch: '$P2': reversing transition from patching to unpatching
livepatch: '$P2': starting unpatching transition
livepatch: '$P2': completing unpatching transition
klpsv: $P2: transition reverted, live data restored
livepatch: '$P2': unpatching complete
% rmmod $P2"

start_test "revert: p1 -> p3 (new layout)"
revert $P3 2

expect_chain "session 1: touches=1 [p1]
session 2: touches=2 [p1]
session 3: touches=0 [p1]
session 4: touches=0 [p1]
session 5: touches=0 [p1]
session 6: touches=0 [p1]
session 7: touches=0 [p1]
session 8: touches=0 [p1]"

# The same patches then apply normally.
load_lp $P3
expect_chain "session 1: touches=1 bytes=0 [p3]
session 2: touches=2 bytes=0 [p3]
session 3: touches=0 bytes=0 [p3]
session 4: touches=0 bytes=0 [p3]
session 5: touches=0 bytes=0 [p3]
session 6: touches=0 bytes=0 [p3]
session 7: touches=0 bytes=0 [p3]
session 8: touches=0 bytes=0 [p3]"
disable_lp $P3
[ "$(counted_instances)" = 0 ] || die "shadow variables left after the final disable"
unload_mod $P3
unload_mod $P1
unload_mod $V
