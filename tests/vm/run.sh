#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian kernel under qemu (TCG) with an initramfs holding busybox,
# the built modules and the guest tests; run the tests; judge the result.
# The options, and how to run one's own modules and script, are in
# usage() below (run.sh --help) and in README.md, "Running your own
# modules in the VM harness".
#
# Exits non-zero on a failed or missing test, a guest that did not finish
# (the serial log path is printed), or a kernel log that shows a WARNING,
# BUG, Oops, Call Trace, or a report of one of the kernel's detectors
# (KASAN, KFENCE, lockdep, atomic-sleep checks, list or object debugging,
# SLUB debugging, hung tasks), naming the detector.  Which detectors a
# kernel has is read from its config (detectors.sh); every kernel boots
# with slub_debug=FZPU, and those with KFENCE with kfence.sample_interval
# set.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${KLPSV_CACHE:-/var/cache/klpsv}
TIMEOUT=${VMTEST_TIMEOUT:-600}
MEM=${VMTEST_MEM:-1024}
MODE=test
LIVE=
ONLY=
TESTS=
SCRIPTS=()

usage() {
	cat <<EOF
usage: $0 [OPTIONS] KVER MODDIR

Boot kernel KVER under qemu (TCG, 2 vCPUs) with every MODDIR/*.ko in the
guest's /lib/klpsv/, run the guest tests (shell scripts, in file name
order, busybox sh) and judge their KTAP output and the kernel log.

  KVER        a kernel 'make setup' installed: its full version, or
              6.1, 6.12, 6.12-rt or debug (as in $CACHE/kernels.mk)
  MODDIR      a directory of .ko files (its tests/format1/*.ko too);
              the run writes its initramfs and serial log in MODDIR/vm/

  --script FILE  run this guest script (may be given more than once);
                 without --tests, only the scripts given
  --tests DIR    run DIR/*.sh instead of tests/vm/guest/tests/*.sh
  --only PATTERN run only the scripts whose file name contains PATTERN
  --demo         run the chain sample's demo (guest/demo.sh) and show it
  --demo-test    the same, quietly, failing when a step's output differs
                 (DEMO_BREAK=<step> breaks that step's expectation)
  -h, --help     this text

A guest script exits 0 (pass), 4 (skip) or anything else (fail); its
output is printed as KTAP comments.  It may source /tests/functions.sh
(load_mod, load_lp, disable_lp, unload_mod, expect_read, start_test,
check_result, ...), whose helpers take one name for the .ko file, the
module and its livepatch directory: name modules with _, not -.  The .ko
files are in \$MODDIR=/lib/klpsv, the kernel version is in \$KVER.
After a failed script, every livepatch is disabled and every module of
MODDIR unloaded.  debugfs is mounted, and livepatch's pr_debug lines are
in the kernel log.

Environment: VMTEST_TIMEOUT (seconds, default 600), VMTEST_MEM (MiB,
default 1024), KFENCE_MS (KFENCE sample interval, default 10),
VMTEST_INT3_RETRIES (default 2), KLPSV_CACHE (default /var/cache/klpsv).
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--demo) MODE=demo; LIVE=1; shift ;;
	--demo-test) MODE=demo; shift ;;
	--only) ONLY=$2; shift 2 ;;
	--tests) TESTS=$(cd "$2" && pwd); shift 2 ;;
	--script)
		[ -f "${2:-}" ] || { echo "$0: --script ${2:-}: no such file" >&2; exit 2; }
		SCRIPTS+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
		shift 2 ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "$0: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# = 2 ] || { usage >&2; exit 2; }
KVER=$1
MODDIR=$2
# The guest tests: the tree's own, unless --tests or --script says.
[ -n "$TESTS" ] || [ ${#SCRIPTS[@]} -gt 0 ] || TESTS=$HERE/guest/tests

# A short name for a kernel 'make setup' chose (kernels.mk).
case $KVER in
6.1) var=KVER_61 ;;
6.12) var=KVER_612 ;;
6.12-rt) var=KVER_612RT ;;
debug) var=KVER_DEBUG ;;
*) var= ;;
esac
if [ -n "$var" ]; then
	full=$(sed -n "s/^$var := //p" "$CACHE/kernels.mk" 2>/dev/null)
	[ -n "$full" ] || { echo "vmtest: no kernel $KVER in $CACHE/kernels.mk: run 'make setup'" >&2; exit 1; }
	KVER=$full
fi
[ -d "$MODDIR" ] || { echo "vmtest: no module directory $MODDIR" >&2; exit 2; }
MODDIR=$(cd "$MODDIR" && pwd)

die() { echo "vmtest: $*" >&2; exit 1; }

VMLINUZ=$CACHE/kernels/$KVER/boot/vmlinuz-$KVER
[ -f "$VMLINUZ" ] || die "no kernel image $VMLINUZ: run 'make setup'"
# shellcheck source=detectors.sh
. "$HERE/detectors.sh"
DETECTORS=$(detectors "$KVER")
# KFENCE samples one allocation in every KFENCE_MS milliseconds (it is
# built into the 6.12 kernels but off unless this is set).
APPEND="console=ttyS0 quiet panic=-1 oops=panic slub_debug=FZPU"
has_detector KFENCE && APPEND="$APPEND kfence.sample_interval=${KFENCE_MS:-10}"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "busybox not found: run 'make setup' (package busybox-static)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found: run 'make setup'"
command -v cpio >/dev/null || die "cpio not found: run 'make setup'"

WORK=$MODDIR/vm
ROOT=$WORK/root
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,lib/klpsv,tests}
cp "$BUSYBOX" "$ROOT/bin/busybox"
cp "$HERE/guest/init" "$ROOT/init"
cp "$HERE"/guest/*.sh "$ROOT/tests/"
mkdir -p "$ROOT/tests/t"
for t in ${TESTS:+"$TESTS"/*.sh} "${SCRIPTS[@]}"; do
	case $(basename "$t") in *$ONLY*) cp "$t" "$ROOT/tests/t/" ;; esac
done
cp "$MODDIR"/*.ko "$ROOT/lib/klpsv/"
# The format-1 builds of the chain sample's patches (tests/format1/).
for ko in "$MODDIR"/tests/format1/*.ko; do
	[ -e "$ko" ] && cp "$ko" "$ROOT/lib/klpsv/"
done
echo "$MODE" >"$ROOT/tests/mode"
[ -z "${DEMO_BREAK:-}" ] || echo "$DEMO_BREAK" >"$ROOT/tests/demo_break"
echo "$KVER" >"$ROOT/tests/kver"
chmod +x "$ROOT/init"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initramfs.gz"

LOG=$WORK/serial.log
# qemu ACCEL [ARG...]: boot the guest with that -accel setting.
qemu() {
	timeout --foreground "$TIMEOUT" qemu-system-x86_64 -accel "$1" -cpu max \
		-m "$MEM" -smp 2 -display none -monitor none -no-reboot \
		-kernel "$VMLINUZ" -initrd "$WORK/initramfs.gz" \
		-append "$APPEND" "${@:2}"
}

if [ -n "$LIVE" ]; then
	# Show the guest's narration live; keep everything in the log.
	set +e
	qemu tcg -serial stdio </dev/null | tee "$LOG" | tr -d '\r' |
		sed -n '/^klpsv-guest: start$/,/^klpsv-guest: kernel log follows$/p' |
		grep -v '^klpsv-guest:'
	rc=${PIPESTATUS[0]}
	set -e
else
	# On the 6.12 kernels under TCG a guest now and then dies of an
	# unhandled int3 at a call site the kernel is rewriting: qemu runs a
	# stale translation of the site on another vCPU.  What rewrites it:
	# with CONFIG_PREEMPT_DYNAMIC (static calls), every livepatch
	# transition starts with sched_dynamic_klp_enable(), which points the
	# cond_resched static call at klp_cond_resched, and ends with
	# sched_dynamic_klp_disable() -> __sched_dynamic_update(), which turns
	# cond_resched, might_resched, preempt_schedule and
	# irqentry_exit_cond_resched on and then off again as the preempt mode
	# says: text_poke_bp() rewrites each call site (irqentry_exit,
	# rcu_gp_cleanup, down_write, ...) with an int3 first.  No boot option
	# avoids it (preempt= only picks which calls end up enabled; every
	# mode toggles them); 6.1 has no klp_cond_resched (v6.4), so it never
	# happens there.  klpsv patches no text.  Such a guest is booted
	# again; its log is kept and the note printed.  The last try runs both
	# vCPUs on one host thread (slower, but no vCPU runs code another one
	# is rewriting).
	INT3='int3: [0-9a-f]+ \[#[0-9]+\]'	# "Oops: int3: 0000 [#1]" on 6.12
	tries=${VMTEST_INT3_RETRIES:-2}
	accel=tcg
	while :; do
		set +e
		qemu "$accel" -serial "file:$LOG" </dev/null
		rc=$?
		set -e
		[ "$rc" = 0 ] && [ "$tries" -gt 0 ] &&
			! tr -d '\r' <"$LOG" | grep -q '^klpsv-guest: done$' &&
			grep -qE "$INT3" "$LOG" || break
		tries=$((tries - 1))
		[ "$tries" = 0 ] && accel=tcg,thread=single
		keep=$WORK/serial-int3-$(date +%s%N).log
		cp "$LOG" "$keep"
		echo "vmtest: kernel $KVER: the guest died of an int3 at a call site being rewritten (a qemu TCG problem); booting again (-accel $accel); log: $keep"
		tr -d '\r' <"$keep" | grep -A12 -E "$INT3" |
			grep -E "$INT3|RIP: 0010|Comm:" | head -3 | sed 's/^/    /'
	done
fi
[ "$rc" = 124 ] && die "kernel $KVER: guest timed out after ${TIMEOUT}s; serial log: $LOG"
[ "$rc" = 0 ] || die "kernel $KVER: qemu exited with $rc; serial log: $LOG"

TXT=$WORK/serial.txt
tr -d '\r' <"$LOG" >"$TXT"
fail=0

# The guest's output: the KTAP of the tests, or the demo's narration.
guest_output() {
	sed -n '/^klpsv-guest: start$/,/^klpsv-guest: kernel log follows$/p' "$TXT" |
		grep -v '^klpsv-guest:' || true
}
if [ "$MODE" = test ]; then
	guest_output
fi
# Anything the kernel reports as a bug fails the run, whatever the tests
# said; the message names the detectors that fired (detectors.sh).
if grep -E "$BAD" "$TXT" >"$WORK/bad.txt"; then
	echo "vmtest: kernel $KVER: the guest kernel log reports a problem (detector: $(fired <"$WORK/bad.txt")):"
	sed 's/^/    /' "$WORK/bad.txt" | head -20
	fail=1
fi
grep -q '^klpsv-guest: done$' "$TXT" ||
	die "kernel $KVER: guest did not finish (crash or panic?); serial log: $LOG"
# Lockdep switches itself off after its first report, or when the kernel
# is tainted in a way that makes it unreliable: then it did not check the
# rest of the run.
if has_detector lockdep && grep -q '^klpsv-guest: debug_locks=0$' "$TXT"; then
	echo "vmtest: kernel $KVER: lockdep was off at the end of the run (debug_locks=0): it did not check all of it"
	grep -m1 -E 'Disabling lock debugging|turning off the locking correctness validator' "$TXT" | sed 's/^/    /' || true
	fail=1
fi

if [ "$MODE" = demo ]; then
	# demo.sh ends with its verdict: "ok", or the steps that differ.
	verdict=$(sed -n 's/^klpsv-guest: demo: //p' "$TXT")
	if [ "$verdict" != ok ]; then
		[ -n "$LIVE" ] || guest_output
		echo "vmtest: kernel $KVER: the demo did not go as expected (${verdict:-no verdict})"
		fail=1
	elif [ -z "$LIVE" ]; then
		guest_output | tail -n1
	fi
fi
if [ "$MODE" = test ]; then
	echo "vmtest: kernel=$KVER detectors: ${DETECTORS:-none beyond WARNING/BUG/Oops and hung tasks}"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$TXT" | head -n1)
	oks=$(grep -cE '^ok [0-9]+ ' "$TXT" || true)
	skips=$(grep -cE '^ok [0-9]+ .*# SKIP' "$TXT" || true)
	nots=$(grep -cE '^not ok [0-9]+ ' "$TXT" || true)
	grep -q '^TAP version 13$' "$TXT" || { echo "vmtest: no KTAP header"; fail=1; }
	if [ -z "$plan" ] || [ "$plan" = 0 ] || [ $((oks + nots)) != "$plan" ]; then
		echo "vmtest: kernel $KVER: planned ${plan:-no} tests, saw $((oks + nots)) results"
		fail=1
	fi
	[ "$nots" = 0 ] || fail=1
	echo "vmtest: kernel=$KVER ok=$((oks - skips)) skipped=$skips not_ok=$nots log=$LOG"
fi
[ "$fail" = 0 ] || die "kernel $KVER: FAILED; serial log: $LOG"
