#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest tests, in the spirit of the kernel's livepatch
# selftests (tools/testing/selftests/livepatch/functions.sh).  Every
# command a test runs is echoed into the kernel log as "% cmd", so a test
# can compare the whole kernel-log transcript with what it expects.

MODDIR=/lib/klpsv
# The kernel the harness booted (tests/vm/run.sh writes its version).
KVER=$(cat /tests/kver)
SYSFS=/sys/kernel/livepatch
TRANSITION_TIMEOUT=${TRANSITION_TIMEOUT:-60}

log() { echo "$*"; }

die() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 4
}

kmsg() { echo "$*" >/dev/kmsg; }

# For the offline check (tests/compat/): a test that sets COMPAT_RECORD=1
# prints, for each livepatch it loads or sees refused, "compat-case:
# seq=M1 M2 ... MOD kernel=VERDICT": the livepatches loaded since the test
# began (or since it disabled the last one), the module, and the kernel's
# verdict ("loads", or klpsv's line from the kernel log).  The host replays
# each case with scripts/klpsv-compat and compares the verdicts.
COMPAT_HISTORY=/tmp/klpsv-compat-history
rm -f $COMPAT_HISTORY

# compat_record MOD VERDICT
compat_record() {
	[ "${COMPAT_RECORD:-}" = 1 ] || return 0
	log "compat-case: seq=$(cat $COMPAT_HISTORY 2>/dev/null)$1 kernel=$2"
}

# Mark the start of a test: check_result compares the log from here on.
start_test() {
	log "test: $*"
	kmsg "klpsv-test: $*"
}

# Load a plain module; fail the test if it does not load.
load_mod() {
	mod=$1; shift
	kmsg "% insmod $mod.ko $*"
	insmod "$MODDIR/$mod.ko" "$@" || die "insmod $mod.ko $* failed"
}

# Load a livepatch module and wait until its transition has completed.
load_lp() {
	mod=$1; shift
	load_mod "$mod" "$@"
	[ -d "$SYSFS/$mod" ] || die "livepatch $mod did not appear in $SYSFS"
	wait_transition "$mod"
	[ "$(cat "$SYSFS/$mod/enabled")" = 1 ] || die "livepatch $mod is not enabled"
	compat_record "$mod" loads
	printf '%s ' "$mod" >>$COMPAT_HISTORY
}

# Load a module that must be refused; print the error insmod gave.
load_failing_mod() {
	mod=$1; shift
	kmsg "% insmod $mod.ko $*"
	if insmod "$MODDIR/$mod.ko" "$@" 2>/tmp/insmod.err; then
		die "insmod $mod.ko $* succeeded but should have failed"
	fi
	kmsg "insmod: ERROR: could not insert module $mod.ko"
}

# Wait until a livepatch has no transition in progress.
wait_transition() {
	mod=$1
	i=0
	while [ -e "$SYSFS/$mod/transition" ] &&
	      [ "$(cat "$SYSFS/$mod/transition" 2>/dev/null)" = 1 ]; do
		i=$((i + 1))
		[ $i -le $((TRANSITION_TIMEOUT * 10)) ] ||
			die "livepatch $mod: transition still running after ${TRANSITION_TIMEOUT}s"
		sleep 0.1
	done
}

# Disable a livepatch and wait until the unpatching transition completes
# (the sysfs directory goes away once the patch is fully disabled).
disable_lp() {
	mod=$1
	kmsg "% echo 0 > $SYSFS/$mod/enabled"
	echo 0 >"$SYSFS/$mod/enabled" || die "cannot disable livepatch $mod"
	i=0
	while [ -d "$SYSFS/$mod" ]; do
		i=$((i + 1))
		[ $i -le $((TRANSITION_TIMEOUT * 10)) ] ||
			die "livepatch $mod still present ${TRANSITION_TIMEOUT}s after disable"
		sleep 0.1
	done
	# no live patch: the next one loads on a kernel without klpsv data
	rm -f $COMPAT_HISTORY
}

# Unload a module; a disabled livepatch may take a moment to drop its
# last reference, so retry briefly.
unload_mod() {
	mod=$1
	kmsg "% rmmod $mod"
	i=0
	until rmmod "$mod" 2>/tmp/rmmod.err; do
		i=$((i + 1))
		[ $i -le 50 ] || die "rmmod $mod failed: $(cat /tmp/rmmod.err)"
		sleep 0.1
	done
}

# expect_read FILE TEXT: FILE must read exactly TEXT.
expect_read() {
	got=$(cat "$1") || die "cannot read $1"
	[ "$got" = "$2" ] || die "$1: expected '$2', got '$got'"
	log "$1: $got"
}

# The kernel log since the last start_test, without timestamps: only the
# lines of the commands run, of livepatch and of klpsv modules (others,
# such as clocksource notices, come and go with timing), and without the
# per-task progress of a transition, which depends on timing too.
log_since_start() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' |
		awk '/^klpsv-test: /{buf=""; next} {buf = buf $0 "\n"} END{printf "%s", buf}' |
		grep -e '^% ' -e '^livepatch: ' -e '^klpsv' -e '^insmod: ' |
		grep -v -e 'taints kernel' -e 'tainting kernel' \
			-e 'klp_try_switch_task: ' -e 'signaling remaining tasks' \
			-e 'klpsv_probe: '
}

# Walks visit instances in the order of klpsv's index, which depends on
# the objects' addresses: sort each run of per-object lines ("...: session
# N: ..."), here and in what is expected.
sort_runs() {
	run=
	while IFS= read -r line; do
		case $line in
		*": session "[0-9]*": "*)
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

# check_result EXPECTED: the transcript since start_test must match.
check_result() {
	log_since_start | sort_runs >/tmp/got
	printf '%s\n' "$1" | sort_runs >/tmp/expected
	if ! diff -u /tmp/expected /tmp/got >/tmp/diff; then
		echo "kernel log does not match the expected transcript:"
		cat /tmp/diff
		die "transcript mismatch"
	fi
	log "kernel log matches the expected transcript ($(wc -l </tmp/got) lines)"
}
