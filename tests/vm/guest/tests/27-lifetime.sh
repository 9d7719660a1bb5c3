#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The lifetime sample (samples/lifetime): per-task data on `current`,
# freed when the kernel frees the task_struct, through a patch of
# release_user_cpus_ptr() that every patch of the chain carries.  Many
# short-lived tasks get data and die: none is left, under p1, across a
# held-open p1 -> p2 transition that is reverted, across the real
# replace (tasks given data under p1 die under p2), and after the final
# disable.  Then the identity cookie: with the free skipped on purpose,
# task_structs are recycled with a dead task's data on them, and no new
# task inherits it.

. /tests/chain.sh

LV=klpsv_life_victim
LP1=klpsv_life_p1
LP2=klpsv_life_p2
LIFE=/proc/klpsv_life
HOLDERS=
OUT=/tmp/life.out
# Instances owned before this test (the census counts every klpsv copy's).
BASE=0

# expect_instances PATCH N: the family "life" holds N instances, and the
# census of klpsv-owned instances agrees (counting from BASE).  A
# task_struct is freed an RCU grace period after its parent reaps it:
# wait up to 20 s.
expect_instances() {
	i=0
	while :; do
		n=$(field "$1" life instances)
		o=$(owned "$1")
		[ "$n" = "$2" ] && [ "$o" = $((BASE + $2)) ] && break
		i=$((i + 1))
		[ $i -le 200 ] ||
			die "family life: instances=$n, census owned=$o, expected $2 (and $BASE before the test)"
		sleep 0.1
	done
	log "family life: $2 instances, the census agrees"
}

# churn N: N short-lived tasks (subshells: always a new task) each read
# /proc/klpsv_life once, getting per-task data, and exit.  Their lines are
# in $OUT.
churn() {
	: >$OUT
	n=0
	while [ $n -lt "$1" ]; do
		(read -r l <$LIFE && echo "$l") >>$OUT || die "a read of $LIFE failed"
		n=$((n + 1))
	done
	[ "$(wc -l <$OUT)" = "$1" ] || die "churn: $(wc -l <$OUT) lines, expected $1"
}

# expect_churn N PATTERN: after churn N, every line matched PATTERN
# (grep -E), each from another task, none of them this shell.
expect_churn() {
	bad=$(grep -vE "$2" $OUT | head -n3)
	[ -z "$bad" ] || die "churn: unexpected lines: $bad"
	pids=$(sed 's/^pid \([0-9]*\):.*/\1/' $OUT | sort -u | wc -l)
	[ "$pids" = "$1" ] || die "churn: $pids distinct tasks, expected $1"
	! grep -q "^pid $$:" $OUT || die "churn: the shell itself read"
	log "$1 short-lived tasks each got their own data ($(grep -c 'p1\]$' $OUT) in p1's code, $(grep -c 'p2\]$' $OUT) in p2's): $(tail -n1 $OUT | sed 's/^pid [0-9]*: //')"
}

# hold N: N long-lived tasks that got data (each reads, then sleeps).
hold() {
	n=0
	while [ $n -lt "$1" ]; do
		(read -r l <$LIFE; exec sleep 1000) &
		HOLDERS="$HOLDERS $!"
		n=$((n + 1))
	done
}

# release N: the N oldest holders die and are reaped.
release() {
	set -- "$1" $HOLDERS
	n=$1
	shift
	HOLDERS=
	for p in "$@"; do
		if [ "$n" -gt 0 ]; then
			kill "$p"
			wait "$p" 2>/dev/null
			n=$((n - 1))
		else
			HOLDERS="$HOLDERS $p"
		fi
	done
}

# expect_log LINE: the kernel said LINE (since the test started).
expect_log() {
	log_since_start | grep -qxF "$1" || die "the kernel did not say: $1"
	log "kernel: $1"
}

# park: a task sleeps in the live patch's life_park(), holding the next
# transition open until unpark (a signal ends the sleep).
park() {
	echo "park 120000" >$LIFE &
	PARK=$!
	sleep 0.5
}

unpark() {
	kill "$PARK"
	wait "$PARK" 2>/dev/null
}

start_test "lifetime: per-task data freed with the task_struct"

grep -q ' release_user_cpus_ptr$' /proc/kallsyms ||
	die "release_user_cpus_ptr is not in kallsyms"
load_mod $LV
load_lp $LP1
[ -d $SYSFS/$LP1/vmlinux/release_user_cpus_ptr,1 ] ||
	die "$LP1 does not patch release_user_cpus_ptr"
BASE=$(owned $LP1)
expect_instances $LP1 0

# Data is per task, and stays with its task.
line=$( (read -r _ <$LIFE; read -r b <$LIFE; echo "$b") )
case $line in
*": visits=2 recycled=0 [p1]") log "one task read twice: ${line#pid * }" ;;
*) die "a task reading twice saw '$line'" ;;
esac

hold 4
expect_instances $LP1 4
churn 100
expect_churn 100 ': visits=1 recycled=0 \[p1\]$'
expect_instances $LP1 4

# A transition to p2 held open, with tasks dying in both patches' code,
# then reverted: p1's data is as it was, nothing leaked.
park
load_mod $LP2
[ "$(cat $SYSFS/$LP2/transition)" = 1 ] || die "the transition to $LP2 is not held open"
expect_log "klpsv: $LP2: family 'life': taking over 4 instances, v1 -> v2 (in place)"
churn 30
expect_churn 30 ': visits=1 (born=p2 )?recycled=0 \[p[12]\]$'
[ "$(cat $SYSFS/$LP2/transition)" = 1 ] ||
	die "the transition to $LP2 completed while a task was parked"
disable_lp $LP2
unpark
[ "$(cat $SYSFS/$LP1/enabled)" = 1 ] || die "$LP1 is no longer enabled"
unload_mod $LP2
expect_instances $LP1 4
log "reverted transition to $LP2: nothing leaked"

# The replace, again held open: tasks get data and die in both patches'
# code; holders start in either.
park
load_mod $LP2
[ "$(cat $SYSFS/$LP2/transition)" = 1 ] || die "the transition to $LP2 is not held open"
churn 30
expect_churn 30 ': visits=1 (born=p2 )?recycled=0 \[p[12]\]$'
hold 3
[ "$(cat $SYSFS/$LP2/transition)" = 1 ] || die "the transition to $LP2 completed while a task was parked"
unpark
wait_transition $LP2
[ "$(cat $SYSFS/$LP2/enabled)" = 1 ] || die "$LP2 is not enabled"
unload_mod $LP1
[ -d $SYSFS/$LP2/vmlinux/release_user_cpus_ptr,1 ] ||
	die "$LP2 does not patch release_user_cpus_ptr"
expect_field $LP2 life version 2
expect_instances $LP2 7

# The four tasks given data under p1 die under p2: freed.
release 4
expect_instances $LP2 3
churn 100
expect_churn 100 ': visits=1 born=p2 recycled=0 \[p2\]$'
expect_instances $LP2 3

# The final disable frees the data of the tasks still alive.
disable_lp $LP2
left=$(grep '^family=' $KLPSV_DEBUGFS/$LP2/families)
[ -z "$left" ] || die "families left after the final disable: $left"
[ "$(owned $LP2)" = "$BASE" ] || die "$(($(owned $LP2) - BASE)) instances left after the final disable"
expect_log "klpsv: $LP2: family 'life' released: 3 instances freed"
log "no family and no instance left after the final disable"
release 3
unload_mod $LP2

# Recycled addresses: p1 again, told to skip the free.  Dead tasks' data
# stays on their task_structs; new tasks allocated there must not
# inherit it (visits=1), and the cookie says it happened (recycled > 0).
load_lp $LP1 test_skip_free=1
churn 100
expect_churn 100 ': visits=1 recycled=[0-9]+ \[p1\]$'
r=$(sed -n 's/.* recycled=\([0-9]*\) .*/\1/p' $OUT | sort -n | tail -n1)
if [ "$r" = 0 ] && grep -q ' __asan_load8$' /proc/kallsyms; then
	log "no task_struct recycled in 100 tasks: KASAN's quarantine holds freed memory back"
else
	[ "$r" -gt 0 ] || die "no task_struct was recycled with stale data on it in 100 tasks"
fi
n=$(field $LP1 life instances)
[ "$n" -gt 0 ] || die "skipping the free leaked nothing"
log "with the free skipped: $n instances leaked, $r found again on recycled task_structs and ignored"
disable_lp $LP1
expect_log "klpsv: $LP1: family 'life' released: $n instances freed"
[ "$(owned $LP1)" = "$BASE" ] || die "$(($(owned $LP1) - BASE)) instances left after disabling $LP1"
log "the disable freed the leaked instances"
unload_mod $LP1
unload_mod $LV
