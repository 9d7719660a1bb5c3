#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: the chain sample (samples/chain) told step by step in the
# guest: a short explanation, each command, its output and what the kernel
# logged.  It is also a test: each step's output is compared with what is
# expected here, and the last lines say which steps differ, for the host
# (tests/vm/run.sh) to judge.
#
# /tests/demo_break, when present, names a step whose expected output is
# broken on purpose, to show that a difference fails the run.

set -eu

. /tests/chain.sh

cd $MODDIR
# Kernel messages go to the log, not onto the narration (the serial
# console); the host still checks the whole log.
echo 1 >/proc/sys/kernel/printk
GOT=/tmp/step.got
BREAK=$(cat /tests/demo_break 2>/dev/null || true)
steps=0
differ=
seen=$(dmesg | wc -l)

# step TITLE TEXT: start a step; TEXT says what it shows.
step() {
	steps=$((steps + 1))
	printf '\n%s. %s\n' "$steps" "$1"
	printf '%s\n' "$2" | sed 's/^/   /'
	: >$GOT
}

# What the kernel logged since the last call, as the tests filter it
# (functions.sh): livepatch and klpsv lines, no per-task progress.
# busybox insmod tries finit_module(), then init_module(): a refusal is
# logged twice in a row, shown once.
kernel_said() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' | tail -n +$((seen + 1)) |
		grep -e '^livepatch: ' -e '^klpsv' |
		grep -v -e 'taints kernel' -e 'tainting kernel' \
			-e 'klp_try_switch_task: ' -e 'signaling remaining tasks' |
		uniq | sed 's/^/kernel: /' || true
	seen=$(dmesg | wc -l)
}

# run [-w WAIT] CMD: show CMD, run it in this shell, show its output; then
# run WAIT (hidden: it waits for what CMD started, such as a transition)
# and show what the kernel logged.
run() {
	wait_for=true
	if [ "$1" = -w ]; then
		wait_for=$2
		shift 2
	fi
	printf '   $ %s\n' "$1"
	rc=0
	eval "$1" >/tmp/cmd.out 2>&1 || rc=$?
	[ $rc = 0 ] || echo "(exit status $rc)" >>/tmp/cmd.out
	eval "$wait_for"
	kernel_said >>/tmp/cmd.out
	sed 's/^/     /' /tmp/cmd.out
	{ echo "\$ $1"; cat /tmp/cmd.out; } >>$GOT
}

# expect: this step's commands and output must be what stdin says.
expect() {
	cat >/tmp/step.want
	[ "$BREAK" != "$steps" ] || echo "(broken on purpose)" >>/tmp/step.want
	sort_runs </tmp/step.want >/tmp/want.sorted
	sort_runs <$GOT >/tmp/got.sorted
	if diff -u /tmp/want.sorted /tmp/got.sorted >/tmp/step.diff; then
		return
	fi
	echo "   !! step $steps differs from what the demo expects:"
	tail -n +3 /tmp/step.diff | sed 's/^/   !! /'
	differ="$differ $steps"
}

# families PATCH: PATCH's debugfs listing of families, the columns the
# demo is about; instances PATCH: the instances of every family, summed.
families() {
	grep '^family=' $KLPSV_DEBUGFS/$1/families | sed 's/ refusal=.*//' |
		cut -d' ' -f1,3,5-8,12-
}
instances() {
	sed -n 's/^family=.* instances=\([0-9]*\) .*/\1/p' $KLPSV_DEBUGFS/$1/families |
		awk '{ n += $1 } END { print n + 0, "instances" }'
}

# Hidden waits of run -w.
applied() { wait_transition "$1"; }
# parked PID: until task PID sleeps in a chain patch's chain_park()
# (p2_park(), ...), where it holds the next transition open.
parked() {
	i=0
	until grep -q '_park' /proc/$1/stack 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || die "task $1 does not sleep in chain_park()"
		sleep 0.1
	done
}
gone() {
	i=0
	while [ -d $SYSFS/$1 ] && [ $i -lt $((TRANSITION_TIMEOUT * 10)) ]; do
		i=$((i + 1))
		sleep 0.1
	done
}

echo "== klpsv demo: a chain of cumulative livepatches on Linux $KVER (qemu) =="
printf '%s\n' "The module klpsv_chain_victim keeps 8 sessions and forgets to count their
traffic.  Three cumulative livepatches fix that in turn, keeping their
counters in shadow variables (data attached to the sessions); klpsv hands
that data from each patch to the next.  Commands run in $MODDIR.  Two
shell functions read klpsv's listing of shadow data, in debugfs:
   families() {     # its lines, the columns that matter here
       grep '^family=' $KLPSV_DEBUGFS/\$1/families |
           sed 's/ refusal=.*//' | cut -d' ' -f1,3,5-8,12-
   }
   instances() {    # the instances of every family, summed
       sed -n 's/^family=.* instances=\\([0-9]*\\) .*/\\1/p' $KLPSV_DEBUGFS/\$1/families |
           awk '{ n += \$1 } END { print n + 0, \"instances\" }'
   }"

step "p1 goes live and counts, on every session" \
"Before any patch, the victim counts nothing.  p1 replaces its functions
with ones that count each session's touches in a shadow variable of the
family \"stats\", version 1: one instance per session."
run 'insmod klpsv_chain_victim.ko'
run 'grep "session 1:" /proc/klpsv_chain'
run -w 'applied klpsv_chain_p1' 'insmod klpsv_chain_p1.ko'
run 'for s in 1 2 3 4 5 6 7 8; do for t in $(seq $s); do echo "touch $s 10 alice" > /proc/klpsv_chain; done; done'
run 'cat /proc/klpsv_chain'
run 'instances klpsv_chain_p1'
expect <<'EOF'
$ insmod klpsv_chain_victim.ko
$ grep "session 1:" /proc/klpsv_chain
session 1: no accounting
$ insmod klpsv_chain_p1.ko
kernel: livepatch: enabling patch 'klpsv_chain_p1'
kernel: livepatch: 'klpsv_chain_p1': initializing patching transition
kernel: livepatch: 'klpsv_chain_p1': starting patching transition
kernel: livepatch: 'klpsv_chain_p1': completing patching transition
kernel: klpsv: klpsv_chain_p1: family 'stats' is at v1: 0 instances, 0 bytes
kernel: livepatch: 'klpsv_chain_p1': patching complete
$ for s in 1 2 3 4 5 6 7 8; do for t in $(seq $s); do echo "touch $s 10 alice" > /proc/klpsv_chain; done; done
$ cat /proc/klpsv_chain
session 1: touches=1 [p1]
session 2: touches=2 [p1]
session 3: touches=3 [p1]
session 4: touches=4 [p1]
session 5: touches=5 [p1]
session 6: touches=6 [p1]
session 7: touches=7 [p1]
session 8: touches=8 [p1]
$ instances klpsv_chain_p1
8 instances
EOF

step "p2, an additive change, takes over in place" \
"stats v2 appends a member, bytes, in tail room every v1 instance already
has: the 8 instances are upgraded where they lie (the same 512 bytes),
touches carried, bytes filled by p2's step (0).  p2 also adds a family
\"tag\" (who touched last)."
run 'families klpsv_chain_p1'
run -w 'applied klpsv_chain_p2' 'insmod klpsv_chain_p2.ko'
run 'rmmod klpsv_chain_p1'
run 'cat /proc/klpsv_chain'
run 'echo "touch 1 100 dave" > /proc/klpsv_chain'
run 'grep "session 1:" /proc/klpsv_chain'
run 'families klpsv_chain_p2'
expect <<'EOF'
$ families klpsv_chain_p1
family=stats version=1 epoch=0 state=live instances=8 bytes=512 owner=klpsv_chain_p1
$ insmod klpsv_chain_p2.ko
kernel: livepatch: enabling patch 'klpsv_chain_p2'
kernel: livepatch: 'klpsv_chain_p2': initializing patching transition
kernel: klpsv: klpsv_chain_p2: family 'stats': taking over 8 instances, v1 -> v2 (in place)
kernel: livepatch: 'klpsv_chain_p2': starting patching transition
kernel: livepatch: 'klpsv_chain_p2': completing patching transition
kernel: klpsv: klpsv_chain_p2: family 'stats' is at v2: 8 instances, 512 bytes
kernel: klpsv: klpsv_chain_p2: family 'tag' is at v1: 0 instances, 0 bytes
kernel: livepatch: 'klpsv_chain_p2': patching complete
$ rmmod klpsv_chain_p1
$ cat /proc/klpsv_chain
session 1: touches=1 bytes=0 who=- [p2]
session 2: touches=2 bytes=0 who=- [p2]
session 3: touches=3 bytes=0 who=- [p2]
session 4: touches=4 bytes=0 who=- [p2]
session 5: touches=5 bytes=0 who=- [p2]
session 6: touches=6 bytes=0 who=- [p2]
session 7: touches=7 bytes=0 who=- [p2]
session 8: touches=8 bytes=0 who=- [p2]
$ echo "touch 1 100 dave" > /proc/klpsv_chain
$ grep "session 1:" /proc/klpsv_chain
session 1: touches=2 bytes=100 who=dave [p2]
$ families klpsv_chain_p2
family=stats version=2 epoch=0 state=live instances=8 bytes=512 owner=klpsv_chain_p2
family=tag version=1 epoch=0 state=live instances=1 bytes=64 owner=klpsv_chain_p2
EOF

step "p3, a breaking change, with its transition held open" \
"stats v3 widens both counters to 64 bits, bytes first: a new layout, so
klpsv reserves a v3 twin (a new layout epoch) beside each v2 instance.  No
conversion runs yet: p2's code may be writing any instance right now.  Two
tasks sleep in p2's chain_park(), so the transition cannot complete: the
shell runs p3's code, the woken task p2's.  p3's code converts each twin
on its first access (reading /proc/klpsv_chain reaches all 8: 16 stats
instances, and tag's one); klpsv keeps each pair in sync: p3 counts
touches 2 -> 3, then p2's code counts on top of that (4), and p3 sees it."
run -w 'parked $holder' 'echo "park 60000" > /proc/klpsv_chain & holder=$!'
run -w 'parked $old' 'echo "park 60000 1" > /proc/klpsv_chain & old=$!'
run 'insmod klpsv_chain_p3.ko'
run 'cat /sys/kernel/livepatch/klpsv_chain_p3/transition'
run 'families klpsv_chain_p3'
run 'echo "touch 1 5 carol" > /proc/klpsv_chain   # p3 code: +1 touch, +5 bytes'
run 'grep "session 1:" /proc/klpsv_chain'
run 'instances klpsv_chain_p3'
run -w 'wait $old 2>/dev/null || true' 'kill $old   # it wakes in p2 code and counts a touch on session 1'
run 'grep "session 1:" /proc/klpsv_chain'
expect <<'EOF'
$ echo "park 60000" > /proc/klpsv_chain & holder=$!
$ echo "park 60000 1" > /proc/klpsv_chain & old=$!
$ insmod klpsv_chain_p3.ko
kernel: livepatch: enabling patch 'klpsv_chain_p3'
kernel: livepatch: 'klpsv_chain_p3': initializing patching transition
kernel: klpsv: klpsv_chain_p3: family 'stats': taking over 8 instances, v2 -> v3 (new layout)
kernel: livepatch: 'klpsv_chain_p3': starting patching transition
$ cat /sys/kernel/livepatch/klpsv_chain_p3/transition
1
$ families klpsv_chain_p3
family=stats version=2 epoch=0 state=transition instances=8 bytes=512 owner=klpsv_chain_p2 next_version=3 next_epoch=1
family=tag version=1 epoch=0 state=transition instances=1 bytes=64 owner=klpsv_chain_p2 next_version=2 next_epoch=0
$ echo "touch 1 5 carol" > /proc/klpsv_chain   # p3 code: +1 touch, +5 bytes
$ grep "session 1:" /proc/klpsv_chain
session 1: touches=3 bytes=105 [p3]
$ instances klpsv_chain_p3
17 instances
$ kill $old   # it wakes in p2 code and counts a touch on session 1
$ grep "session 1:" /proc/klpsv_chain
session 1: touches=4 bytes=105 [p3]
EOF

step "The transition is reverted" \
"Writing 0 to enabled mid-transition sends every task back to p2.  The v3
twins are freed (p3's destructor logs each); p2's v2 instances are as they
were, with both writes in them."
run -w 'gone klpsv_chain_p3' 'echo 0 > /sys/kernel/livepatch/klpsv_chain_p3/enabled'
run 'grep "session 1:" /proc/klpsv_chain'
run 'families klpsv_chain_p2'
run 'rmmod klpsv_chain_p3'
expect <<'EOF'
$ echo 0 > /sys/kernel/livepatch/klpsv_chain_p3/enabled
kernel: livepatch: 'klpsv_chain_p3': reversing transition from patching to unpatching
kernel: livepatch: 'klpsv_chain_p3': starting unpatching transition
kernel: livepatch: 'klpsv_chain_p3': completing unpatching transition
kernel: klpsv_chain_p3: session 1: stats freed
kernel: klpsv_chain_p3: session 2: stats freed
kernel: klpsv_chain_p3: session 3: stats freed
kernel: klpsv_chain_p3: session 4: stats freed
kernel: klpsv_chain_p3: session 5: stats freed
kernel: klpsv_chain_p3: session 6: stats freed
kernel: klpsv_chain_p3: session 7: stats freed
kernel: klpsv_chain_p3: session 8: stats freed
kernel: klpsv: klpsv_chain_p3: transition reverted, live data restored
kernel: livepatch: 'klpsv_chain_p3': unpatching complete
$ grep "session 1:" /proc/klpsv_chain
session 1: touches=4 bytes=105 who=parked [p2]
$ families klpsv_chain_p2
family=stats version=2 epoch=0 state=live instances=8 bytes=512 owner=klpsv_chain_p2
family=tag version=1 epoch=0 state=live instances=1 bytes=64 owner=klpsv_chain_p2
$ rmmod klpsv_chain_p3
EOF

step "p3 again; this time the transition completes" \
"The holder still sleeps in p2's code, holding the new transition open.
Woken, it leaves p2's code: the transition completes, tag is retired (each
instance released once) and p2 can be unloaded."
run 'insmod klpsv_chain_p3.ko'
run -w 'wait $holder 2>/dev/null || true; applied klpsv_chain_p3' 'kill $holder'
run 'rmmod klpsv_chain_p2'
run 'cat /proc/klpsv_chain'
run 'families klpsv_chain_p3'
expect <<'EOF'
$ insmod klpsv_chain_p3.ko
kernel: livepatch: enabling patch 'klpsv_chain_p3'
kernel: livepatch: 'klpsv_chain_p3': initializing patching transition
kernel: klpsv: klpsv_chain_p3: family 'stats': taking over 8 instances, v2 -> v3 (new layout)
kernel: livepatch: 'klpsv_chain_p3': starting patching transition
$ kill $holder
kernel: livepatch: 'klpsv_chain_p3': completing patching transition
kernel: klpsv: klpsv_chain_p3: family 'stats' is at v3: 8 instances, 512 bytes
kernel: klpsv_chain_p3: session 1: tag released
kernel: klpsv: klpsv_chain_p3: family 'tag' retired at v2
kernel: livepatch: 'klpsv_chain_p3': patching complete
$ rmmod klpsv_chain_p2
$ cat /proc/klpsv_chain
session 1: touches=4 bytes=105 [p3]
session 2: touches=2 bytes=0 [p3]
session 3: touches=3 bytes=0 [p3]
session 4: touches=4 bytes=0 [p3]
session 5: touches=5 bytes=0 [p3]
session 6: touches=6 bytes=0 [p3]
session 7: touches=7 bytes=0 [p3]
session 8: touches=8 bytes=0 [p3]
$ families klpsv_chain_p3
family=stats version=3 epoch=1 state=live instances=8 bytes=512 owner=klpsv_chain_p3
family=tag version=2 epoch=0 state=retired instances=0 bytes=0 owner=klpsv_chain_p3
EOF

step "Loading p1 again is refused" \
"p1 knows only stats v1 and cannot read v3 data.  klpsv refuses it at load
time, before anything changes, and says what to do instead."
run 'insmod klpsv_chain_p1.ko'
run 'grep "session 1:" /proc/klpsv_chain'
expect <<'EOF'
$ insmod klpsv_chain_p1.ko
insmod: can't insert 'klpsv_chain_p1.ko': Invalid argument
(exit status 22)
kernel: klpsv: klpsv_chain_p1: family 'stats': refusing downgrade from live v3 (klpsv_chain_p3) to v1: to undo v3, ship a patch with version 4 or more
$ grep "session 1:" /proc/klpsv_chain
session 1: touches=4 bytes=105 [p3]
EOF

step "A broken patch is refused before harm" \
"A rebuilt p3 with its counters back in v2's order but still calling itself
v3 (tests/modules/refuse_layout_v3.c) would read bytes as touches.  Each
family carries a fingerprint of its layout: the mismatch is refused, and
debugfs keeps the reason."
run 'insmod klpsv_refuse_layout_v3.ko'
run 'grep "session 1:" /proc/klpsv_chain'
run 'grep last_refusal /sys/kernel/debug/klpsv/klpsv_chain_p3/families'
expect <<'EOF'
$ insmod klpsv_refuse_layout_v3.ko
insmod: can't insert 'klpsv_refuse_layout_v3.ko': Invalid argument
(exit status 22)
kernel: klpsv: klpsv_refuse_layout_v3: family 'stats': v3 has layout 61d2d50d here but a15588d1 live (klpsv_chain_p3): a changed layout needs a new version and a step from v3
$ grep "session 1:" /proc/klpsv_chain
session 1: touches=4 bytes=105 [p3]
$ grep last_refusal /sys/kernel/debug/klpsv/klpsv_chain_p3/families
last_refusal="klpsv_refuse_layout_v3: family 'stats': v3 has layout 61d2d50d here but a15588d1 live (klpsv_chain_p3): a changed layout needs a new version and a step from v3"
EOF

step "Disabling p3 frees everything" \
"A real disable, with no successor, frees every instance, p3's destructor
running once for each, and the victim's own code runs again.  klpsv lists
no family any more, so 0 instances; klpsv_probe (a test module) counts the
instances still counted apart from klpsv (shadow variables, owned ones)."
run -w 'gone klpsv_chain_p3' 'echo 0 > /sys/kernel/livepatch/klpsv_chain_p3/enabled'
run 'families klpsv_chain_p3'
run 'instances klpsv_chain_p3'
run 'insmod klpsv_probe.ko; rmmod klpsv_probe'
run 'grep "session 1:" /proc/klpsv_chain'
run 'rmmod klpsv_chain_p3; rmmod klpsv_chain_victim'
expect <<'EOF'
$ echo 0 > /sys/kernel/livepatch/klpsv_chain_p3/enabled
kernel: livepatch: 'klpsv_chain_p3': initializing unpatching transition
kernel: livepatch: 'klpsv_chain_p3': starting unpatching transition
kernel: livepatch: 'klpsv_chain_p3': completing unpatching transition
kernel: klpsv_chain_p3: session 1: stats freed
kernel: klpsv_chain_p3: session 2: stats freed
kernel: klpsv_chain_p3: session 3: stats freed
kernel: klpsv_chain_p3: session 4: stats freed
kernel: klpsv_chain_p3: session 5: stats freed
kernel: klpsv_chain_p3: session 6: stats freed
kernel: klpsv_chain_p3: session 7: stats freed
kernel: klpsv_chain_p3: session 8: stats freed
kernel: klpsv: klpsv_chain_p3: family 'stats' released: 8 instances freed
kernel: livepatch: 'klpsv_chain_p3': unpatching complete
$ families klpsv_chain_p3
$ instances klpsv_chain_p3
0 instances
$ insmod klpsv_probe.ko; rmmod klpsv_probe
kernel: klpsv_probe: 0 instances on chain sessions (0 shadow variables, 0 owned)
$ grep "session 1:" /proc/klpsv_chain
session 1: no accounting
$ rmmod klpsv_chain_p3; rmmod klpsv_chain_victim
EOF

echo
if [ -z "$differ" ]; then
	echo "klpsv demo on $KVER: all $steps steps as expected (8 sessions' data carried p1 -> p2 -> p3 and through a revert; a downgrade and a broken patch refused; no instance left)"
	echo "klpsv-guest: demo: ok"
else
	echo "klpsv demo on $KVER: FAILED: step(s)$differ of $steps differ from what the demo expects"
	echo "klpsv-guest: demo: differs:$differ"
fi
