# SPDX-License-Identifier: GPL-2.0
# Adoption of raw shadow data under load (issue 13): the threads count in
# raw klp_shadow data that a hand-written livepatch (p0, SUSE-style id)
# keeps, on 10,000 objects; the first klpsv patch (a1, counter v2,
# KLPSV_RAW()) takes it over while they run (with churn: old and new code
# free objects' data and create it again), its transition held open and
# reverted once (the raw data must be intact: the counters still add up,
# and no klpsv instance or buffer of one is left), then held open again
# and completed (every raw variable imported and gone from the kernel's
# shadow table); then s3's breaking change follows, held open, and the
# last patch is disabled.  The shadow counters must add up to the
# victim's tally, and nothing may be left.

# An update lost at a checkpoint is logged there, and the test goes on
# to its result line (lost= stays what it was), which fails it.
LOST_AT_END=1

# raw_id: STRESS_RAW_ID (stress.h) as klpsv logs it.
raw_id=$(printf '%#x' $((1213456 << 6 | 1)))

# checkpoint_raw LABEL: with the threads stopped and p0's data raw, the
# raw counters add up to the tally, every object counted in has exactly
# one raw variable and no klpsv data, and the raw variables own every
# owned buffer allocated.  The threads are started again.
checkpoint_raw() {
	ctl stop
	scan=$(cat $SCAN)
	st=$(cat $CTL)
	log "checkpoint $1 ($(live), $(elapsed)s): $scan born=$(get "$st" born) missed=$(get "$st" missed) corrupt=$(get "$st" corrupt) bufs_alloc=$(get "$st" bufs_alloc) bufs_bad=$(get "$st" bufs_bad)"
	[ "$(get "$scan" ops)" = "$(get "$scan" tally)" ] ||
		lost_at "$1: the raw counters add up to $(get "$scan" ops), the tally is $(get "$scan" tally)"
	[ "$(get "$scan" shadows)" = 0 ] ||
		die "$1: $(get "$scan" shadows) klpsv shadow variables exist, none should"
	[ "$(get "$scan" raw)" = "$(get "$scan" counted)" ] ||
		die "$1: $(get "$scan" raw) raw shadow variables, $(get "$scan" counted) objects counted in"
	[ "$(get "$scan" raw)" -gt 0 ] || die "$1: no raw shadow variable"
	bufs_ok "$1" "$scan" "$st"
	[ "$(get "$st" corrupt)" = 0 ] || die "$1: patched code saw $(get "$st" corrupt) corrupt instances"
	[ "$(get "$scan" bad)" = 0 ] || lost_at "$1: objects whose counter differs from their own tally: $(get "$scan" bad_objs) (id:counter/tally@phase)"
	ctl start
}

# checkpoint_adopted LABEL: checkpoint, and no raw variable is left:
# every object counted in has exactly one klpsv instance.
checkpoint_adopted() {
	checkpoint "$1"
	[ "$(get "$scan" raw)" = 0 ] ||
		die "$1: $(get "$scan" raw) raw shadow variables of id $raw_id are left"
	[ "$(get "$scan" shadows)" = "$(get "$scan" counted)" ] ||
		die "$1: $(get "$scan" shadows) klpsv shadow variables, $(get "$scan" counted) objects counted in"
}

# logged PATTERN: the number of kernel log lines matching PATTERN.
logged() {
	dmesg | grep -c -e "$1" || true
}

start_test "stress-adopt: raw data (p0) adopted by klpsv (a1) under load, then s3"
adopting="family 'stress_counter': adopting raw shadow id $raw_id"
imported="family 'stress_counter': imported [0-9]* raw variables of id $raw_id"
load_mod $V
ctl start
sleep 1
load_first $P0
sleep 1
checkpoint_raw "p0"

# With churn from here until a1 is live: 1 call in 200 frees the
# object's data (old code: klp_shadow_free(); new code: klpsv_free(),
# which frees the raw variable too) and a later call creates it again
# (new code: an instance, and a raw variable made with down for old code).
ctl close 200

# The adopting transition, held open and reverted: instances go, the
# raw variables stay, with what new code wrote through with down.
hold $A1 300 3000 2
[ "$(logged "$adopting")" = 1 ] || die "no log line '$adopting'"
disable_lp $A1
[ "$(live)" = $P0 ] || die "$P0 is no longer the live patch"
release
unload_mod $A1
[ "$(logged "$imported")" = 0 ] || die "raw variables imported by a reverted transition: $(dmesg | grep -e "$imported")"
checkpoint_raw "a1 reverted"

# Held open again, then completed: every raw variable imported and freed.
hold $A1 300 4000 3
release
complete $A1
unload_mod $P0
ctl close 0
[ "$(logged "$adopting")" = 2 ] || die "no second log line '$adopting'"
[ "$(logged "$imported")" = 1 ] || die "no log line '$imported'"
log "$(dmesg | grep -e "$imported" | sed 's/^\[[ 0-9.]*\] //')"
checkpoint_adopted "a1"

# klpsv's own breaking change on the adopted data, held open.
hold $S3 300 3000 2
release
complete $S3
unload_mod $A1
checkpoint_adopted "s3"

finish stress-adopt " retired=$(stat_of retired)"
