#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The adoption sample (samples/adopt): p0, a livepatch on raw klp_shadow
# variables, then p1, the first klpsv patch, adopting them; p2, a klpsv
# breaking change.  Checks the values at each step, old code's writes
# during p1's transition, new code's writes through to the raw variables,
# a reverted p0 -> p1 transition leaving p0's bytes as they were, no raw
# variable of p0's ids left once p1's transition completed, nothing left
# at all after the final disable; then p2, which keeps KLPSV_RAW(),
# loaded over p0 directly.  The raw variables and klpsv's
# census are read by a probe (tests/modules/adopt_probe.c).

. /tests/functions.sh

V=klpsv_adopt_victim
P0=klpsv_adopt_p0
P1=klpsv_adopt_p1
P2=klpsv_adopt_p2
PROBE=klpsv_adopt_probe
ADOPT=/proc/klpsv_adopt
RAW=/sys/kernel/debug/klpsv_adopt_probe
KLPSV_DEBUGFS=/sys/kernel/debug/klpsv
# p0's ids: KLP_SHADOW_ID(1234567, 1) on ports, KLP_SHADOW_ID(1234567, 0)
# on NULL.
PORT_ID=0x4b5a1c1
SHARED_ID=0x4b5a1c0

# Releases and destructors run in the order of the kernel's shadow table
# or of klpsv's index, both by object address: sort each run of per-port
# lines ("...: port N: ..."), here and in what is expected.
sort_runs() {
	run=
	while IFS= read -r line; do
		case $line in
		*": port "[0-9]*": "*)
			run="$run$line
"
			continue ;;
		esac
		if [ -n "$run" ]; then
			printf '%s' "$run" | sort
			run=
		fi
		printf '%s\n' "$line"
	done
	if [ -n "$run" ]; then
		printf '%s' "$run" | sort
	fi
}

# adopt CMD...: send a command to the victim ("rx 1 10", ...).
adopt() {
	echo "$*" >$ADOPT || die "'$*' > $ADOPT failed"
}

# expect_text WHAT GOT EXPECTED
expect_text() {
	if [ "$2" != "$3" ]; then
		printf 'expected:\n%s\ngot:\n%s\n' "$3" "$2"
		die "$1 differs"
	fi
	log "$1 as expected ($(echo "$2" | wc -l) lines)"
}

# expect_adopt LINES: the victim's report must read exactly LINES.
expect_adopt() {
	expect_text "$ADOPT" "$(cat $ADOPT)" "$1"
}

# expect_raw LINES: the raw variables of p0's ids, and the census.
expect_raw() {
	expect_text "raw shadow variables" "$(cat $RAW)" "$1"
}

# indexed PATCH: instances of every family, as klpsv counts them.
indexed() {
	sed -n 's/^family=.* instances=\([0-9]*\) .*/\1/p' \
		"$KLPSV_DEBUGFS/$1/families" | awk '{ n += $1 } END { print n + 0 }'
}

# expect_no_leak PATCH: the instances klpsv indexes are the ones it owns.
expect_no_leak() {
	owned=$(sed -n 's/.* owned=\([0-9-]*\)$/\1/p' $RAW)
	i=$(indexed "$1")
	[ "$owned" = "$i" ] || die "the census counts $owned owned instances, klpsv indexes $i"
	log "instances: $owned owned, $i indexed by klpsv"
}

# expect_field PATCH FAMILY KEY VALUE: a value of PATCH's debugfs file.
expect_field() {
	got=$(sed -n "s/^family=$2 .* $3=\([^ ]*\).*/\1/p" "$KLPSV_DEBUGFS/$1/families")
	[ "$got" = "$4" ] || die "debugfs: family $2 $3=$got, expected $4"
	log "debugfs: family $2 $3=$got"
}

# held PATCH: the transition to PATCH must still be running.
held() {
	[ "$(cat $SYSFS/$1/transition)" = 1 ] ||
		die "the transition to $1 completed too early (parked task too short)"
}

load_mod $V
insmod $MODDIR/$PROBE.ko || die "cannot load the probe"
expect_raw "raw=0 owned=0"

start_test "adopt: p0 on raw shadow variables"
load_lp $P0
adopt rx 1 10
adopt rx 1 20
adopt rx 2 5
adopt close 3
adopt open 3
expect_adopt "port 1: packets=2 bytes=30 [p0]
port 2: packets=1 bytes=5 [p0]
port 3: packets=0 bytes=0 [p0]
port 4: packets=0 bytes=0 [p0]
port 5: packets=0 bytes=0 [p0]
port 6: packets=0 bytes=0 [p0]
port 7: packets=0 bytes=0 [p0]
port 8: packets=0 bytes=0 [p0]
total: bytes=35 closes=1 users=1 [p0]"
# Little-endian: users=1 closes=1 bytes=35; packets=2 bytes=30; 1, 5.
P0_RAW="raw id=$SHARED_ID obj=null data=01000000010000002300000000000000
raw id=$PORT_ID obj=port1 data=020000001e000000
raw id=$PORT_ID obj=port2 data=0100000005000000
raw=3 owned=0"
expect_raw "$P0_RAW"
check_result "% insmod $P0.ko 
livepatch: enabling patch '$P0'
livepatch: '$P0': initializing patching transition
livepatch: '$P0': starting patching transition
livepatch: '$P0': completing patching transition
livepatch: '$P0': patching complete"

# New code reads during the transition: it gets instances converted from
# the raw variables, and its puts write them through unchanged.
start_test "adopt: p0 -> p1 reverted, p0's raw bytes as they were"
adopt park 6000 &
park=$!
sleep 0.5
load_mod $P1
held $P1
log "transition to $P1 held open by a parked task"
expect_adopt "port 1: packets=2 bytes=30 [p1]
port 2: packets=1 bytes=5 [p1]
port 3: packets=0 bytes=0 [p1]
port 4: packets=0 bytes=0 [p1]
port 5: packets=0 bytes=0 [p1]
port 6: packets=0 bytes=0 [p1]
port 7: packets=0 bytes=0 [p1]
port 8: packets=0 bytes=0 [p1]
total: bytes=35 closes=1 [p1]"
expect_raw "$(echo "$P0_RAW" | sed 's/^raw=3 owned=0$/raw=3 owned=3/')"
held $P1
disable_lp $P1
wait $park
[ "$(cat $SYSFS/$P0/enabled)" = 1 ] || die "$P0 is no longer enabled"
expect_raw "$P0_RAW"
log "p0's raw variables are byte for byte as they were"
expect_adopt "port 1: packets=2 bytes=30 [p0]
port 2: packets=1 bytes=5 [p0]
port 3: packets=0 bytes=0 [p0]
port 4: packets=0 bytes=0 [p0]
port 5: packets=0 bytes=0 [p0]
port 6: packets=0 bytes=0 [p0]
port 7: packets=0 bytes=0 [p0]
port 8: packets=0 bytes=0 [p0]
total: bytes=35 closes=1 users=1 [p0]"
unload_mod $P1
check_result "% insmod $P1.ko 
livepatch: enabling patch '$P1'
livepatch: '$P1': initializing patching transition
klpsv: $P1: family 'port': adopting raw shadow id $PORT_ID
klpsv: $P1: family 'shared': adopting raw shadow id $SHARED_ID
livepatch: '$P1': starting patching transition
% echo 0 > /sys/kernel/livepatch/$P1/enabled
livepatch: '$P1': reversing transition from patching to unpatching
livepatch: '$P1': starting unpatching transition
livepatch: '$P1': completing unpatching transition
$P1: port 1: counters freed
$P1: port 2: counters freed
$P1: shared: totals freed
klpsv: $P1: transition reverted, live data restored
livepatch: '$P1': unpatching complete
% rmmod $P1"

# A task parked in p0's adopt_park() counts a packet on port 1 with p0's
# code after new code wrote: both must survive.
start_test "adopt: p0 -> p1 while p0's code still runs"
adopt park 10000 1 &
park=$!
sleep 0.5
load_mod $P1
held $P1
log "transition to $P1 held open by a task parked in p0's code"
adopt rx 1 5
adopt rx 4 7
adopt rx 2 1
adopt close 2
adopt open 2
expect_adopt "port 1: packets=3 bytes=35 [p1]
port 2: packets=0 bytes=0 [p1]
port 3: packets=0 bytes=0 [p1]
port 4: packets=1 bytes=7 [p1]
port 5: packets=0 bytes=0 [p1]
port 6: packets=0 bytes=0 [p1]
port 7: packets=0 bytes=0 [p1]
port 8: packets=0 bytes=0 [p1]
total: bytes=48 closes=2 [p1]"
# Written through for p0's code: port 1 counted, port 4 created, port 2
# counted and freed (instance and raw variable), the totals.
expect_raw "raw id=$SHARED_ID obj=null data=01000000020000003000000000000000
raw id=$PORT_ID obj=port1 data=0300000023000000
raw id=$PORT_ID obj=port4 data=0100000007000000
raw=3 owned=3"
held $P1
wait $park
wait_transition $P1
[ "$(cat $SYSFS/$P1/enabled)" = 1 ] || die "$P1 is not enabled"
[ "$(cat $SYSFS/$P0/enabled 2>/dev/null || echo 0)" = 0 ] ||
	die "$P0 is still enabled"
log "the parked task counted a packet with p0's code; the transition completed"
expect_raw "raw=0 owned=3"
log "no raw shadow variable of p0's ids left"
expect_adopt "port 1: packets=4 bytes=35 [p1]
port 2: packets=0 bytes=0 [p1]
port 3: packets=0 bytes=0 [p1]
port 4: packets=1 bytes=7 [p1]
port 5: packets=0 bytes=0 [p1]
port 6: packets=0 bytes=0 [p1]
port 7: packets=0 bytes=0 [p1]
port 8: packets=0 bytes=0 [p1]
total: bytes=48 closes=2 [p1]"
expect_field $P1 port version 1
expect_field $P1 port instances 2
expect_field $P1 shared instances 1
expect_no_leak $P1
unload_mod $P0
adopt rx 2 3
expect_raw "raw=0 owned=4"
check_result "% insmod $P1.ko 
livepatch: enabling patch '$P1'
livepatch: '$P1': initializing patching transition
klpsv: $P1: family 'port': adopting raw shadow id $PORT_ID
klpsv: $P1: family 'shared': adopting raw shadow id $SHARED_ID
livepatch: '$P1': starting patching transition
$P1: port 2: counters freed
$P1: port 2: raw counters released
livepatch: '$P1': completing patching transition
$P1: port 1: raw counters released
$P1: port 4: raw counters released
klpsv: $P1: family 'port': imported 2 raw variables of id $PORT_ID
klpsv: $P1: family 'port' is at v1: 2 instances, 128 bytes
$P1: shared: raw totals released (users=1)
klpsv: $P1: family 'shared': imported 1 raw variables of id $SHARED_ID
klpsv: $P1: family 'shared' is at v1: 1 instances, 64 bytes
livepatch: '$P1': patching complete
% rmmod $P0"

start_test "adopt: p1 -> p2 (new layout), disable"
load_lp $P2
unload_mod $P1
expect_field $P2 port version 2
expect_field $P2 port epoch 1
expect_field $P2 port instances 3
expect_field $P2 shared instances 1
expect_adopt "port 1: packets=4 bytes=35 max=0 [p2]
port 2: packets=1 bytes=3 max=0 [p2]
port 3: packets=0 bytes=0 max=0 [p2]
port 4: packets=1 bytes=7 max=0 [p2]
port 5: packets=0 bytes=0 max=0 [p2]
port 6: packets=0 bytes=0 max=0 [p2]
port 7: packets=0 bytes=0 max=0 [p2]
port 8: packets=0 bytes=0 max=0 [p2]
total: bytes=51 closes=2 [p2]"
adopt rx 1 100
adopt rx 5 1
adopt close 4
expect_adopt "port 1: packets=5 bytes=135 max=100 [p2]
port 2: packets=1 bytes=3 max=0 [p2]
port 3: packets=0 bytes=0 max=0 [p2]
port 5: packets=1 bytes=1 max=1 [p2]
port 6: packets=0 bytes=0 max=0 [p2]
port 7: packets=0 bytes=0 max=0 [p2]
port 8: packets=0 bytes=0 max=0 [p2]
total: bytes=152 closes=3 [p2]"
expect_raw "raw=0 owned=4"
expect_no_leak $P2

# The final disable frees every instance, each destructor once.
disable_lp $P2
left=$(grep '^family=' $KLPSV_DEBUGFS/$P2/families)
[ -z "$left" ] || die "families left after the final disable: $left"
expect_raw "raw=0 owned=0"
log "no family, no klpsv instance and no raw shadow variable left"
unload_mod $P2
check_result "% insmod $P2.ko 
livepatch: enabling patch '$P2'
livepatch: '$P2': initializing patching transition
klpsv: $P2: family 'port': taking over 3 instances, v1 -> v2 (new layout)
livepatch: '$P2': starting patching transition
livepatch: '$P2': completing patching transition
klpsv: $P2: family 'port' is at v2: 3 instances, 192 bytes
klpsv: $P2: family 'shared' is at v1: 1 instances, 64 bytes
livepatch: '$P2': patching complete
% rmmod $P1
$P2: port 4: counters freed
% echo 0 > /sys/kernel/livepatch/$P2/enabled
livepatch: '$P2': initializing unpatching transition
livepatch: '$P2': starting unpatching transition
livepatch: '$P2': completing unpatching transition
$P2: port 1: counters freed
$P2: port 2: counters freed
$P2: port 5: counters freed
klpsv: $P2: family 'port' released: 3 instances freed
$P2: shared: totals freed
klpsv: $P2: family 'shared' released: 1 instances freed
livepatch: '$P2': unpatching complete
% rmmod $P2"

# A later patch keeps KLPSV_RAW(): loaded over p0 directly, it adopts.
start_test "adopt: p0 -> p2 directly"
load_lp $P0
adopt rx 1 10
adopt rx 3 4
expect_raw "raw id=$SHARED_ID obj=null data=01000000000000000e00000000000000
raw id=$PORT_ID obj=port1 data=010000000a000000
raw id=$PORT_ID obj=port3 data=0100000004000000
raw=3 owned=0"
load_lp $P2
unload_mod $P0
expect_raw "raw=0 owned=3"
log "no raw shadow variable of p0's ids left"
expect_adopt "port 1: packets=1 bytes=10 max=0 [p2]
port 2: packets=0 bytes=0 max=0 [p2]
port 3: packets=1 bytes=4 max=0 [p2]
port 5: packets=0 bytes=0 max=0 [p2]
port 6: packets=0 bytes=0 max=0 [p2]
port 7: packets=0 bytes=0 max=0 [p2]
port 8: packets=0 bytes=0 max=0 [p2]
total: bytes=14 closes=0 [p2]"
expect_no_leak $P2
disable_lp $P2
expect_raw "raw=0 owned=0"
log "no klpsv instance and no raw shadow variable left"
rmmod $PROBE || die "cannot unload the probe"
unload_mod $P2
unload_mod $V
check_result "% insmod $P0.ko 
livepatch: enabling patch '$P0'
livepatch: '$P0': initializing patching transition
livepatch: '$P0': starting patching transition
livepatch: '$P0': completing patching transition
livepatch: '$P0': patching complete
% insmod $P2.ko 
livepatch: enabling patch '$P2'
livepatch: '$P2': initializing patching transition
klpsv: $P2: family 'port': adopting raw shadow id $PORT_ID
klpsv: $P2: family 'shared': adopting raw shadow id $SHARED_ID
livepatch: '$P2': starting patching transition
livepatch: '$P2': completing patching transition
$P2: port 1: raw counters released
$P2: port 3: raw counters released
klpsv: $P2: family 'port': imported 2 raw variables of id $PORT_ID
klpsv: $P2: family 'port' is at v2: 2 instances, 128 bytes
$P2: shared: raw totals released (users=1)
klpsv: $P2: family 'shared': imported 1 raw variables of id $SHARED_ID
klpsv: $P2: family 'shared' is at v1: 1 instances, 64 bytes
livepatch: '$P2': patching complete
% rmmod $P0
% echo 0 > /sys/kernel/livepatch/$P2/enabled
livepatch: '$P2': initializing unpatching transition
livepatch: '$P2': starting unpatching transition
livepatch: '$P2': completing unpatching transition
$P2: port 1: counters freed
$P2: port 3: counters freed
klpsv: $P2: family 'port' released: 2 instances freed
$P2: shared: totals freed
klpsv: $P2: family 'shared' released: 1 instances freed
livepatch: '$P2': unpatching complete
% rmmod $P2
% rmmod $V"
