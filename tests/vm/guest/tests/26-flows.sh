#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Patch modules as the build flows make them (samples/klp-build,
# samples/kpatch, samples/single-file), in chains with hand-written ones:
# values carried over every takeover, in either direction between the
# modes; a reverted transition to a generated-init patch; nothing left
# after the final disable; and the misconfigured modules
# (tests/modules/misuse_*.c) refused, or tolerated, with klpsv's lines.
# A generated-init patch has no debugfs file: instances are counted by
# the probe (tests/modules/probe.c), apart from klpsv's indexes.

. /tests/chain.sh

# Every load and refusal is replayed offline by klpsv-compat
# (tests/compat/), which must give the kernel's verdict.
COMPAT_RECORD=1

KB2=klpsv_klpbuild_p2
KB3=klpsv_klpbuild_p3
KP2=klpsv_kpatch_p2
SF=klpsv_single_file
M=klpsv_misuse
SMOKE=klpsv_smoke_victim

# expect_count N: the probe counts N instances of the chain's families.
expect_count() {
	got=$(counted_instances)
	[ "$got" = "$1" ] || die "$got instances counted on chain sessions, expected $1"
	log "instances: $got counted"
}

# no_debugfs PATCH: klpsv made no debugfs directory for PATCH.
no_debugfs() {
	[ ! -e "$KLPSV_DEBUGFS/$1" ] || die "$1 has a debugfs directory"
	log "$1: no debugfs directory (generated init)"
}

# generated N PATCH: the info line of a patch klpsv_enable_patch() did
# not enable, with its N families.
generated() {
	echo "klpsv: $2: no klpsv_enable_patch(): $1 families found in the module"
}

# v2_sessions TAG: the report after the v2 steps of the chains below.
v2_sessions() {
	echo "session 1: touches=3 bytes=30 who=dave [$1]
session 2: touches=1 bytes=0 who=- [$1]
session 3: touches=1 bytes=7 who=erin [$1]
session 4: touches=0 bytes=0 who=- [$1]
session 5: touches=0 bytes=0 who=- [$1]
session 6: touches=0 bytes=0 who=- [$1]
session 7: touches=0 bytes=0 who=- [$1]
session 8: touches=0 bytes=0 who=- [$1]"
}

# v1_touches: the touches every chain below starts with.
v1_touches() {
	chain touch 1 10 alice
	chain touch 1 20 bob
	chain touch 2 5 carol
}

# v2_touches PATCH TAG: PATCH (at v2, tag TAG) took p1's data over in
# place; two more touches.
v2_touches() {
	expect_chain "session 1: touches=2 bytes=0 who=- [$2]
session 2: touches=1 bytes=0 who=- [$2]
session 3: touches=0 bytes=0 who=- [$2]
session 4: touches=0 bytes=0 who=- [$2]
session 5: touches=0 bytes=0 who=- [$2]
session 6: touches=0 bytes=0 who=- [$2]
session 7: touches=0 bytes=0 who=- [$2]
session 8: touches=0 bytes=0 who=- [$2]"
	chain touch 1 30 dave
	chain touch 3 7 erin
	expect_chain "$(v2_sessions "$2")"
	# stats on sessions 1, 2, 3; tag on 1 and 3
	expect_count 5
}

# v3_report TAG: the report once a v3 patch took the v2 data over.
v3_report() {
	echo "session 1: touches=3 bytes=30 [$1]
session 2: touches=1 bytes=0 [$1]
session 3: touches=1 bytes=7 [$1]
session 4: touches=0 bytes=0 [$1]
session 5: touches=0 bytes=0 [$1]
session 6: touches=0 bytes=0 [$1]
session 7: touches=0 bytes=0 [$1]
session 8: touches=0 bytes=0 [$1]"
}

load_mod $V

start_test "flows: hand-written p1 -> klp-build p2 -> hand-written p3"
load_lp $P1
v1_touches
expect_count 2
load_lp $KB2
unload_mod $P1
no_debugfs $KB2
v2_touches $KB2 "klp-build p2"
load_lp $P3
unload_mod $KB2
expect_chain "$(v3_report p3)"
expect_field $P3 stats version 3
expect_field $P3 tag state retired
expect_no_leak $P3
expect_count 3
disable_lp $P3
expect_count 0
unload_mod $P3
check_result "% insmod $P1.ko 
livepatch: enabling patch '$P1'
livepatch: '$P1': initializing patching transition
livepatch: '$P1': starting patching transition
livepatch: '$P1': completing patching transition
klpsv: $P1: family 'stats' is at v1: 0 instances, 0 bytes
livepatch: '$P1': patching complete
% insmod $KB2.ko 
livepatch: enabling patch '$KB2'
livepatch: '$KB2': initializing patching transition
$(generated 2 $KB2)
klpsv: $KB2: family 'stats': taking over 2 instances, v1 -> v2 (in place)
livepatch: '$KB2': starting patching transition
livepatch: '$KB2': completing patching transition
klpsv: $KB2: family 'stats' is at v2: 2 instances, 128 bytes
klpsv: $KB2: family 'tag' is at v1: 0 instances, 0 bytes
livepatch: '$KB2': patching complete
% rmmod $P1
% insmod $P3.ko 
livepatch: enabling patch '$P3'
livepatch: '$P3': initializing patching transition
klpsv: $P3: family 'stats': taking over 3 instances, v2 -> v3 (new layout)
livepatch: '$P3': starting patching transition
livepatch: '$P3': completing patching transition
klpsv: $P3: family 'stats' is at v3: 3 instances, 192 bytes
$P3: session 1: tag released
$P3: session 3: tag released
klpsv: $P3: family 'tag' retired at v2
livepatch: '$P3': patching complete
% rmmod $KB2
% echo 0 > /sys/kernel/livepatch/$P3/enabled
livepatch: '$P3': initializing unpatching transition
livepatch: '$P3': starting unpatching transition
livepatch: '$P3': completing unpatching transition
$P3: session 1: stats freed
$P3: session 2: stats freed
$P3: session 3: stats freed
klpsv: $P3: family 'stats' released: 3 instances freed
livepatch: '$P3': unpatching complete
% rmmod $P3"

start_test "flows: hand-written p1 -> kpatch p2 -> klp-build p3 (reverted once)"
load_lp $P1
v1_touches
load_lp $KP2
unload_mod $P1
no_debugfs $KP2
v2_touches $KP2 "kpatch p2"
# A task parked in kpatch p2's chain_park() holds the transition to
# klp-build p3 (a new layout) open; revert it: p2's data as it was.
before=$(cat $CHAIN)
chain park 4000 &
park=$!
sleep 0.5
load_mod $KB3
[ "$(cat $SYSFS/$KB3/transition)" = 1 ] || die "the transition to $KB3 is not held open"
log "transition to $KB3 held open by a parked task"
disable_lp $KB3
wait $park
[ "$(cat $SYSFS/$KP2/enabled)" = 1 ] || die "$KP2 is no longer enabled"
[ "$(cat $CHAIN)" = "$before" ] || die "reverting $KB3 changed $KP2's data"
expect_count 5
unload_mod $KB3
# Again, to the end this time.
load_lp $KB3
unload_mod $KP2
no_debugfs $KB3
expect_chain "$(v3_report "klp-build p3")"
expect_count 3
chain touch 2 1 frank
chain close 3
expect_count 2
disable_lp $KB3
expect_count 0
unload_mod $KB3
check_result "% insmod $P1.ko 
livepatch: enabling patch '$P1'
livepatch: '$P1': initializing patching transition
livepatch: '$P1': starting patching transition
livepatch: '$P1': completing patching transition
klpsv: $P1: family 'stats' is at v1: 0 instances, 0 bytes
livepatch: '$P1': patching complete
% insmod $KP2.ko 
livepatch: enabling patch '$KP2'
livepatch: '$KP2': initializing patching transition
$(generated 2 $KP2)
klpsv: $KP2: family 'stats': taking over 2 instances, v1 -> v2 (in place)
livepatch: '$KP2': starting patching transition
livepatch: '$KP2': completing patching transition
klpsv: $KP2: family 'stats' is at v2: 2 instances, 128 bytes
klpsv: $KP2: family 'tag' is at v1: 0 instances, 0 bytes
livepatch: '$KP2': patching complete
% rmmod $P1
% insmod $KB3.ko 
livepatch: enabling patch '$KB3'
livepatch: '$KB3': initializing patching transition
$(generated 2 $KB3)
klpsv: $KB3: family 'stats': taking over 3 instances, v2 -> v3 (new layout)
livepatch: '$KB3': starting patching transition
% echo 0 > /sys/kernel/livepatch/$KB3/enabled
livepatch: '$KB3': reversing transition from patching to unpatching
livepatch: '$KB3': starting unpatching transition
livepatch: '$KB3': completing unpatching transition
klpsv: $KB3: transition reverted, live data restored
livepatch: '$KB3': unpatching complete
% rmmod $KB3
% insmod $KB3.ko 
livepatch: enabling patch '$KB3'
livepatch: '$KB3': initializing patching transition
$(generated 2 $KB3)
klpsv: $KB3: family 'stats': taking over 3 instances, v2 -> v3 (new layout)
livepatch: '$KB3': starting patching transition
livepatch: '$KB3': completing patching transition
klpsv: $KB3: family 'stats' is at v3: 3 instances, 192 bytes
$KB3: session 1: tag released
$KB3: session 3: tag released
klpsv: $KB3: family 'tag' retired at v2
livepatch: '$KB3': patching complete
% rmmod $KP2
$KB3: session 3: stats freed
% echo 0 > /sys/kernel/livepatch/$KB3/enabled
livepatch: '$KB3': initializing unpatching transition
livepatch: '$KB3': starting unpatching transition
livepatch: '$KB3': completing unpatching transition
$KB3: session 1: stats freed
$KB3: session 2: stats freed
klpsv: $KB3: family 'stats' released: 2 instances freed
livepatch: '$KB3': unpatching complete
% rmmod $KB3"
chain open 3

start_test "flows: single-file p1 -> klp-build p2"
load_lp $SF
v1_touches
expect_chain "session 1: touches=2 [single-file]
session 2: touches=1 [single-file]
session 3: touches=0 [single-file]
session 4: touches=0 [single-file]
session 5: touches=0 [single-file]
session 6: touches=0 [single-file]
session 7: touches=0 [single-file]
session 8: touches=0 [single-file]"
expect_field $SF stats instances 2
expect_no_leak $SF
load_lp $KB2
unload_mod $SF
v2_touches $KB2 "klp-build p2"
disable_lp $KB2
expect_count 0
unload_mod $KB2
check_result "% insmod $SF.ko 
livepatch: enabling patch '$SF'
livepatch: '$SF': initializing patching transition
livepatch: '$SF': starting patching transition
livepatch: '$SF': completing patching transition
klpsv: $SF: family 'stats' is at v1: 0 instances, 0 bytes
livepatch: '$SF': patching complete
% insmod $KB2.ko 
livepatch: enabling patch '$KB2'
livepatch: '$KB2': initializing patching transition
$(generated 2 $KB2)
klpsv: $KB2: family 'stats': taking over 2 instances, v1 -> v2 (in place)
livepatch: '$KB2': starting patching transition
livepatch: '$KB2': completing patching transition
klpsv: $KB2: family 'stats' is at v2: 2 instances, 128 bytes
klpsv: $KB2: family 'tag' is at v1: 0 instances, 0 bytes
livepatch: '$KB2': patching complete
% rmmod $SF
% echo 0 > /sys/kernel/livepatch/$KB2/enabled
livepatch: '$KB2': initializing unpatching transition
livepatch: '$KB2': starting unpatching transition
livepatch: '$KB2': completing unpatching transition
klpsv: $KB2: family 'stats' released: 3 instances freed
klpsv: $KB2: family 'tag' released: 2 instances freed
livepatch: '$KB2': unpatching complete
% rmmod $KB2"

# Misconfigured modules, with p1 live and its data.
load_lp $P1
v1_touches
refused ${M}_no_callbacks $P1 "the vmlinux klp_object lacks klpsv's callbacks: add .callbacks = KLPSV_CALLBACKS to it"
refused ${M}_unlisted $P1 "family 'tag' is declared with KLPSV_FAMILY() but not in the patch's families: add it to its struct klpsv_patch"

start_test "misuse: klpsv callbacks on a module object only"
before=$(data_checksum $P1)
load_failing_mod ${M}_module_obj
[ "$(data_checksum $P1)" = "$before" ] || die "refusing ${M}_module_obj changed the live data"
[ "$(cat "$SYSFS/$P1/enabled")" = 1 ] || die "$P1 is no longer enabled"
# busybox insmod tries finit_module(), then init_module(): twice.
mo_try="livepatch: enabling patch '${M}_module_obj'
livepatch: '${M}_module_obj': initializing patching transition
$(generated 2 ${M}_module_obj)
klpsv: ${M}_module_obj: klpsv's callbacks are on object '$V' but not on the vmlinux object: put .callbacks = KLPSV_CALLBACKS on the vmlinux object
livepatch: pre-patch callback failed for object '$V'
livepatch: failed to enable patch '${M}_module_obj'
livepatch: '${M}_module_obj': canceling patching transition, going to unpatch
livepatch: '${M}_module_obj': completing unpatching transition
livepatch: '${M}_module_obj': unpatching complete"
check_result "% insmod ${M}_module_obj.ko 
$mo_try
$mo_try
insmod: ERROR: could not insert module ${M}_module_obj.ko"
compat_record ${M}_module_obj "$(dmesg | sed 's/^\[[ 0-9.]*\] //' |
	grep "^klpsv: ${M}_module_obj: " | tail -n1)"

start_test "misuse: klp_enable_patch() on a hand-written patch"
load_lp ${M}_direct_enable
unload_mod $P1
no_debugfs ${M}_direct_enable
v2_touches ${M}_direct_enable direct
disable_lp ${M}_direct_enable
expect_count 0
unload_mod ${M}_direct_enable
check_result "% insmod ${M}_direct_enable.ko 
livepatch: enabling patch '${M}_direct_enable'
livepatch: '${M}_direct_enable': initializing patching transition
$(generated 2 ${M}_direct_enable)
klpsv: ${M}_direct_enable: family 'stats': taking over 2 instances, v1 -> v2 (in place)
livepatch: '${M}_direct_enable': starting patching transition
livepatch: '${M}_direct_enable': completing patching transition
klpsv: ${M}_direct_enable: family 'stats' is at v2: 2 instances, 128 bytes
klpsv: ${M}_direct_enable: family 'tag' is at v1: 0 instances, 0 bytes
livepatch: '${M}_direct_enable': patching complete
% rmmod $P1
% echo 0 > /sys/kernel/livepatch/${M}_direct_enable/enabled
livepatch: '${M}_direct_enable': initializing unpatching transition
livepatch: '${M}_direct_enable': starting unpatching transition
livepatch: '${M}_direct_enable': completing unpatching transition
klpsv: ${M}_direct_enable: family 'stats' released: 3 instances freed
klpsv: ${M}_direct_enable: family 'tag' released: 2 instances freed
livepatch: '${M}_direct_enable': unpatching complete
% rmmod ${M}_direct_enable"

start_test "misuse: callbacks on vmlinux and on a module that unloads"
B=${M}_both_objs
load_mod $SMOKE
load_lp $P1
v1_touches
load_lp $B
unload_mod $P1
expect_read /proc/klpsv_smoke "item 1: patched by $B"
v2_touches $B "both objs"
# The smoke victim goes while the patch stays: nothing is freed.
unload_mod $SMOKE
expect_count 5
chain touch 2 4 grace
expect_chain "$(v2_sessions "both objs" | sed 's/^session 2: .*/session 2: touches=2 bytes=4 who=grace [both objs]/')"
expect_count 6
# It comes back: patched again, nothing taken over twice.
load_mod $SMOKE
expect_read /proc/klpsv_smoke "item 1: patched by $B"
expect_count 6
disable_lp $B
expect_count 0
unload_mod $B
unload_mod $SMOKE
# No klpsv line when the smoke victim goes or comes back.
check_result "% insmod $SMOKE.ko 
% insmod $P1.ko 
livepatch: enabling patch '$P1'
livepatch: '$P1': initializing patching transition
livepatch: '$P1': starting patching transition
livepatch: '$P1': completing patching transition
klpsv: $P1: family 'stats' is at v1: 0 instances, 0 bytes
livepatch: '$P1': patching complete
% insmod $B.ko 
livepatch: enabling patch '$B'
livepatch: '$B': initializing patching transition
$(generated 2 $B)
klpsv: $B: family 'stats': taking over 2 instances, v1 -> v2 (in place)
livepatch: '$B': starting patching transition
livepatch: '$B': completing patching transition
klpsv: $B: family 'stats' is at v2: 2 instances, 128 bytes
klpsv: $B: family 'tag' is at v1: 0 instances, 0 bytes
livepatch: '$B': patching complete
% rmmod $P1
% rmmod $SMOKE
livepatch: reverting patch '$B' on unloading module '$SMOKE'
% insmod $SMOKE.ko 
livepatch: applying patch '$B' to loading module '$SMOKE'
% echo 0 > /sys/kernel/livepatch/$B/enabled
livepatch: '$B': initializing unpatching transition
livepatch: '$B': starting unpatching transition
livepatch: '$B': completing unpatching transition
klpsv: $B: family 'stats' released: 3 instances freed
klpsv: $B: family 'tag' released: 3 instances freed
livepatch: '$B': unpatching complete
% rmmod $B
% rmmod $SMOKE"

unload_mod $V
