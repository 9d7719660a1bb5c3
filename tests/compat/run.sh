#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The offline check agrees with the kernel:
#
#   tests/compat/run.sh KVER MODDIR
#
# The guest tests that set COMPAT_RECORD=1 (21-refusals.sh) record every
# livepatch they load or see refused, with the livepatches loaded before it and the kernel's verdict
# ("compat-case: seq=M1 M2 ... MOD kernel=loads|<klpsv's line>", see
# compat_record in tests/vm/guest/functions.sh).  This replays each case
# with scripts/klpsv-compat on the same .ko files and prints each pair:
#
#   case: M1 M2 MOD: kernel="..." offline="..." same
#
# and fails if any pair differs.  The records come from the last VM run of
# MODDIR (MODDIR/vm/serial.txt) when it is newer than every module it
# names and every recording test passed in it; otherwise this boots the
# VM for the recording tests first.  Then what no VM test shows, on the
# hand-made objects of fake.c and bad input: a patch with families but no
# klpsv callbacks (the kernel loads it; offline, refused), the library's
# refusals of callbacks on a module object only and of a family left out
# of a hand-written patch, families given to klpsv_pre_patch_families()
# instead of marked, and exit 2 cases.

set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
[ $# = 2 ] || { echo "usage: $0 KVER MODDIR" >&2; exit 2; }
KVER=$1
MODDIR=$2
COMPAT=$TOP/scripts/klpsv-compat
SERIAL=$MODDIR/vm/serial.txt
fail=0

# Build the tool now, not inside the first case.
make -s -C "$TOP/tools/compat" >/dev/null || { echo "compat: cannot build the tool"; exit 1; }

records() {
	sed -n 's/^# compat-case: //p' "$SERIAL" 2>/dev/null
}

# The guest tests that record their verdicts (COMPAT_RECORD=1).
mapfile -t RECORDING < <(grep -l '^COMPAT_RECORD=1' "$TOP"/tests/vm/guest/tests/*.sh)

# Are the records there, from a run where every recording test passed,
# and newer than every module they name?
fresh() {
	local m t
	[ -n "$(records)" ] || return 1
	for t in "${RECORDING[@]}"; do
		grep -q "^ok [0-9]* $(basename "$t" .sh)\$" "$SERIAL" || return 1
	done
	for m in $(records | sed 's/^seq=//; s/ kernel=.*//' | tr ' ' '\n' | sort -u); do
		[ "$MODDIR/$m.ko" -ot "$SERIAL" ] || return 1
	done
}

if fresh; then
	echo "compat: kernel verdicts from the last VM run ($SERIAL)"
else
	echo "compat: no VM run newer than the modules: booting $KVER for ${RECORDING[*]##*/}"
	rm -rf "$MODDIR/compat-tests"
	mkdir -p "$MODDIR/compat-tests"
	cp "${RECORDING[@]}" "$MODDIR/compat-tests/"
	"$TOP/tests/vm/run.sh" --tests "$MODDIR/compat-tests" "$KVER" "$MODDIR" \
		>"$MODDIR/compat-vm.log" 2>&1 || {
		cat "$MODDIR/compat-vm.log"
		echo "compat: the VM test failed: no kernel verdicts to compare"
		exit 1
	}
	fresh || { echo "compat: the VM run recorded no compat-case"; exit 1; }
fi

n=0
while IFS= read -r rec; do
	seq=${rec#seq=}
	seq=${seq%% kernel=*}
	kernel=${rec#* kernel=}
	last=${seq##* }
	files=()
	for m in $seq; do files+=("$MODDIR/$m.ko"); done
	out=$("$COMPAT" "${files[@]}" 2>&1)
	rc=$?
	if [ "$rc" = 0 ]; then
		offline=loads
	elif [ "$rc" = 1 ]; then
		# klpsv's line for the last module, and the tool says the last
		# step (and only it) was refused
		offline=$(printf '%s\n' "$out" | grep "^klpsv: $last: " | tail -n1)
		printf '%s\n' "$out" | grep '^klpsv-compat: step ' | tail -n1 |
			grep -q ' REFUSED' || offline="(the last step was not the refused one)"
		[ "$(printf '%s\n' "$out" | grep -c '^klpsv-compat: step .* REFUSED')" = 1 ] ||
			offline="(more than one step refused)"
	else
		offline="(exit $rc: $out)"
	fi
	n=$((n + 1))
	if [ "$kernel" = "$offline" ]; then
		verdict=same
	else
		verdict=DIFFERENT
		fail=1
	fi
	echo "case: $seq: kernel=\"$kernel\" offline=\"$offline\" $verdict"
	[ "$verdict" = same ] || printf '%s\n' "$out" | sed 's/^/    /'
done < <(records)
[ "$n" -gt 0 ] || { echo "compat: no case"; fail=1; }

# expect_exit CODE PATTERN FILE...: klpsv-compat exits CODE and prints PATTERN.
expect_exit() {
	local code=$1 pattern=$2 out rc
	shift 2
	out=$("$COMPAT" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$code" ] && printf '%s\n' "$out" | grep -q -- "$pattern"; then
		echo "offline only: ${*##*/}: exit $rc \"$(printf '%s\n' "$out" | grep -- "$pattern" | head -n1)\" ok"
	else
		echo "offline only: ${*##*/}: expected exit $code and \"$pattern\", got exit $rc:"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=1
	fi
}

P1=$MODDIR/klpsv_chain_p1.ko
FAKE=$TOP/build/compat-test
make -s -C "$HERE" >/dev/null || { echo "compat: cannot build tests/compat/fake.c"; exit 1; }
expect_exit 1 "^klpsv-compat: klpsv_fake: families but no klpsv callbacks wired: add .callbacks = KLPSV_CALLBACKS to the vmlinux klp_object$" \
	"$FAKE/klpsv_fake.ko"
expect_exit 0 "^klpsv-compat: step 1/1: klpsv_fake_wired .* loads" "$FAKE/klpsv_fake_wired.ko"
expect_exit 2 "built with an incompatible klpsv: its struct klpsv_family 'fake_family' has" \
	"$FAKE/klpsv_fake_abi.ko"
# the library's own refusals, on the objects and the patch read from a .ko
expect_exit 1 "^klpsv: klpsv_fake_modobj: klpsv's callbacks are on object 'fake_victim' but not on the vmlinux object: put .callbacks = KLPSV_CALLBACKS on the vmlinux object$" \
	"$FAKE/klpsv_fake_modobj.ko"
expect_exit 0 "^klpsv-compat: step 3/3: klpsv_fake_given .* loads, replacing klpsv_fake_wired$" \
	"$FAKE/klpsv_fake_given.ko" "$FAKE/klpsv_fake_wired.ko" "$FAKE/klpsv_fake_given.ko"
expect_exit 1 "^klpsv: klpsv_fake_hand: family 'tag' is declared with KLPSV_FAMILY() but not in the patch's families: add it to its struct klpsv_patch$" \
	"$FAKE/klpsv_fake_hand.ko"
expect_exit 2 "No such file" "$MODDIR/klpsv_no_such_module.ko"
expect_exit 2 "not an ELF file" "$TOP/README.md"
expect_exit 2 "not a kernel module" "$P1" "$TOP/build/compat/tool/kelf.o"
expect_exit 2 "not a klpsv module" "$P1" "$MODDIR/klpsv_chain_victim.ko"
for f1 in "$MODDIR"/tests/format1/*.ko; do
	[ -e "$f1" ] && expect_exit 2 "built with an incompatible klpsv" "$f1"
	break
done

echo "compat: $n cases replayed"
[ "$fail" = 0 ] || { echo "compat: FAILED"; exit 1; }
echo "compat: ok"
