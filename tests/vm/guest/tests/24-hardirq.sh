#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# klpsv's accessors in hard IRQ context: the callback of an
# HRTIMER_MODE_REL_HARD timer (tests/modules/hardirq_patch.h), outside a
# transition and inside transitions held open by a parked task, additive
# (hirq v1 -> v2, in place) then breaking (v2 -> v3, twins).
#
# On PREEMPT_RT the index lock (a spinlock_t) sleeps and is never taken
# there: klpsv_get() finds only an instance already at the caller's
# version; an instance to migrate, a twin to make or refresh, a miss it
# cannot confirm read as NULL (Documentation/design.rst, "Contexts").
# Elsewhere every accessor works in hard IRQ: new code's get migrates in
# place or makes the twin there, its put writes the twin through, and
# get_or_alloc() and klpsv_free() work too.  Each hit adds one to the
# session's counter, so the counters check that every write in hard IRQ
# was kept, across both upgrades.  The harness fails the run on any
# WARNING, "scheduling while atomic" or "sleeping function called from
# invalid context" in the kernel log.
#
# Not tested: on PREEMPT_RT, klpsv_get_or_alloc(), klpsv_free() and a
# twin's klpsv_put() in hard IRQ warn once ("klpsv: hirq:
# klpsv_get_or_alloc() where a spinlock_t cannot be taken") and do
# nothing; the harness has no way to expect a WARNING, which fails the
# run, so this test calls them in hard IRQ only outside PREEMPT_RT.

. /tests/chain.sh

H1=klpsv_hardirq_p1
H2=klpsv_hardirq_p2
H3=klpsv_hardirq_p3
ALL="1 2 3 4 5 6 7 8"
case $KVER in
*-rt-*) RT=1 ;;
*) RT=0 ;;
esac

# hirq PATCH CMD HITS NULLS TOUCHES: run CMD on PATCH's /proc file; its
# result must read so (tests/modules/hardirq_patch.h).  Commands starting
# with "irq" run in hard IRQ.
hirq() {
	echo "$2" >"/proc/$1" || die "'$2' > /proc/$1 failed"
	case $2 in
	irq*) ctx=hardirq ;;
	*) ctx=process ;;
	esac
	expected="context=$ctx preempt_rt=$RT
hits=$3
nulls=$4
touches=$5"
	got=$(cat "/proc/$1")
	if [ "$got" != "$expected" ]; then
		printf 'expected:\n%s\ngot:\n%s\n' "$expected" "$got"
		die "$1: '$2' gave another result"
	fi
	log "$1: $2 ($ctx): hits=$3 nulls=$4 touches=$5"
}

# rt A B: A on PREEMPT_RT, B elsewhere.
rt() {
	if [ $RT = 1 ]; then echo "$1"; else echo "$2"; fi
}

# hold_open PATCH: load PATCH while a task parked in the live patch's
# chain_park() holds its transition open.
hold_open() {
	chain park 8000 &
	park=$!
	sleep 0.5
	load_mod "$1"
	still_open "$1"
	log "transition to $1 held open by a parked task"
}

still_open() {
	[ "$(cat "$SYSFS/$1/transition")" = 1 ] ||
		die "the transition to $1 is not held open (parked task too short?)"
}

# finish PATCH: let the parked task go, wait for PATCH's transition.
finish() {
	wait $park
	wait_transition "$1"
	[ "$(cat "$SYSFS/$1/enabled")" = 1 ] || die "$1 is not enabled"
}

start_test "hardirq: accessors in an HRTIMER_MODE_HARD timer, preempt_rt=$RT"
load_mod $V
load_lp $H1

# Outside a transition: instances at the version are hits, in hard IRQ,
# on every kernel.
hirq $H1 "alloc 1 2 3 4" "1 2 3 4" "" "1 1 1 1"
hirq $H1 "irq $ALL" "1 2 3 4" "5 6 7 8" "2 2 2 2"
if [ $RT = 0 ]; then
	hirq $H1 "irqalloc 5" "5" "" "1"
	hirq $H1 "irqfree 5" "5" "" ""
	hirq $H1 "irq 5" "" "5" ""
fi
expect_field $H1 hirq instances 4

# v1 -> v2 in place, held open.  Old code's instances are at its version.
hold_open $H2
hirq $H1 "irq $ALL" "1 2 3 4" "5 6 7 8" "3 3 3 3"
# New code: on PREEMPT_RT what needs a migration is NULL; elsewhere the
# get migrates in place, in hard IRQ.
hirq $H2 "irq $ALL" "$(rt "" "1 2 3 4")" "$(rt "$ALL" "5 6 7 8")" \
	"$(rt "" "4 4 4 4")"
# A get in process context migrates session 1: at v2, a hit from then on.
hirq $H2 "get 1" "1" "" "$(rt 4 5)"
hirq $H2 "irq $ALL" "$(rt 1 "1 2 3 4")" "$(rt "2 3 4 5 6 7 8" "5 6 7 8")" \
	"$(rt 5 "6 5 5 5")"
# Old code, on an instance new code migrated: at v2, which kept v1's
# members in place, so it serves v1 as well, with no lock taken.
hirq $H1 "irq 1 2 3 4" "1 2 3 4" "" "$(rt "6 4 4 4" "7 6 6 6")"
still_open $H2
finish $H2
unload_mod $H1
expect_field $H2 hirq version 2
expect_field $H2 hirq instances 4
# After the transition every instance is at v2: hits on every kernel.
hirq $H2 "irq $ALL" "1 2 3 4" "5 6 7 8" "$(rt "7 5 5 5" "8 7 7 7")"

# v2 -> v3 in a new layout, held open.  Old code's instances stay at v2.
hold_open $H3
hirq $H2 "irq $ALL" "1 2 3 4" "5 6 7 8" "$(rt "8 6 6 6" "9 8 8 8")"
# New code: on PREEMPT_RT a twin to make is NULL; elsewhere the get
# makes it and the put writes it through with down, in hard IRQ.
hirq $H3 "irq $ALL" "$(rt "" "1 2 3 4")" "$(rt "$ALL" "5 6 7 8")" \
	"$(rt "" "10 9 9 9")"
# A twin made in process context is still one to refresh: NULL on
# PREEMPT_RT for as long as the transition runs.
hirq $H3 "get 1" "1" "" "$(rt 9 11)"
hirq $H3 "irq $ALL" "$(rt "" "1 2 3 4")" "$(rt "$ALL" "5 6 7 8")" \
	"$(rt "" "12 10 10 10")"
# Old code sees every write new code made, written through.
hirq $H2 "irq 1 2 3 4" "1 2 3 4" "" "$(rt "10 7 7 7" "13 11 11 11")"
if [ $RT = 0 ]; then
	# New code creates and frees data of an object only it knows.
	hirq $H3 "irqalloc 5" "5" "" "1"
	hirq $H3 "irqfree 5" "5" "" ""
	hirq $H3 "irq 5" "" "5" ""
fi
still_open $H3
finish $H3
unload_mod $H2
expect_field $H3 hirq version 3
expect_field $H3 hirq epoch 1
expect_field $H3 hirq instances 4
# The twins took over, refreshed with old code's last writes: hits.
hirq $H3 "irq $ALL" "1 2 3 4" "5 6 7 8" "$(rt "11 8 8 8" "14 12 12 12")"

disable_lp $H3
left=$(grep '^family=' $KLPSV_DEBUGFS/$H3/families)
[ -z "$left" ] || die "families left after the final disable: $left"
unload_mod $H3
unload_mod $V
