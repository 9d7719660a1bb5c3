# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The kernel's bug detectors, as the VM harness sees them: which ones a
# kernel has (from its config, never from what a test hopes), the kernel
# log lines that mean one of them fired, and which one that was.
# Sourced by run.sh and selftest.sh; needs CACHE.

# kernel_config KVER: the path of KVER's config.  setup.sh leaves it next
# to every image in the cache (Debian's packages ship it there; the debug
# kernel's build copies it); the headers have one too.
kernel_config() {
	local c
	for c in "$CACHE/kernels/$1/boot/config-$1" "/usr/src/linux-headers-$1/.config"; do
		[ -f "$c" ] && { echo "$c"; return; }
	done
}

# detectors KVER: the detectors KVER was built with, by the names fired()
# prints.  Every kernel reports WARNING, BUG and Oops.
detectors() {
	local c d=
	c=$(kernel_config "$1")
	[ -n "$c" ] || return 0
	grep -q '^CONFIG_KASAN=y' "$c" && d="$d KASAN"
	grep -q '^CONFIG_KFENCE=y' "$c" && d="$d KFENCE"
	grep -q '^CONFIG_PROVE_LOCKING=y' "$c" && d="$d lockdep"
	grep -q '^CONFIG_DEBUG_ATOMIC_SLEEP=y' "$c" && d="$d atomic-sleep"
	grep -q '^CONFIG_DEBUG_LIST=y' "$c" && d="$d list-debug"
	grep -q '^CONFIG_DEBUG_OBJECTS=y' "$c" && d="$d debugobjects"
	grep -q '^CONFIG_SLUB_DEBUG=y' "$c" && d="$d slub-debug"
	grep -q '^CONFIG_DETECT_HUNG_TASK=y' "$c" && d="$d hung-task"
	echo "${d# }"
}

# has_detector NAME: the kernel in DETECTORS (set by the caller) has NAME.
has_detector() {
	case " $DETECTORS " in *" $1 "*) return 0 ;; esac
	return 1
}

# Kernel log lines that report a bug: the generic ones, and each
# detector's headers (lockdep's as kernel/locking/lockdep.c prints them;
# its boot banner "RCU lockdep checking is enabled." is none of them).
LOCKDEP_BAD='possible circular locking|possible recursive locking|inconsistent lock state|possible irq lock inversion|-unsafe lock order detected|bad unlock balance|bad contention detected|held lock freed|still has locks held|lock held when returning|Nested lock was not taken|chain_key collision|Invalid wait context|trying to register non-static key|has not been registered|invalid subclass|MAX_[A-Z_]* too low|suspicious RCU usage'
BAD="WARNING:|BUG:|Oops|Call Trace|INFO: task .* blocked|KASAN: .* in range|list_(add|del) (corruption|double add)|ODEBUG:|BUG [^ ]+ \\((Not tainted|Tainted)|sleeping function called from invalid context|$LOCKDEP_BAD"

# fired <LINES: the detectors the kernel log lines (matching BAD) come
# from, most specific first; the generic kind when no detector is named.
fired() {
	awk -v lockdep="$LOCKDEP_BAD" '
	function add(d) { if (!(d in seen)) { seen[d] = 1; list = list (list == "" ? "" : ", ") d } }
	function gen(d) { if (!(d in gseen)) { gseen[d] = 1; glist = glist (glist == "" ? "" : ", ") d } }
	/BUG: KASAN|KASAN: .* in range/	{ add("KASAN"); next }
	/BUG: KFENCE/				{ add("KFENCE"); next }
	/sleeping function called from invalid context/ { add("atomic-sleep"); next }
	/suspicious RCU usage/			{ add("lockdep-RCU"); next }
	$0 ~ lockdep				{ add("lockdep"); next }
	/list_(add|del) (corruption|double add)/ { add("list-debug"); next }
	/ODEBUG:/				{ add("debugobjects"); next }
	/BUG [^ ]+ \((Not tainted|Tainted)/	{ add("slub-debug"); next }
	/INFO: task .* blocked/			{ add("hung-task"); next }
	/WARNING:/				{ gen("WARNING"); next }
	/BUG:/					{ gen("BUG"); next }
	/Oops/					{ gen("Oops"); next }
	/Call Trace/				{ gen("Call Trace"); next }
	END { print (list != "" ? list : glist) }'
}
