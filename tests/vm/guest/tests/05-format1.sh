#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Taking over from format 1: the chain sample's p1 built with klpsv's
# shared format 1 (tests/format1/, from the pinned commit), then this
# tree's p2 and p3.  Transitions from the format-1 patch are reverted and
# leave its data as it was; p2 takes over, values carried, nothing leaked;
# a format-1 patch is then refused by its own format check; p3, the
# refused downgrade, the final disable freeing everything.
#
# Runs first: once a format-2 patch has completed a transition, the
# shared data stays format 2 for the rest of the boot and no format-1
# patch loads again, so this test needs a boot where no klpsv patch ran
# before it.  After it, the other tests run on data that format-1 code
# created.

. /tests/chain.sh

[ -d $KLPSV_DEBUGFS ] &&
	die "a klpsv patch was enabled before this test: it needs a boot of its own (run.sh --only format1)"

# revert_f1 PATCH TWINS: hold the transition from the format-1 patch to
# PATCH open with a parked task, then revert it.  While it is open the
# data stays format 1: the live instances and TWINS shells (a breaking
# change's) are shadow variables, klpsv owns none, PATCH indexes the
# live ones.  After the revert the format-1 patch's data is as it was.
revert_f1() {
	before=$(data_checksum $P1_F1)
	count=$(shadow_count)
	chain park 4000 &
	park=$!
	sleep 0.5
	load_mod $1
	[ "$(cat $SYSFS/$1/transition)" = 1 ] || die "the transition to $1 is not held open"
	k=$(shadow_count)
	i=$(indexed $1)
	o=$(owned $1)
	[ "$k" = $((count + $2)) ] && [ "$i" = "$count" ] && [ "$o" = 0 ] ||
		die "during the transition to $1: $k shadow variables, $i indexed, $o owned, expected $((count + $2)), $count and 0"
	log "during the transition to $1: $k shadow variables in the kernel, $i indexed, $o owned by klpsv"
	[ "$(cat $SYSFS/$1/transition)" = 1 ] ||
		die "the transition to $1 completed before the revert (parked task too short)"
	disable_lp $1
	wait $park
	[ "$(cat $SYSFS/$P1_F1/enabled)" = 1 ] || die "$P1_F1 is no longer enabled"
	[ "$(data_checksum $P1_F1)" = "$before" ] || die "reverting $1 changed $P1_F1's data"
	[ "$(shadow_count)" = "$count" ] ||
		die "reverting $1 left $(shadow_count) shadow variables, expected $count"
	log "$P1_F1's data is as it was ($count shadow variables)"
	unload_mod $1
}

load_mod $V
load_lp $P1_F1
has_census $P1_F1 && die "$P1_F1 has a census file: not a format-1 build"
chain touch 1 10 alice
chain touch 1 20 bob
chain touch 2 5 carol
expect_chain "session 1: touches=2 [p1]
session 2: touches=1 [p1]
session 3: touches=0 [p1]
session 4: touches=0 [p1]
session 5: touches=0 [p1]
session 6: touches=0 [p1]
session 7: touches=0 [p1]
session 8: touches=0 [p1]"
expect_field $P1_F1 stats instances 2
expect_field $P1_F1 stats version 1
expect_no_leak $P1_F1

start_test "format 1: revert f1 p1 -> p2 (in place, new family)"
revert_f1 $P2 0
start_test "format 1: revert f1 p1 -> p3 (new layout)"
revert_f1 $P3 2

# The format-1 patch goes on counting, and makes instances.
chain touch 4 1 zoe
expect_chain "session 1: touches=2 [p1]
session 2: touches=1 [p1]
session 3: touches=0 [p1]
session 4: touches=1 [p1]
session 5: touches=0 [p1]
session 6: touches=0 [p1]
session 7: touches=0 [p1]
session 8: touches=0 [p1]"
expect_field $P1_F1 stats instances 3
expect_no_leak $P1_F1

start_test "format 1 -> format 2: p2 takes over from f1 p1"
load_lp $P2
unload_mod $P1_F1
check_result "% insmod $P2.ko 
livepatch: enabling patch '$P2'
livepatch: '$P2': initializing patching transition
klpsv: $P2: family 'stats': taking over 3 instances, v1 -> v2 (in place)
livepatch: '$P2': starting patching transition
livepatch: '$P2': completing patching transition
klpsv: $P2: family 'stats' is at v2: 3 instances, 120 bytes
klpsv: $P2: family 'tag' is at v1: 0 instances, 0 bytes
livepatch: '$P2': patching complete
% rmmod $P1_F1"
expect_field $P2 stats version 2
expect_field $P2 stats epoch 0
expect_field $P2 stats instances 3
expect_field $P2 tag instances 0
expect_no_leak $P2
chain touch 1 30 dave
chain touch 3 7 erin
expect_chain "session 1: touches=3 bytes=30 who=dave [p2]
session 2: touches=1 bytes=0 who=- [p2]
session 3: touches=1 bytes=7 who=erin [p2]
session 4: touches=1 bytes=0 who=- [p2]
session 5: touches=0 bytes=0 who=- [p2]
session 6: touches=0 bytes=0 who=- [p2]
session 7: touches=0 bytes=0 who=- [p2]
session 8: touches=0 bytes=0 who=- [p2]"
expect_field $P2 stats instances 4
expect_field $P2 tag instances 2
expect_no_leak $P2

# Format 2: an index format-1 code made keeps storing shadow variables
# (stats: the 3 format-1 instances and the one of session 3); the index
# p2 made for its new family owns its instances (both tags).
has_census $P2 || die "$P2 has no census file: this tree's klpsv must write format 2"
k=$(shadow_count)
o=$(owned $P2)
[ "$k" = 4 ] && [ "$o" = 2 ] ||
	die "format 2: $k shadow variables and $o owned, expected 4 (stats, in the index format-1 code made) and 2 (tag, new in p2)"
log "format 2: stats' 4 instances are shadow variables (its index is format 1), klpsv owns tag's 2"

# The live data is format 2 now: format-1 code refuses it, through
# its own check, whether it is older (p1) or newer (p3) code.
refused $P3_F1 $P2 "registry: live data uses klpsv format 2, this patch understands formats 1 to 1: rebuild it with a newer klpsv"
refused $P1_F1 $P2 "registry: live data uses klpsv format 2, this patch understands formats 1 to 1: rebuild it with a newer klpsv"

start_test "format 2: p2 -> p3 (new layout)"
load_lp $P3
unload_mod $P2
expect_field $P3 stats version 3
expect_field $P3 stats epoch 1
expect_field $P3 stats instances 4
expect_field $P3 tag state retired
expect_field $P3 tag instances 0
expect_no_leak $P3
k=$(shadow_count)
o=$(owned $P3)
[ "$k" = 4 ] && [ "$o" = 0 ] ||
	die "format 2, after p3's takeover: $k shadow variables and $o owned, expected 4 and 0 (stats' v3 twins are made in its format-1 index, tag is retired)"
log "format 2: stats' 4 v3 instances are shadow variables in its format-1 index, tag retired: none owned"
chain touch 1 1 frank
chain close 2
expect_chain "session 1: touches=4 bytes=31 [p3]
session 3: touches=1 bytes=7 [p3]
session 4: touches=1 bytes=0 [p3]
session 5: touches=0 bytes=0 [p3]
session 6: touches=0 bytes=0 [p3]
session 7: touches=0 bytes=0 [p3]
session 8: touches=0 bytes=0 [p3]"
expect_field $P3 stats instances 3
expect_no_leak $P3
check_result "% insmod $P3.ko 
livepatch: enabling patch '$P3'
livepatch: '$P3': initializing patching transition
klpsv: $P3: family 'stats': taking over 4 instances, v2 -> v3 (new layout)
livepatch: '$P3': starting patching transition
livepatch: '$P3': completing patching transition
klpsv: $P3: family 'stats' is at v3: 4 instances, 192 bytes
$P3: session 3: tag released
$P3: session 1: tag released
klpsv: $P3: family 'tag' retired at v2
livepatch: '$P3': patching complete
% rmmod $P2
$P3: session 2: stats freed"

# Loading p1 again would lower stats from v3 to v1: refused, nothing moves.
refused $P1 $P3 "family 'stats': refusing downgrade from live v3 ($P3) to v1: to undo v3, ship a patch with version 4 or more"

start_test "format 2: disable p3, nothing left"
disable_lp $P3
left=$(grep '^family=' $KLPSV_DEBUGFS/$P3/families)
[ -z "$left" ] || die "families left after the final disable: $left"
k=$(shadow_count)
o=$(owned $P3)
[ "$k" = 0 ] && [ "$o" = 0 ] ||
	die "$k shadow variables and $o owned instances left after the final disable"
log "no family, no shadow variable and no owned instance left after the final disable"
unload_mod $P3
unload_mod $V
check_result "% echo 0 > /sys/kernel/livepatch/$P3/enabled
livepatch: '$P3': initializing unpatching transition
livepatch: '$P3': starting unpatching transition
livepatch: '$P3': completing unpatching transition
$P3: session 1: stats freed
$P3: session 3: stats freed
$P3: session 4: stats freed
klpsv: $P3: family 'stats' released: 3 instances freed
livepatch: '$P3': unpatching complete
% rmmod $P3
% rmmod $V"

