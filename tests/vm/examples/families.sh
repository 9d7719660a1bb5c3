#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# An example of a guest script of one's own (README.md, "Running your own
# modules in the VM harness"), run with the chain sample's modules:
#
#	make                      # builds build/<version>/*.ko for 6.1
#	tests/vm/run.sh --script tests/vm/examples/families.sh \
#		6.1 build/<6.1's version>
#
# It prints klpsv's debugfs families file at each step of the chain
# sample: p1 live, p2 live, p3's breaking transition held open by a task
# sleeping in p2's code, p3 live, and a refused patch.  Each line starts
# with "# " in run.sh's output (KTAP comments).

. /tests/functions.sh

F=/sys/kernel/debug/klpsv

# show PATCH WHAT: PATCH's families file, under a heading.
show() {
	echo "--- $2: $F/$1/families"
	cat "$F/$1/families" || die "no families file for $1"
}

load_mod klpsv_chain_victim
load_lp klpsv_chain_p1
for s in 1 2 3; do
	echo "touch $s 10 alice" >/proc/klpsv_chain || die "touch $s failed"
done
show klpsv_chain_p1 "p1 live, 3 sessions touched"

load_lp klpsv_chain_p2
show klpsv_chain_p2 "p2 live (stats v1 -> v2 in place)"

# A task asleep in p2's chain_park() holds p3's transition open.
echo "park 30000" >/proc/klpsv_chain &
holder=$!
i=0
until grep -q '_park' /proc/$holder/stack 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 100 ] || die "task $holder does not sleep in chain_park()"
	sleep 0.1
done
load_mod klpsv_chain_p3
show klpsv_chain_p3 "p3 in transition (stats v2 -> v3, new layout; tag retired)"
kill $holder
wait_transition klpsv_chain_p3
show klpsv_chain_p3 "p3 live"

# A patch klpsv refuses: the refusal stays in the file.
load_failing_mod klpsv_refuse_layout
show klpsv_chain_p3 "after a refused patch"

disable_lp klpsv_chain_p3
for m in klpsv_chain_p3 klpsv_chain_p2 klpsv_chain_p1 klpsv_chain_victim; do
	unload_mod $m
done
