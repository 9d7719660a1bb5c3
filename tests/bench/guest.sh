#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# klpsv benchmark, guest side (tests/bench/run.sh puts it in the VM as a
# guest test, BENCH_MODE=full or short set in front of it).  Drives the
# benchmark modules through debugfs, keeps every measurement in /tmp/m,
# then prints the table and one "bench:" line per figure.
#
# Raw klp_shadow_* and klpsv run the same loops, in fixed random orders,
# on the two halves of one table.  Under TCG only ratios measured side by
# side in one boot mean anything, and the host adds noise, which only ever
# adds time: the kinds take turns block by block, every per-operation
# figure adds up, block by block, the fastest of several passes, and
# takeover times leave out what interrupts took.  Documentation/
# performance.rst explains each figure.

TRANSITION_TIMEOUT=1200
. /tests/functions.sh

MODE=${BENCH_MODE:-full}
M=/tmp/m
: >$M

case $MODE in
short)
	S1=1000 S2=5000 S3=10000
	PASSES=3
	;;
*)
	S1=1000 S2=100000 S3=1000000
	PASSES=8
	;;
esac
SPARE=65536
STRUCT=32	# sizeof(struct bench_v1)

# Operations per pass: a tenth to a half of a second each under TCG.
get_iters() {
	if [ "$1" -le 1000 ]; then echo 500000
	elif [ "$1" -le 10000 ]; then echo 200000
	elif [ "$1" -le 100000 ]; then echo 100000
	else echo 10000; fi
}
miss_iters() { if [ "$1" -le 100000 ]; then echo 50000; else echo 4000; fi; }
af_iters() {
	if [ "$1" -le 1000 ]; then echo 20000
	elif [ "$1" -le 100000 ]; then echo 5000
	else echo 1000; fi
}

CTL=/sys/kernel/debug/klpsv_bench_v1/ctl
V2=/sys/kernel/debug/klpsv_bench_v2/takeover

# ctl CMD...: run a command of klpsv_bench_v1; its result line in $R.
ctl() {
	echo "$*" >$CTL 2>/dev/null || die "bench command '$*' failed: $(cat $CTL)"
	R=$(cat $CTL)
	case $R in ok*) ;; *) die "bench command '$*': $R" ;; esac
}

# field NAME TEXT: the value of NAME=... in TEXT.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }

# measure GROUP CMD...: one timed command (its kinds in turns, several
# passes, the fastest time of each block of operations); one line
# "m GROUP KIND NS OPS PASS_NS" per kind.
measure() {
	local g=$1 k v ops
	shift
	ctl "$@"
	ops=$(field ops "$R")
	for k in base raw k kg; do
		v=$(field ${k}_ns "$R")
		[ -n "$v" ] && echo "m $g $k $v $ops $(field ${k}_pass_ns "$R")" >>$M
	done
}

# fill TABLE N: shadow data on objects [0, N), timed.
fill() {
	ctl fill $1 $2
	echo "f $1 $2 $(field ns "$R")" >>$M
}

# phase NAME: where the run is, with the seconds since it started.
phase() { log "[$(( $(date +%s) - t_start ))s] $*"; }

t_start=$(date +%s)
log "klpsv benchmark ($MODE run) on $KVER: sizes $S1 $S2 $S3"
load_mod klpsv_bench_objs live=$S3 spare=$SPARE
load_lp klpsv_bench_v1

# Lookups: one table of N shadow variables, half raw (even objects), half
# klpsv (odd objects), allocated in turns; raw and klpsv lookups take turns
# block by block, so both see the same table and the same host.
for n in $S1 $S2 $S3; do
	phase "lookups with $n shadow variables (half raw, half klpsv)"
	ctl fill mixed $n
	measure get$n get $n $(get_iters $n) $n $PASSES base,raw,k,kg
	[ $n = $S1 ] && measure af$n af $(af_iters $n) 11 $PASSES raw,k
	if [ $n = $S3 ]; then
		measure miss$n miss $(miss_iters $n) 7 $PASSES base,raw,k,kg
		measure af$n af $(af_iters $n) 11 $PASSES raw,k
	fi
done
ctl clear

# The takeovers: each kind alone in the table, N instances.
n=$S3
phase "raw: fill $n"
fill raw $n
phase "raw: takeover of $n instances"
ctl takeover raw
echo "t raw $R" >>$M
log "raw takeover: $R"
ctl clear

phase "klpsv: fill $n"
fill k $n
fam=$(grep '^family=bench ' /sys/kernel/debug/klpsv/klpsv_bench_v1/families) ||
	die "no family bench in klpsv's debugfs"
log "before the takeover: $fam"
echo "o $(field instances "$fam") $(($(field bytes "$fam") + $(field index_bytes "$fam")))" >>$M
[ "$(field instances "$fam")" = $n ] || die "expected $n instances: $fam"

# klpsv's takeover, v1 -> v2: pre_patch in insmod, post_patch at the end
# of the transition; klpsv_bench_v2's callbacks time klpsv's.
phase "klpsv: takeover of $n instances"
load_lp klpsv_bench_v2
T=$(cat $V2)
log "klpsv takeover: $T"
echo "t k $T" >>$M
[ "$(field pre_err "$T")" = 0 ] || die "takeover refused: $T"
# Every instance converted at least once; each v1 instance released once
# (the post_patch windows, which max_hold_us reads, come from releases).
[ "$(field steps "$T")" -ge $n ] || die "expected $n steps or more: $T"
[ "$(field releases "$T")" = $n ] ||
	log "note: $(field releases "$T") releases for $n instances in post_patch"
fam=$(grep '^family=bench ' /sys/kernel/debug/klpsv/klpsv_bench_v2/families)
log "after the takeover: $fam"
[ "$(field version "$fam")" = 2 ] && [ "$(field instances "$fam")" = $n ] ||
	die "after the takeover, expected v2 with $n instances: $fam"

# Disable: every instance freed, each once, no leak.
phase "klpsv: release"
disable_lp klpsv_bench_v2
T=$(cat $V2)
echo "u $(field unpatch_ns "$T")" >>$M
grep -q '^family=bench ' /sys/kernel/debug/klpsv/klpsv_bench_v2/families &&
	die "family bench still listed after the disable"
dmesg | grep -q 'klpsv.*leak' && die "klpsv reports a leak"
unload_mod klpsv_bench_v2
unload_mod klpsv_bench_v1
unload_mod klpsv_bench_objs
phase "done"

# ---- the report --------------------------------------------------------
awk -v mode=$MODE -v kver=$KVER -v s1=$S1 -v s2=$S2 -v s3=$S3 \
    -v struct=$STRUCT '
function min_of(key) { return (key in best) ? best[key] : -1 }
# Cost of an operation: its loop minus the loop alone.
function net(g, k,    v, b) {
	v = min_of(g SUBSEP k); b = min_of(g SUBSEP "base")
	if (v < 0) return -1
	return (b > 0 && v > b) ? v - b : v
}
function kv(text, name,    i, n, a) {
	n = split(text, a, " ")
	for (i = 1; i <= n; i++)
		if (index(a[i], name "=") == 1) return substr(a[i], length(name) + 2)
	return ""
}
# Elapsed time with each interrupted window replaced by the clean mean.
function cleaned(total, w) {
	return total - kv(w, "dirty_ns") + kv(w, "dirty") * kv(w, "mean_ns")
}
function status(x, target) {
	if (x < 0) return "n/a"
	if (x <= target) return "met"
	return sprintf("MISSED by %.0f%%", (x / target - 1) * 100)
}
function row(name, kns, rns, unit, r, target) {
	printf "%-22s %12.1f %12.1f %-3s %8.2f", name, kns, rns, unit, r
	if (target > 0)
		printf "   <= %.2f %s", target, status(r, target)
	printf "\n"
}
$1 == "m" {
	v = $4 / $5; key = $2 SUBSEP $3
	if (!(key in best) || v < best[key]) best[key] = v
	next
}
$1 == "f" { fill[$2 SUBSEP $3] = $4; next }
$1 == "o" { o_inst = $2; o_bytes = $3; next }
$1 == "u" { unpatch_ns = $2; next }
$1 == "t" && $2 == "raw" { raw_t = $0; next }
$1 == "t" && $2 == "k" { k_t = $0; next }
END {
	size[1] = s1; size[2] = s2; size[3] = s3
	label[1] = "1k"; label[2] = "100k"; label[3] = "1m"
	printf "\nklpsv benchmark: %s, qemu TCG, one boot, %s run", kver, mode
	if (mode == "short")
		printf " (figures named 1k/100k/1m measured at %d/%d/%d instances)", s1, s2, s3
	printf "\nlookups: N shadow variables in the table, half raw, half klpsv; klpsv get + put (the\n"
	printf "API contract) vs klp_shadow_get, taking turns; the loop alone subtracted; per block\n"
	printf "of operations the fastest of several passes.  takeover: each kind alone, N instances\n\n"
	printf "%-22s %12s %12s %-3s %8s   %s\n", "figure", "klpsv", "raw", "", "ratio", "target"
	for (i = 1; i <= 3; i++) {
		g = "get" size[i]
		k = net(g, "k"); r = net(g, "raw")
		get_k[i] = k; get_r[i] = r
		ratio["get_hit_" label[i]] = (r > 0) ? k / r : -1
		row("get_hit_" label[i], k, r, "ns", ratio["get_hit_" label[i]], i == 1 ? 1.10 : 0)
		kg = net(g, "kg")
		ratio["get_only_hit_" label[i]] = (r > 0) ? kg / r : -1
		row("  get only (no put)", kg, r, "ns", ratio["get_only_hit_" label[i]], 0)
	}
	printf "  %-20s %12.1f %12.1f ns   (the loop alone, 1k and 1m)\n", "base", min_of("get" s1 SUBSEP "base"), min_of("get" s3 SUBSEP "base")
	g = "miss" s3
	k = net(g, "k"); r = net(g, "raw")
	ratio["get_miss_1m"] = (r > 0) ? k / r : -1
	row("get_miss_1m", k, r, "ns", ratio["get_miss_1m"], 0)
	k = min_of("af" s1 SUBSEP "k"); r = min_of("af" s1 SUBSEP "raw")
	ratio["alloc_free"] = (r > 0) ? k / r : -1
	row("alloc_free (at 1k)", k, r, "ns", ratio["alloc_free"], 1.30)
	k = min_of("af" s3 SUBSEP "k"); r = min_of("af" s3 SUBSEP "raw")
	ratio["alloc_free_1m"] = (r > 0) ? k / r : -1
	row("alloc_free_1m", k, r, "ns", ratio["alloc_free_1m"], 0)

	split(k_t, a, " pre: "); split(a[2], b, " post: ")
	kw_pre = b[1]; kw_post = b[2]
	rw = substr(raw_t, index(raw_t, "windows="))
	kpre = cleaned(kv(k_t, "pre_ns"), kw_pre)
	kpost = cleaned(kv(k_t, "post_ns"), kw_post)
	ktot = kpre + kpost; rtot = cleaned(kv(raw_t, "ns"), rw)
	ktot_el = kv(k_t, "pre_ns") + kv(k_t, "post_ns"); rtot_el = kv(raw_t, "ns")
	ratio["takeover_1m"] = (rtot > 0) ? ktot / rtot : -1
	row("takeover_1m", ktot / 1e6, rtot / 1e6, "ms", ratio["takeover_1m"], 1.50)
	printf "  %-20s %12.1f %12.1f ms %8.2f   (elapsed, interrupted windows included)\n", "as measured", ktot_el / 1e6, rtot_el / 1e6, (rtot_el > 0) ? ktot_el / rtot_el : -1
	printf "  %-20s %12.1f %12s ms\n", "pre_patch", kpre / 1e6, ""
	printf "  %-20s %12.1f %12s ms\n", "post_patch", kpost / 1e6, ""
	printf "  %-20s %12.1f %12s ms   (elapsed)\n", "release (disable)", unpatch_ns / 1e6, ""
	printf "  %-20s %12.1f %12.1f ms   (elapsed)\n", "fill (populate)", fill["k" SUBSEP s3] / 1e6, fill["raw" SUBSEP s3] / 1e6

	sk = (get_k[1] > 0) ? get_k[3] / get_k[1] : -1
	sr = (get_r[1] > 0) ? get_r[3] / get_r[1] : -1
	printf "%-22s %12.1f %12.1f %-3s %8s   <= 2.00 %s (klpsv)\n", "scaling_get_1m_vs_1k", sk, sr, "x", "", status(sk, 2.0)

	pre_h = kv(kw_pre, "p999_us") + 0; post_h = kv(kw_post, "p999_us") + 0
	hold = pre_h > post_h ? pre_h : post_h
	raw_hold = kv(rw, "p999_us") + 0
	pre_m = kv(kw_pre, "max_ns") + 0; post_m = kv(kw_post, "max_ns") + 0
	pre_p = kv(kw_pre, "p50_us") + 0; post_p = kv(kw_post, "p50_us") + 0
	maxw = (pre_m > post_m ? pre_m : post_m) / 1000
	raw_maxw = kv(rw, "max_ns") / 1000
	printf "%-22s %12.1f %12.1f us   (99.9th percentile of uninterrupted per-instance windows)\n", "max_hold_us", hold, raw_hold
	printf "  %-20s %12.1f %12.1f us   (their median)\n", "p50", (pre_p > post_p ? pre_p : post_p), kv(rw, "p50_us")
	printf "  %-20s %12.1f %12.1f us   (the longest, host stalls included)\n", "max", maxw, raw_maxw
	printf "  %-20s %12.1f %12.1f ms   (the whole takeover, for scale)\n", "takeover", ktot / 1e6, rtot / 1e6
	printf "  %-20s %12.1f %12s ms   (post_patch outside any window: walks with no per-instance hook)\n", "post_patch unhooked", (kv(k_t, "post_ns") - kv(kw_post, "sum_ns")) / 1e6, ""
	printf "  %-20s %s\n", "klpsv pre_patch", kw_pre
	printf "  %-20s %s\n", "klpsv post_patch", kw_post
	printf "  %-20s %s\n", "raw loop", rw

	per = (o_inst > 0) ? o_bytes / o_inst : -1
	over = per - struct
	printf "%-22s %12.1f %12s B    <= 32 %s  (%d bytes / %d instances - %d-byte struct)\n\n", "overhead_bytes", over, "", status(over, 32), o_bytes, o_inst, struct

	names = "get_hit_1k get_hit_100k get_hit_1m get_miss_1m alloc_free takeover_1m"
	n = split(names, a, " ")
	for (i = 1; i <= n; i++) printf "bench: %s ratio=%.3f\n", a[i], ratio[a[i]]
	printf "bench: scaling_get_1m_vs_1k value=%.2f unit=x\n", sk
	printf "bench: scaling_get_1m_vs_1k_raw value=%.2f unit=x\n", sr
	printf "bench: max_hold_us value=%.1f unit=us\n", hold
	printf "bench: max_hold_us_raw value=%.1f unit=us\n", raw_hold
	printf "bench: max_window_us value=%.1f unit=us\n", maxw
	printf "bench: takeover_1m_elapsed ratio=%.3f\n", (rtot_el > 0) ? ktot_el / rtot_el : -1
	printf "bench: overhead_bytes value=%.1f unit=bytes\n", over
	names = "get_only_hit_1k get_only_hit_100k get_only_hit_1m alloc_free_1m"
	n = split(names, a, " ")
	for (i = 1; i <= n; i++) printf "bench: %s ratio=%.3f\n", a[i], ratio[a[i]]
}' $M
echo
echo "raw measurements:"
cat $M
