# SPDX-License-Identifier: GPL-2.0
# Transition stress with allocation failures (issue 4, item 5): the same
# load while klpsv allocations fail in the lazy paths of both the old and
# the new patch during additive and breaking transitions, and while
# pre_patch reserves a breaking change's twins (the patch is refused,
# under load).
# Every failed accessor call must take its documented error path (NULL,
# counted as missed, nothing counted), and the shadow counters must still
# add up to the tally.

start_test "stress with allocation failures: s1 -> s2 -> s3 under load"
load_mod $V
ctl start
sleep 1
load_first $S1
ctl touch
checkpoint "s1"

# Additive: old (s1) and new (s2) code create objects, allocations fail.
# The old patch's injector starts before the pinned threads begin to
# create objects: on a slow guest (PREEMPT_RT, SLUB debugging, KASAN)
# they can be done before open_transition returns.
inject $S1 klpsv_fail_alloc 4 >/tmp/inj.1 &
inj1=$!
open_transition $S2 600 4000
inject $S2 klpsv_fail_alloc 3 >/tmp/inj.2 &
inj2=$!
held 3
wait $inj1 $inj2
release
complete $S2
unload_mod $S1
injected=$(($(cat /tmp/inj.1) + $(cat /tmp/inj.2)))
log "s1 -> s2: about $injected allocation failures injected (s1: $(cat /tmp/inj.1), s2: $(cat /tmp/inj.2)), missed=$(stat_of missed)"
ctl touch
checkpoint "s2 with allocation failures"

# A breaking change's takeover running out of memory halfway, under load:
# pre_patch reserves a twin for every instance (it runs no step: old code
# is writing them, so only an allocation can refuse the patch, and
# klpsv_fail_step could not); the patch is refused, the twins reserved so
# far are freed (the checkpoint compares the kernel's shadow variables
# with klpsv's count) and s2 keeps running on its data.
knob=klpsv_fail_alloc
n=$(($(stat_of born) / 2))
kmsg "% insmod $S3.ko $knob=$n"
insmod $MODDIR/$S3.ko $knob=$n 2>/dev/null && die "$S3 loaded with $knob=$n"
[ "$(live)" = $S2 ] && [ "$(cat $SYSFS/$S2/transition)" = 0 ] ||
	die "the refused $S3 disturbed $S2"
msg="klpsv: $S3: taking over family 'stress_counter' failed (-12): the patch is refused, the live data is as it was"
[ "$(dmesg | grep -cF "$msg")" -ge 1 ] || die "no refusal message '$msg'"
log "$S3 with $knob=$n refused under load"
checkpoint "s3 refused under load"

# Breaking: old code (s2) creates objects, new code (s3) converts the
# twins pre_patch reserved and makes those of the new objects, lazily;
# allocations fail on both sides.
inject $S2 klpsv_fail_alloc 5 >/tmp/inj.3 &
inj3=$!
open_transition $S3 2000 5000
inject $S3 klpsv_fail_alloc 4 >/tmp/inj.4 &
inj4=$!
held 4
wait $inj3 $inj4
release
complete $S3
unload_mod $S2
inj=$(($(cat /tmp/inj.3) + $(cat /tmp/inj.4)))
injected=$((injected + inj))
log "s2 -> s3: about $inj allocation failures injected (s2: $(cat /tmp/inj.3), s3: $(cat /tmp/inj.4)), missed=$(stat_of missed)"
ctl touch
sleep 1

missed=$(stat_of missed)
[ "$missed" -gt 0 ] || die "no accessor call returned NULL: the failures were not injected"
finish stress-faults " missed=$missed injected=$injected"
