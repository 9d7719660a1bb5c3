# SPDX-License-Identifier: GPL-2.0
# Transition stress (issue 4): kthreads call patched functions flat out on
# 10,000 objects while the stress patches go s1 -> s2 (additive) -> s3
# (breaking), with each transition held open by pinned threads and a
# parked task, a reverted transition of each kind, and a refused
# downgrade.  The shadow counters must add up to the victim's tally.

start_test "stress: s1 -> s2 -> s3 under load"
load_mod $V
ctl start
sleep 1
load_first $S1
ctl touch
sleep 1
checkpoint "s1"

# An additive transition, reverted while held open.
hold $S2 300 3000 2
disable_lp $S2
[ "$(live)" = $S1 ] || die "$S1 is no longer the live patch"
release
unload_mod $S2
checkpoint "s2 reverted"

hold $S2 300 3000 2
release
complete $S2
unload_mod $S1
ctl touch
checkpoint "s2"

# A breaking transition, reverted while held open.
hold $S3 300 3000 2
disable_lp $S3
[ "$(live)" = $S2 ] || die "$S2 is no longer the live patch"
release
unload_mod $S3
checkpoint "s3 reverted"

# The breaking transition held open for a few seconds, then completed.
hold $S3 500 5000 4
release
complete $S3
unload_mod $S2
checkpoint "s3"

# Downgrade to s1 under load: refused, s3 untouched.
kmsg "% insmod $S1.ko"
insmod $MODDIR/$S1.ko 2>/dev/null && die "$S1 loaded over $S3"
msg="klpsv: $S1: family 'stress_counter': refusing downgrade from live v3 ($S3) to v1: to undo v3, ship a patch with version 4 or more"
dmesg | grep -qF "$msg" || die "no refusal message '$msg'"
[ "$(live)" = $S3 ] && [ "$(cat $SYSFS/$S3/transition)" = 0 ] ||
	die "refusing $S1 disturbed $S3"
log "downgrade to $S1 refused: $msg"
sleep 1

finish stress
