#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers for the tests of the chain sample (samples/chain).

. /tests/functions.sh

V=klpsv_chain_victim
P1=klpsv_chain_p1
P2=klpsv_chain_p2
P3=klpsv_chain_p3
# p1 and p3 built with klpsv's shared format 1 (tests/format1/).
P1_F1=klpsv_f1_chain_p1
P3_F1=klpsv_f1_chain_p3
CHAIN=/proc/klpsv_chain
KLPSV_DEBUGFS=/sys/kernel/debug/klpsv

# chain CMD...: send a command to the victim ("touch 1 10 alice", ...).
chain() {
	echo "$*" >$CHAIN || die "'$*' > $CHAIN failed"
}

# expect_chain LINES: the victim's report must read exactly LINES.
expect_chain() {
	got=$(cat $CHAIN)
	if [ "$got" != "$1" ]; then
		printf 'expected:\n%s\ngot:\n%s\n' "$1" "$got"
		die "$CHAIN differs"
	fi
	log "$CHAIN as expected ($(echo "$got" | wc -l) lines)"
}

# field PATCH FAMILY KEY: a value from PATCH's debugfs families file.
field() {
	sed -n "s/^family=$2 .* $3=\([^ ]*\).*/\1/p" "$KLPSV_DEBUGFS/$1/families"
}

# expect_field PATCH FAMILY KEY VALUE
expect_field() {
	got=$(field "$1" "$2" "$3")
	[ "$got" = "$4" ] || die "debugfs: family $2 $3=$got, expected $4"
	log "debugfs: family $2 $3=$got"
}

# All open sessions, then the instances of every family: a fingerprint of
# the live data to compare before and after an operation.
data_checksum() {
	{ cat $CHAIN; sed 's/ refusal=.*//; s/ migrations=[0-9]*//' \
		"$KLPSV_DEBUGFS/$1/families" | grep '^family='; } | md5sum | cut -d' ' -f1
}

# refused MOD LIVE MESSAGE: loading MOD is refused with MESSAGE, and the
# live patch LIVE keeps running with its data as it was.  (busybox insmod
# tries finit_module(), then init_module(): a refusal is logged twice.)
refused() {
	start_test "refuse $1 while $2 is live"
	before=$(data_checksum "$2")
	load_failing_mod "$1"
	[ "$(data_checksum "$2")" = "$before" ] || die "refusing $1 changed the live data"
	[ "$(cat "$SYSFS/$2/enabled")" = 1 ] || die "$2 is no longer enabled"
	[ "$(cat "$SYSFS/$2/transition")" = 0 ] || die "$2 is in a transition"
	check_result "% insmod $1.ko 
klpsv: $1: $3
klpsv: $1: $3
insmod: ERROR: could not insert module $1.ko"
	compat_record "$1" "$(dmesg | sed 's/^\[[ 0-9.]*\] //' |
		grep "^klpsv: $1: " | tail -n1)"
}

# counted_instances: instances of the chain families on the victim's sessions,
# counted apart from klpsv's indexes (tests/modules/probe.c): shadow
# variables in the kernel's own table, plus klpsv-owned ones from the
# census of test builds.
counted_instances() {
	insmod $MODDIR/klpsv_probe.ko || die "cannot load the probe"
	rmmod klpsv_probe
	dmesg | sed -n 's/.*klpsv_probe: \([0-9]*\) instances on chain sessions.*/\1/p' | tail -n1
}

# shadow_count: of those, the shadow variables (indexes of format 1).
shadow_count() {
	insmod $MODDIR/klpsv_probe.ko || die "cannot load the probe"
	rmmod klpsv_probe
	dmesg | sed -n 's/.*klpsv_probe: [0-9]* instances on chain sessions (\([0-9]*\) shadow variables.*/\1/p' | tail -n1
}

# indexed PATCH: instances of every family, as klpsv counts them.
indexed() {
	sed -n 's/^family=.* instances=\([0-9]*\) .*/\1/p' \
		"$KLPSV_DEBUGFS/$1/families" | awk '{ n += $1 } END { print n + 0 }'
}

# has_census PATCH: PATCH's klpsv reports the instances it allocates
# itself (shared format 2; format 1 stores every instance as a shadow
# variable).
has_census() {
	[ -f "$KLPSV_DEBUGFS/$1/census" ]
}

# owned PATCH: instances klpsv allocated itself, live on the system, as
# PATCH's census file counts them (0 without one).
owned() {
	if has_census "$1"; then
		sed -n 's/^owned=\([0-9]*\).*/\1/p' "$KLPSV_DEBUGFS/$1/census"
	else
		echo 0
	fi
}

# expect_no_leak PATCH: klpsv's count matches the kernel's table, plus
# the instances klpsv owns when PATCH has a census.
expect_no_leak() {
	k=$(counted_instances)
	i=$(indexed "$1")
	[ "$k" = "$i" ] || die "the census counts $k instances, klpsv indexes $i"
	log "instances: $k counted apart, $i indexed by klpsv"
}
