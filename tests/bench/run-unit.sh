#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Userspace twin of the klpsv benchmark: the library, the unit tests'
# shim and livepatch model, counted in instructions by callgrind
# (deterministic: the same build gives the same counts every run).
#
#   tests/bench/run-unit.sh [--short]
#
# Builds tests/bench/build/klpsv-bench-twin (make -C tests/bench), runs it
# under callgrind, prints the table and one "bench:" line per figure.  The
# full run fills the klp_shadow table to a million instances uncounted
# (a few minutes under valgrind); --short stops at 10k.  TWIN_TAKEOVER=N
# sets the takeover size (default 100000; a million takes callgrind tens
# of minutes).  Exits non-zero when the twin fails or a figure is missing.

set -uo pipefail


HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib-version.sh"
MODE=full
if [ "${1:-}" = --short ]; then
	MODE=short
	shift
fi
[ $# = 0 ] || { echo "usage: $0 [--short]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench-twin: valgrind not found: run 'make setup'" >&2; exit 2; }

make -s -C "$HERE" >/dev/null || { echo "bench-twin: build failed" >&2; exit 1; }
BIN=$HERE/build/klpsv-bench-twin
OUT=$HERE/build/callgrind
rm -rf "$OUT"
mkdir -p "$OUT"

start=$(date +%s)
args=()
[ $MODE = short ] && args=(--short)
if ! valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no \
		--toggle-collect='bench_measure_*' \
		--callgrind-out-file="$OUT/cg.out" \
		"$BIN" "${args[@]}" >"$OUT/meta.txt" 2>"$OUT/valgrind.txt"; then
	cat "$OUT/meta.txt" "$OUT/valgrind.txt" | tail -40
	echo "bench-twin: the twin failed"
	exit 1
fi
secs=$(($(date +%s) - start))

# One "c LABEL INSTRUCTIONS" line per callgrind dump.
for f in "$OUT"/cg.out.*; do
	awk '/^desc: Trigger: Client Request: / { l = $5 }
	     /^totals: / { t = $2 }
	     END { if (l != "") print "c", l, t + 0 }' "$f"
done >"$OUT/counts.txt"

REPORT=$HERE/build/bench-twin-$MODE.txt
cat "$OUT/meta.txt" "$OUT/counts.txt" | awk -v mode=$MODE '
function per(label) { return (label in ins && ops[label] > 0) ? ins[label] / ops[label] : -1 }
function net(what, n, k,    v, b) {
	v = per(what "/" n "/" k); b = per(what "/" n "/base")
	return (v >= 0 && b >= 0) ? v - b : v
}
function status(x, target) {
	if (x < 0) return "n/a"
	if (x <= target) return "met"
	return sprintf("MISSED by %.0f%%", (x / target - 1) * 100)
}
function row(name, k, r, unit, x, target) {
	printf "%-22s %12.1f %12.1f %-5s %8.2f", name, k, r, unit, x
	if (target > 0) printf "   <= %.2f %s", target, status(x, target)
	printf "\n"
}
function kname(n) {
	return n >= 1000000 ? sprintf("%gm", n / 1000000) : sprintf("%gk", n / 1000)
}
$1 == "meta" && $2 == "sizes" {
	split($0, a, /[ =]/)
	for (i = 1; i < length(a); i++) if (a[i] ~ /^(s1|s2|s3|takeover)$/) sz[a[i]] = a[i + 1]
	next
}
$1 == "meta" && $2 == "bytes" {
	for (i = 3; i <= NF; i++) { split($i, kv, "="); by[kv[1]] = kv[2] }
	next
}
$1 == "meta" && $3 ~ /^ops=/ { ops[$2] = substr($3, 5); next }
$1 == "c" { ins[$2] = $3; next }
END {
	s[1] = sz["s1"]; s[2] = sz["s2"]; s[3] = sz["s3"]; tn = sz["takeover"]
	lab[1] = "1k"; lab[2] = "100k"; lab[3] = "1m"
	gt[1] = 1.00; gt[2] = 0.30; gt[3] = 0.05
	tlab = kname(tn)
	if (mode == "short") tlab = "100k"
	printf "klpsv benchmark, userspace twin (tests/shared shim and klp_shadow model, gcc -O2),\n"
	printf "callgrind instructions per operation, %s run", mode
	if (mode == "short")
		printf " (figures named 1k/100k/1m measured at %d/%d/%d, the takeover at %d)", s[1], s[2], s[3], tn
	printf "\nklpsv get + put vs klp_shadow_get, the loop alone subtracted\n\n"
	printf "%-22s %12s %12s %-5s %8s   %s\n", "figure", "klpsv", "raw", "", "ratio", "target"
	for (i = 1; i <= 3; i++) {
		k = net("get", s[i], "k"); r = net("get", s[i], "raw"); g = net("get", s[i], "kg")
		gk[i] = k; gr[i] = r
		x["get_hit_" lab[i]] = r > 0 ? k / r : -1
		x["get_only_hit_" lab[i]] = r > 0 ? g / r : -1
		row("get_hit_" lab[i], k, r, "instr", x["get_hit_" lab[i]], gt[i])
		row("  get only (no put)", g, r, "instr", x["get_only_hit_" lab[i]], 0)
	}
	printf "  %-20s %12.1f %12s instr   (the loop alone)\n", "base", per("get/" s[1] "/base"), ""
	k = net("miss", s[3], "k"); r = net("miss", s[3], "raw")
	x["get_miss_1m"] = r > 0 ? k / r : -1
	row("get_miss_1m", k, r, "instr", x["get_miss_1m"], 0)
	k = per("af/" s[1] "/k"); r = per("af/" s[1] "/raw")
	x["alloc_free"] = r > 0 ? k / r : -1
	row("alloc_free (at 1k)", k, r, "instr", x["alloc_free"], 1.00)
	k = per("af/" s[3] "/k"); r = per("af/" s[3] "/raw")
	x["alloc_free_1m"] = r > 0 ? k / r : -1
	row("alloc_free_1m", k, r, "instr", x["alloc_free_1m"], 0.10)
	k = per("takeover/" tn "/k"); r = per("takeover/" tn "/raw")
	tname = "takeover_" tlab
	x[tname] = r > 0 ? k / r : -1
	row(tname, k, r, "instr", x[tname], 1.00)
	printf "  %-20s %12.1f %12s instr   (per instance, disable)\n", "release", per("release/" tn "/k"), ""
	sk = gk[1] > 0 ? gk[3] / gk[1] : -1
	sr = gr[1] > 0 ? gr[3] / gr[1] : -1
	printf "%-22s %12.1f %12.1f %-5s %8s   <= 1.10 %s (klpsv)\n", "scaling_get_1m_vs_1k", sk, sr, "x", "", status(sk, 1.10)
	printf "%-22s %12s %12s         (a latency: see the VM benchmark)\n", "max_hold_us", "n/a", "n/a"
	# klpsv: its debugfs at the takeover fill; raw: the size class of
	# its allocation, plus a share of its 4096-bucket table.
	n = by["instances"]
	bpi = n > 0 ? (by["bytes"] + by["index_bytes"]) / n : -1
	bpr = n > 0 ? by["raw_each"] + by["raw_table"] / n : -1
	printf "%-22s %12.1f %12.1f %-5s %8.2f   klpsv <= raw %s\n", "bytes_per_instance", bpi, bpr, "B", (bpr > 0) ? bpi / bpr : -1, (bpi < 0 || bpr < 0) ? "n/a" : (bpi <= bpr ? "met" : sprintf("MISSED by %.1f bytes", bpi - bpr))
	printf "  %-20s klpsv (%.0f bytes + %.0f index_bytes) / %.0f instances; raw %d (kmalloc_size_roundup(%d + %d)) + %d / %.0f (its table)\n\n", "from", by["bytes"], by["index_bytes"], n, by["raw_each"], by["shadow"], by["struct"], by["raw_table"], n

	n = split("get_hit_1k get_hit_100k get_hit_1m get_miss_1m alloc_free " tname, a, " ")
	for (i = 1; i <= n; i++) printf "bench: %s ratio=%.3f\n", a[i], x[a[i]]
	printf "bench: scaling_get_1m_vs_1k value=%.2f unit=x\n", sk
	printf "bench: scaling_get_1m_vs_1k_raw value=%.2f unit=x\n", sr
	printf "bench: bytes_per_instance value=%.1f unit=bytes\n", bpi
	printf "bench: bytes_per_instance_raw value=%.1f unit=bytes\n", bpr
	printf "bench: takeover_per_instance value=%.0f unit=instr\n", per("takeover/" tn "/k")
	printf "bench: takeover_per_instance_raw value=%.0f unit=instr\n", per("takeover/" tn "/raw")
	n = split("get_only_hit_1k get_only_hit_100k get_only_hit_1m alloc_free_1m", a, " ")
	for (i = 1; i <= n; i++) printf "bench: %s ratio=%.3f\n", a[i], x[a[i]]
}' >"$REPORT"
echo "library: lib/ and include/ at $(lib_version "$HERE/../..")" >>"$REPORT"
cat "$REPORT"

missing=0
for f in get_hit_1k get_hit_100k get_hit_1m get_miss_1m alloc_free alloc_free_1m \
	 'takeover_[0-9]+[km]' scaling_get_1m_vs_1k scaling_get_1m_vs_1k_raw \
	 bytes_per_instance bytes_per_instance_raw; do
	if ! grep -qE "^bench: $f (ratio|value)=[0-9.]+" "$REPORT"; then
		echo "bench-twin: figure $f missing or not a number"
		missing=1
	fi
done
echo "bench-twin: mode=$MODE run_time=${secs}s report=$REPORT callgrind=$OUT"
exit $missing
