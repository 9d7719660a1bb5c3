#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers of the stress guest tests.  tests/stress/run.sh prepends this
# file to every test in tests/stress/guest/ (the VM harness copies only
# the tests themselves into the guest).

. /tests/functions.sh

V=klpsv_stress_victim
S1=klpsv_stress_s1
S2=klpsv_stress_s2
S3=klpsv_stress_s3
P0=klpsv_stress_p0
A1=klpsv_stress_a1
CTL=/proc/klpsv_stress
SCAN=/proc/klpsv_stress_scan
KLPSV_DEBUGFS=/sys/kernel/debug/klpsv
NSTICKY=2
T0=$(date +%s)
PHASE=0

# ctl CMD: a command to the victim.
ctl() {
	echo "$*" >$CTL || die "'$*' > $CTL failed"
}

# get "k1=v1 k2=v2 ..." KEY: the value of KEY.
get() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# stat_of KEY: a counter of the victim.
stat_of() {
	get "$(cat $CTL)" "$1"
}

elapsed() {
	echo $(($(date +%s) - T0))
}

# code_nr PATCH: the victim's calls counter of PATCH's code (calls<n>;
# 0: the victim's own code, no patch).
code_nr() {
	case $1 in
	"") echo 0 ;;
	$P0) echo 4 ;;
	$A1) echo 5 ;;
	*) echo "${1#klpsv_stress_s}" ;;
	esac
}

# family PATCH KEY: a field of the stress family in PATCH's debugfs.
family() {
	get "$(grep '^family=stress_counter ' "$KLPSV_DEBUGFS/$1/families")" "$2"
}

# live: the enabled livepatch.
live() {
	for p in $SYSFS/*; do
		[ "$(cat "$p/enabled")" = 1 ] && basename "$p"
	done
}

# load_first PATCH: load the first patch with the threads paused during
# the insmod (see stress_pause() in victim.c: ftrace rewrites the entry of
# every victim function then), running while its transition completes.
load_first() {
	ctl pause 1
	load_mod "$1"
	ctl pause 0
	wait_transition "$1"
	[ "$(cat "$SYSFS/$1/enabled")" = 1 ] || die "livepatch $1 is not enabled"
}

# pin: sticky threads pin themselves in the live code's stress_slice().
pin() {
	ctl sticky 1
	i=0
	while [ "$(stat_of pinned)" != $NSTICKY ]; do
		i=$((i + 1))
		[ $i -le 100 ] || die "sticky threads did not pin themselves: $(cat $CTL)"
		sleep 0.1
	done
}

# open_transition PATCH GROW PARK_MS: load PATCH while sticky threads are
# pinned in the live patch's code and a task is parked in it, so the
# transition stays open; pinned threads create GROW objects in old code
# meanwhile, which new code then migrates lazily.
open_transition() {
	old=$(live)
	oldn=$(code_nr "$old")
	new=$1
	newn=$(code_nr "$1")
	PHASE=$((PHASE + 1))
	log "phase $PHASE: ${old:-none} -> $new"
	ctl phase $PHASE
	pin
	ctl grow "$2"
	ctl park "$3" &
	park=$!
	sleep 0.3
	load_mod "$1"
	[ "$(cat $SYSFS/$1/transition)" = 1 ] || die "the transition to $1 is not held open"
	before=$(cat $CTL)
}

# held SECONDS: the transition open_transition started is still open
# SECONDS later, and both the old and the new patch's code counted calls
# meanwhile.
held() {
	sleep "$1"
	[ "$(cat $SYSFS/$new/transition)" = 1 ] || die "the transition to $new completed while held"
	after=$(cat $CTL)
	d_old=$(($(get "$after" calls$oldn) - $(get "$before" calls$oldn)))
	d_new=$(($(get "$after" calls$newn) - $(get "$before" calls$newn)))
	log "transition ${old:-none} -> $new held open ${1}s: old code ran $d_old calls, new code $d_new"
	[ $d_old -gt 0 ] || die "old code did not run while the transition was held open"
	[ $d_new -gt 0 ] || die "new code did not run while the transition was held open"
}

# hold PATCH GROW PARK_MS SECONDS: open_transition, then held.
hold() {
	open_transition "$1" "$2" "$3"
	held "$4"
}

# release: unpin the sticky threads and wait for the parked task.
release() {
	ctl sticky 0
	wait $park
}

# complete PATCH: wait for PATCH's transition to complete; if it takes
# long, say which tasks hold it (the livepatch debug messages).
complete() {
	i=0
	while [ "$(cat $SYSFS/$1/transition)" = 1 ]; do
		i=$((i + 1))
		if [ $i = 50 ]; then
			log "transition to $1 still running after 5s; blocking tasks:"
			dmesg | grep -e 'klp_try_switch_task' | tail -n 6 | sed 's/^/    /'
			log "    $(cat $CTL)"
			for pid in $(pgrep klpsv_stress); do
				log "    $pid $(cat /proc/$pid/comm) $(tr '\n' ' ' </proc/$pid/stack 2>/dev/null)"
			done
		fi
		[ $i -le $((TRANSITION_TIMEOUT * 10)) ] ||
			die "livepatch $1: transition still running after ${TRANSITION_TIMEOUT}s"
		sleep 0.1
	done
}

# bufs_ok LABEL SCAN STAT: the owned buffers allocated and not freed are
# exactly those the instances own, and no patched code or step saw a bad
# one.
bufs_ok() {
	[ "$(get "$2" bufs)" = "$(get "$2" owned)" ] ||
		die "$1: $(get "$2" bufs) owned buffers are allocated, the instances own $(get "$2" owned)"
	[ "$(get "$3" bufs_bad)" = 0 ] ||
		die "$1: patched code or a step saw $(get "$3" bufs_bad) bad owned buffers"
}

# checkpoint LABEL: with the threads stopped, the shadow counters add up
# to the tally, klpsv's index holds exactly the kernel's shadow
# variables, and the instances own every owned buffer allocated.  The
# threads are started again.
checkpoint() {
	ctl stop
	scan=$(cat $SCAN)
	st=$(cat $CTL)
	p=$(live)
	ops=$(get "$scan" ops)
	tally=$(get "$scan" tally)
	shadows=$(get "$scan" shadows)
	indexed=$(family "$p" instances)
	log "checkpoint $1 (${p}, $(elapsed)s): $scan indexed=$indexed born=$(get "$st" born) missed=$(get "$st" missed) corrupt=$(get "$st" corrupt) bufs_alloc=$(get "$st" bufs_alloc) bufs_bad=$(get "$st" bufs_bad)"
	[ "$ops" = "$tally" ] || lost_at "$1: the shadow counters add up to $ops, the tally is $tally: $((tally - ops)) updates lost"
	[ "$shadows" = "$indexed" ] || die "$1: the kernel holds $shadows shadow variables, klpsv indexes $indexed"
	bufs_ok "$1" "$scan" "$st"
	[ "$(get "$st" corrupt)" = 0 ] || die "$1: patched code saw $(get "$st" corrupt) corrupt instances"
	[ "$(get "$scan" bad)" = 0 ] || lost_at "$1: objects whose counter differs from their own tally: $(get "$scan" bad_objs) (id:counter/tally@phase)"
	ctl start
}

# lost_at WHAT: a checkpoint found updates lost.  Fatal there, unless
# LOST_AT_END is set: then the test goes on, and finish prints the result
# line (with lost= not 0, as the loss stays) before failing.
lost_at() {
	[ -n "${LOST_AT_END:-}" ] || die "$*"
	log "LOST: $* (the result line reports it)"
}

# finish NAME: stop, add up, disable the last patch, count what is left,
# and print the result line (leaked: klpsv's shadow variables and raw ones
# of the adoption test's id left; bufs: owned buffers allocated in all).
# Fails unless nothing was lost or leaked, shadow variables and owned
# buffers alike.
finish() {
	ctl stop
	p=$(live)
	scan=$(cat $SCAN)
	st=$(cat $CTL)
	ops=$(get "$scan" ops)
	tally=$(get "$scan" tally)
	log "final ($p, $(elapsed)s): $scan indexed=$(family "$p" instances) lost_in_debugfs=$(family "$p" lost) $st"
	bufs_ok final "$scan" "$st"
	disable_lp "$p"
	left=$(cat $SCAN)
	leaked=$(($(get "$left" shadows) + $(get "$left" raw)))
	bufs_leaked=$(get "$left" bufs)
	bufs=$(stat_of bufs_alloc)
	unload_mod "$p"
	unload_mod $V
	corrupt=$(get "$st" corrupt)
	echo "$1: kernel=$KVER ops=$ops tally=$tally lost=$((tally - ops)) leaked=$leaked bufs=$bufs bufs_leaked=$bufs_leaked$2"
	[ "$corrupt" = 0 ] || die "patched code saw $corrupt corrupt instances"
	[ "$bufs_leaked" = 0 ] || die "$bufs_leaked owned buffers leaked"
	[ "$bufs" -gt 0 ] || die "no owned buffer was ever allocated"
	[ "$(get "$scan" bad)" = 0 ] || die "$(get "$scan" bad) objects' counters differ from their own tally: $(get "$scan" bad_objs) (id:counter/tally@phase)"
	[ $((tally - ops)) = 0 ] || die "$((tally - ops)) updates lost"
	[ "$leaked" = 0 ] || die "$leaked shadow variables leaked"
	log "total $(elapsed)s"
}

# inject PATCH KNOB SECONDS: for SECONDS, keep PATCH's failure knob
# (klpsv_fail_alloc or klpsv_fail_step, which fail the Nth call only)
# armed a few calls ahead, re-arming it each time the armed call is
# reached; then disarm.  Prints how many armed calls were reached: about
# the number of failures injected (a call reached before its arming
# landed did not fail).
inject() {
	f=$KLPSV_DEBUGFS/$1/fault
	p=/sys/module/$1/parameters/$2
	key=${2#klpsv_fail_}_calls
	end=$(($(date +%s) + $3))
	fired=0
	target=0
	lead=4
	prev=$(get "$(cat $f)" $key)
	while [ $(date +%s) -lt $end ]; do
		calls=$(get "$(cat $f)" $key)
		# Arm further ahead than the calls made since the last read.
		[ $((2 * (calls - prev) + 4)) -gt $lead ] && lead=$((2 * (calls - prev) + 4))
		prev=$calls
		if [ $calls -ge $target ]; then
			[ $target -gt 0 ] && fired=$((fired + 1))
			target=$((calls + lead))
			echo $target >$p
		fi
		sleep 0.02
	done
	echo 0 >$p
	calls=$(get "$(cat $f)" $key)
	[ $target -gt 0 ] && [ $calls -ge $target ] && fired=$((fired + 1))
	echo $fired
}

# churn_to_s2: the start of the churn tests.  The threads run on s1 with
# 1 call in 200 freeing the object's shadow data (a later call creates it
# again); s2 is held open and reverted, then held open and completed; a
# checkpoint follows each step.
churn_to_s2() {
	load_mod $V
	ctl start
	sleep 1
	load_first $S1
	ctl close 200
	sleep 1
	checkpoint "s1 with churn"

	hold $S2 200 3000 2
	disable_lp $S2
	[ "$(live)" = $S1 ] || die "$S1 is no longer the live patch"
	release
	unload_mod $S2
	checkpoint "s2 reverted with churn"

	hold $S2 200 3000 2
	release
	complete $S2
	unload_mod $S1
	checkpoint "s2 with churn"
}
