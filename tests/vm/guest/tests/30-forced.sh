#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A forced transition (writing 1 to "force") completes while a task still
# runs the old patch's code.  klpsv keeps a breaking change's old and new
# instances in sync afterwards: old code's writes stay visible to new code,
# and new code's are written through to old code.  Runs last: the kernel
# never unloads the modules of a forced transition.

. /tests/chain.sh

load_mod $V
load_lp $P1
chain touch 1 10 alice
load_lp $P2
unload_mod $P1
chain touch 1 20 bob

start_test "forced: p2 -> p3 with a task parked in p2's code"
# The task sleeps in p2's chain_park(), then counts a touch with p2's code.
chain park 8000 1 &
park=$!
sleep 0.5
load_mod $P3
[ "$(cat $SYSFS/$P3/transition)" = 1 ] || die "the transition to $P3 is not held open"
log "transition to $P3 held open; forcing it"
echo 1 >$SYSFS/$P3/force || die "cannot force the transition"
wait_transition $P3
[ "$(cat $SYSFS/$P3/enabled)" = 1 ] || die "$P3 is not enabled"
expect_field $P3 stats state forced
expect_field $P3 tag state forced

# New code writes: written through to the v2 instance old code uses.
chain touch 1 5 carol
expect_chain "session 1: touches=3 bytes=25 [p3]
session 2: touches=0 bytes=0 [p3]
session 3: touches=0 bytes=0 [p3]
session 4: touches=0 bytes=0 [p3]
session 5: touches=0 bytes=0 [p3]
session 6: touches=0 bytes=0 [p3]
session 7: touches=0 bytes=0 [p3]
session 8: touches=0 bytes=0 [p3]"

# Old code wakes up and writes, after the transition completed.
wait $park
log "the parked task counted a touch with p2's code"
expect_chain "session 1: touches=4 bytes=25 [p3]
session 2: touches=0 bytes=0 [p3]
session 3: touches=0 bytes=0 [p3]
session 4: touches=0 bytes=0 [p3]
session 5: touches=0 bytes=0 [p3]
session 6: touches=0 bytes=0 [p3]
session 7: touches=0 bytes=0 [p3]
session 8: touches=0 bytes=0 [p3]"
expect_no_leak $P3

# A real disable frees every instance; the index stays, empty, for any
# old code that may still run.
disable_lp $P3
[ "$(counted_instances)" = 0 ] || die "$(counted_instances) shadow variables left after the final disable"
expect_field $P3 stats state unused
log "all shadow variables freed; indexes kept for code of the forced transition"
