# SPDX-License-Identifier: GPL-2.0
# Transition stress with failing steps in the lazy paths of a breaking
# transition (opt-in: run.sh --extra): while s2 -> s3 is held open, one of
# the next few steps of s3 keeps failing: up steps (pre_patch only
# reserves the twins, so every twin's first conversion is new code's, as
# are the refreshes and the twins of objects old code creates: the
# accessor returns NULL, counted as missed, and the older instance stays
# as it was) and down steps (a write-through from new code to old code,
# which klpsv_put() cannot report).  The knob is disarmed before the
# transition completes: a step failing in post_patch would lose its
# instance (debugfs lost=), which this test does not aim at.  Passes once
# a failed down step loses no update.

start_test "stress with failing steps: s2 -> s3 under load"
load_mod $V
ctl start
sleep 1
load_first $S1
load_lp $S2
unload_mod $S1
ctl touch
checkpoint "s2"

open_transition $S3 1000 5000
inject $S3 klpsv_fail_step 4 >/tmp/inj.s3 &
inj=$!
held 4
wait $inj
release
complete $S3
[ "$(family $S3 lost)" = 0 ] || die "$(family $S3 lost) instances lost after the transition"
unload_mod $S2
log "s2 -> s3: about $(cat /tmp/inj.s3) step failures injected, missed=$(stat_of missed)"
ctl touch
sleep 1

finish stress-step-faults " missed=$(stat_of missed) injected=$(cat /tmp/inj.s3)"
