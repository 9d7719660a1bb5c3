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

# mem_snap: "KMALLOC PAGES" in bytes, or "-1 -1" without /proc/slabinfo.
# KMALLOC adds up the kmalloc caches' active objects, each at its cache's
# size class (the number in its name: what kmalloc_size_roundup() says,
# without the metadata slub_debug=FZPU adds around each object).  PAGES
# is what the kernel gave out in whole pages: kmalloc's large allocations
# (meminfo's Slab minus the slab caches' own pages, 4 KB on x86-64) and
# vmalloc's (a kvmalloc'd bucket array lands in one or the other).
# stat_refresh first: meminfo's counters lag by per-CPU batches.
mem_snap() {
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	{ cat /proc/slabinfo && cat /proc/meminfo; } 2>/dev/null | awk '
	/^(dma-)?kmalloc-/ {
		c = $1; sub(/.*-/, "", c)
		if (c ~ /k$/) { sub(/k$/, "", c); c *= 1024 }
		k += $2 * c
	}
	$7 == ":" && $13 == "slabdata" { slabinfo = 1; slab_pages += $15 * $6 * 4096 }
	$1 == "Slab:" { slab = $2 * 1024 }
	$1 == "VmallocUsed:" { vm = $2 * 1024 }
	END {
		if (slabinfo && slab > 0) printf "%.0f %.0f\n", k, slab - slab_pages + vm
		else print "-1 -1"
	}'
}

# mem_settle: a snapshot (mem_snap) in $SNAP once memory stops moving:
# kfree_rcu() batches from earlier frees drain late (drop_caches runs the
# shrinker that flushes them); at most 20 tries a second apart.
mem_settle() {
	local prev="" i=0
	while [ $i -lt 20 ]; do
		echo 2 >/proc/sys/vm/drop_caches 2>/dev/null
		sleep 1
		SNAP=$(mem_snap)
		i=$((i + 1))
		[ -n "$prev" ] && echo "$prev $SNAP" | awk '
			function abs(x) { return x < 0 ? -x : x }
			{ exit !(abs($3 - $1) <= 16384 && abs($4 - $2) <= 65536) }' &&
			break
		prev=$SNAP
	done
	SETTLE_TRIES=$i
}

# phase NAME: where the run is, with the seconds since it started.
phase() { log "[$(( $(date +%s) - t_start ))s] $*"; }

t_start=$(date +%s)
log "klpsv benchmark ($MODE run) on $KVER: sizes $S1 $S2 $S3"
load_mod klpsv_bench_objs live=$S3 spare=$SPARE
load_lp klpsv_bench_v1
ctl sizes
echo "z $(field raw_each "$R") $(field raw_table "$R") $(field struct "$R") $(field shadow "$R")" >>$M

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
mem_settle
mem0=$SNAP
fill raw $n
mem_settle
echo "s raw $n $mem0 $SNAP" >>$M
log "raw fill: memory before and after (kmalloc, pages): $mem0, $SNAP ($SETTLE_TRIES s to settle)"
phase "raw: takeover of $n instances"
ctl takeover raw
echo "t raw $R" >>$M
log "raw takeover: $R"
ctl clear

phase "klpsv: fill $n"
mem_settle
mem0=$SNAP
fill k $n
mem_settle
echo "s k $n $mem0 $SNAP" >>$M
log "klpsv fill: memory before and after (kmalloc, pages): $mem0, $SNAP ($SETTLE_TRIES s to settle)"
fam=$(grep '^family=bench ' /sys/kernel/debug/klpsv/klpsv_bench_v1/families) ||
	die "no family bench in klpsv's debugfs"
log "before the takeover: $fam"
echo "o $(field instances "$fam") $(field bytes "$fam") $(field index_bytes "$fam")" >>$M
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
awk -v mode=$MODE -v kver=$KVER -v s1=$S1 -v s2=$S2 -v s3=$S3 '
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
$1 == "o" { o_inst = $2; o_bytes = $3; o_index = $4; next }
$1 == "z" { raw_each = $2; raw_table = $3; struct = $4; shadow = $5; next }
# "s KIND N KMALLOC PAGES KMALLOC PAGES": memory before and after a fill.
$1 == "s" {
	slab_n[$2] = $3
	slab_k[$2] = ($4 < 0 || $6 < 0) ? -1 : $6 - $4
	slab_p[$2] = ($5 < 0 || $7 < 0) ? 0 : $7 - $5
	next
}
$1 == "u" { unpatch_ns = $2; next }
$1 == "t" && $2 == "raw" { raw_t = $0; next }
$1 == "t" && $2 == "k" { k_t = $0; next }
END {
	size[1] = s1; size[2] = s2; size[3] = s3
	label[1] = "1k"; label[2] = "100k"; label[3] = "1m"
	get_target[1] = 1.00; get_target[2] = 0.30; get_target[3] = 0.05
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
		row("get_hit_" label[i], k, r, "ns", ratio["get_hit_" label[i]], get_target[i])
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
	row("alloc_free (at 1k)", k, r, "ns", ratio["alloc_free"], 1.00)
	k = min_of("af" s3 SUBSEP "k"); r = min_of("af" s3 SUBSEP "raw")
	ratio["alloc_free_1m"] = (r > 0) ? k / r : -1
	row("alloc_free_1m", k, r, "ns", ratio["alloc_free_1m"], 0.10)

	split(k_t, a, " pre: "); split(a[2], b, " post: ")
	kw_pre = b[1]; kw_post = b[2]
	rw = substr(raw_t, index(raw_t, "windows="))
	kpre = cleaned(kv(k_t, "pre_ns"), kw_pre)
	kpost = cleaned(kv(k_t, "post_ns"), kw_post)
	ktot = kpre + kpost; rtot = cleaned(kv(raw_t, "ns"), rw)
	ktot_el = kv(k_t, "pre_ns") + kv(k_t, "post_ns"); rtot_el = kv(raw_t, "ns")
	ratio["takeover_1m"] = (rtot > 0) ? ktot / rtot : -1
	row("takeover_1m", ktot / 1e6, rtot / 1e6, "ms", ratio["takeover_1m"], 1.00)
	printf "  %-20s %12.1f %12.1f ms %8.2f   (elapsed, interrupted windows included)\n", "as measured", ktot_el / 1e6, rtot_el / 1e6, (rtot_el > 0) ? ktot_el / rtot_el : -1
	printf "  %-20s %12.1f %12s ms\n", "pre_patch", kpre / 1e6, ""
	printf "  %-20s %12.1f %12s ms\n", "post_patch", kpost / 1e6, ""
	printf "  %-20s %12.1f %12s ms   (elapsed)\n", "release (disable)", unpatch_ns / 1e6, ""
	printf "  %-20s %12.1f %12.1f ms   (elapsed)\n", "fill (populate)", fill["k" SUBSEP s3] / 1e6, fill["raw" SUBSEP s3] / 1e6

	sk = (get_k[1] > 0) ? get_k[3] / get_k[1] : -1
	sr = (get_r[1] > 0) ? get_r[3] / get_r[1] : -1
	printf "%-22s %12.1f %12.1f %-3s %8s   <= 1.10 in instructions (judged by the twin)\n", "scaling_get_1m_vs_1k", sk, sr, "x", ""

	pre_h = kv(kw_pre, "p999_us") + 0; post_h = kv(kw_post, "p999_us") + 0
	hold = pre_h > post_h ? pre_h : post_h
	raw_hold = kv(rw, "p999_us") + 0
	pre_m = kv(kw_pre, "max_ns") + 0; post_m = kv(kw_post, "max_ns") + 0
	pre_p = kv(kw_pre, "p50_us") + 0; post_p = kv(kw_post, "p50_us") + 0
	maxw = (pre_m > post_m ? pre_m : post_m) / 1000
	raw_maxw = kv(rw, "max_ns") / 1000
	printf "%-22s %12.1f %12.1f us   (p99.9 of uninterrupted per-instance windows)   bounded by the batch, not the count\n", "max_hold_us", hold, raw_hold
	printf "  %-20s %12.1f %12.1f us   (the longest uninterrupted window, host stalls included)\n", "max", maxw, raw_maxw
	printf "  %-20s %12.1f %12.1f us   (their median)\n", "p50", (pre_p > post_p ? pre_p : post_p), kv(rw, "p50_us")
	printf "  %-20s %12.1f %12.1f ms   (the whole takeover, for scale)\n", "takeover", ktot / 1e6, rtot / 1e6
	printf "  %-20s %12.1f %12s ms   (post_patch outside any window: walks with no per-instance hook)\n", "post_patch unhooked", (kv(k_t, "post_ns") - kv(kw_post, "sum_ns")) / 1e6, ""
	printf "  %-20s %s\n", "klpsv pre_patch", kw_pre
	printf "  %-20s %s\n", "klpsv post_patch", kw_post
	printf "  %-20s %s\n", "raw loop", rw

	# klpsv: what its debugfs says (instances at their kmalloc size class,
	# and bucket arrays) at the large fill; raw: its kmalloc size class,
	# by the kmalloc_size_roundup() of the kernel, plus a share of its table.
	bpi = (o_inst > 0) ? (o_bytes + o_index) / o_inst : -1
	bpi_raw = (o_inst > 0 && raw_each > 0) ? raw_each + raw_table / o_inst : -1
	printf "%-22s %12.1f %12.1f B   %8.2f   klpsv <= raw %s\n", "bytes_per_instance", bpi, bpi_raw, (bpi_raw > 0) ? bpi / bpi_raw : -1, (bpi < 0 || bpi_raw < 0) ? "n/a" : (bpi <= bpi_raw ? "met" : sprintf("MISSED by %.1f bytes", bpi - bpi_raw))
	printf "  %-20s klpsv (%.0f bytes + %.0f index_bytes) / %.0f instances; raw %d (kmalloc_size_roundup(%d + %d)) + %d / %.0f (its table)\n", "from", o_bytes, o_index, o_inst, raw_each, shadow, struct, raw_table, o_inst
	# Measured: slab accounting around the fill of each kind (mem_snap);
	# the raw table is a static array, which no allocator sees: its share
	# is added.
	bs = (slab_k["k"] >= 0 && slab_n["k"] > 0) ? (slab_k["k"] + slab_p["k"]) / slab_n["k"] : -1
	bs_raw = (slab_k["raw"] >= 0 && slab_n["raw"] > 0) ? (slab_k["raw"] + slab_p["raw"]) / slab_n["raw"] + raw_table / slab_n["raw"] : -1
	if (bs >= 0 && bs_raw >= 0) {
		printf "  %-20s %12.1f %12.1f B   %8.2f   (slab accounting around each fill, raw plus its table share; the verdict uses the line above)\n", "measured", bs, bs_raw, bs / bs_raw
		printf "  %-20s %12.1f %12.1f B              (of which objects of kmalloc caches, at their size class)\n", "  kmalloc", slab_k["k"] / slab_n["k"], slab_k["raw"] / slab_n["raw"]
		printf "  %-20s %12.1f %12.1f B              (of which whole pages: large kmalloc, vmalloc)\n\n", "  pages", slab_p["k"] / slab_n["k"], slab_p["raw"] / slab_n["raw"]
	} else {
		printf "  %-20s %12s %12s     (no /proc/slabinfo in this kernel)\n\n", "measured", "n/a", "n/a"
	}

	names = "get_hit_1k get_hit_100k get_hit_1m get_miss_1m alloc_free takeover_1m"
	n = split(names, a, " ")
	for (i = 1; i <= n; i++) printf "bench: %s ratio=%.3f\n", a[i], ratio[a[i]]
	printf "bench: scaling_get_1m_vs_1k value=%.2f unit=x\n", sk
	printf "bench: scaling_get_1m_vs_1k_raw value=%.2f unit=x\n", sr
	printf "bench: max_hold_us value=%.1f unit=us\n", hold
	printf "bench: max_hold_us_raw value=%.1f unit=us\n", raw_hold
	printf "bench: max_window_us value=%.1f unit=us\n", maxw
	printf "bench: max_window_us_raw value=%.1f unit=us\n", raw_maxw
	printf "bench: takeover_1m_elapsed ratio=%.3f\n", (rtot_el > 0) ? ktot_el / rtot_el : -1
	printf "bench: bytes_per_instance value=%.1f unit=bytes\n", bpi
	printf "bench: bytes_per_instance_raw value=%.1f unit=bytes\n", bpi_raw
	if (bs >= 0 && bs_raw >= 0) {
		printf "bench: bytes_per_instance_slab value=%.1f unit=bytes\n", bs
		printf "bench: bytes_per_instance_slab_raw value=%.1f unit=bytes\n", bs_raw
	}
	names = "get_only_hit_1k get_only_hit_100k get_only_hit_1m alloc_free_1m"
	n = split(names, a, " ")
	for (i = 1; i <= n; i++) printf "bench: %s ratio=%.3f\n", a[i], ratio[a[i]]
}' $M
echo
echo "raw measurements:"
cat $M
