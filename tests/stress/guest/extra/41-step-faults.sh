# SPDX-License-Identifier: GPL-2.0
# Transition stress with failing steps in the lazy paths of a breaking
# transition (opt-in: run.sh --extra): while s2 -> s3 is held open, one of
# the next few steps of s3 keeps failing: up steps (a twin made or
# refreshed lazily: the accessor returns NULL, counted as missed) and
# down steps (a write-through from new code to old code, which klpsv_put()
# cannot report).  Passes once a failed down step loses no update.

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
unload_mod $S2
log "s2 -> s3: about $(cat /tmp/inj.s3) step failures injected, missed=$(stat_of missed)"
ctl touch
sleep 1

finish stress-step-faults " missed=$(stat_of missed) injected=$(cat /tmp/inj.s3)"
