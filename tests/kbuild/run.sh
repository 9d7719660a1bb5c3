#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A livepatch author's vendored copy of klpsv, built out of tree as the
# README says (`make kbuild-test`):
#
#  - `make vendor` refuses to run without DEST; with it, it copies the
#    files the README lists, and a module builds from that copy alone, in
#    both forms of klpsv.kbuild ($(KLPSV_OBJS) and klpsv_objs) and in the
#    single-file form (klpsv.c);
#  - the build follows the copy: replaced in place by an updated copy whose
#    files are older than the objects (mv keeps modification times), moved
#    to another directory, the module's whole tree moved: each time the
#    updated library and header are what the .ko files hold (a marker
#    string added to lib/census.c and include/klpsv.h);
#  - Kbuild's clean removes the generated klpsv-objs/<name>/klpsv.c.
#
#   tests/kbuild/run.sh KVER KDIR

set -euo pipefail

[ $# = 2 ] || { echo "usage: $0 KVER KDIR" >&2; exit 2; }
KVER=$1
KDIR=$2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ -d "$KDIR" ] || { echo "kbuild-test: no headers for $KVER in $KDIR: run 'make setup'" >&2; exit 1; }
T=$(mktemp -d /tmp/klpsv-kbuild.XXXXXX)
trap 'rm -rf "$T"' EXIT

fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# build DIR: build the module tree in DIR against KDIR, quietly.
build() {
	make -s -j"$(nproc)" -C "$KDIR" M="$1" modules >"$T/build.log" 2>&1 ||
		{ cat "$T/build.log"; bad "build of $1 failed"; return 1; }
}

# markers DIR: the markers each .ko holds, "lp_a=... lp_b=...".
markers() {
	local ko out=
	for ko in lp_a lp_b; do
		out="$out $ko=$(strings "$1/$ko.ko" | sed -n 's/^klpsv-kbuild-test: //p' |
			sort | tr '\n' ',')"
	done
	echo "${out# }"
}

# expect WHAT DIR WANT: both modules hold exactly the markers WANT.
expect() {
	local got
	got=$(markers "$2")
	if [ "$got" = "$3" ]; then
		ok "$1: $got"
	else
		bad "$1: the .ko files hold '$got', expected '$3' (an old copy of klpsv was built)"
	fi
}

# mark COPY N: an updated klpsv: its library and header carry marker N.
mark() {
	sed -i '/klpsv-kbuild-test/d' "$1/lib/census.c" "$1/include/klpsv.h"
	echo "static const char klpsv_kbuild_test_lib[] __used = \"klpsv-kbuild-test: lib $2\";" \
		>>"$1/lib/census.c"
	# After the include guard's #endif: the module's own file gets it.
	echo "#define KLPSV_KBUILD_TEST \"klpsv-kbuild-test: header $2\"" >>"$1/include/klpsv.h"
}

# --- make vendor -------------------------------------------------------
if out=$(make -s -C "$TOP" vendor 2>&1); then
	bad "make vendor without DEST succeeded"
else
	case $out in
	*"make vendor DEST=<dir>"*) ok "make vendor without DEST refuses: $(head -n1 <<<"$out")" ;;
	*) bad "make vendor without DEST: unexpected message: $out" ;;
	esac
fi
if make -s -C "$TOP" vendor DEST="$TOP/lib" >/dev/null 2>&1; then
	bad "make vendor DEST=<klpsv's lib/> succeeded"
else
	ok "make vendor refuses klpsv's own lib/ as DEST"
fi

M=$T/mod
mkdir -p "$M"
make -s -C "$TOP" vendor DEST="$M/klpsv"
want=$( (cd "$TOP" && ls include/*.h lib/*.[ch] klpsv.kbuild klpsv.c LICENSE) | sort)
got=$( (cd "$M/klpsv" && find . -type f | sed 's|^\./||') | sort)
if [ "$got" = "$want" ]; then
	ok "make vendor copied exactly include/*.h, lib/*.[ch], klpsv.kbuild, klpsv.c, LICENSE ($(wc -l <<<"$got") files)"
else
	bad "make vendor copied other files: $(diff <(echo "$want") <(echo "$got") | tr '\n' ' ')"
fi

# --- an out-of-tree livepatch module tree using the vendored copy -------
# lp_a links the library as the README's first form ($(KLPSV_OBJS)),
# lp_b as the second (one generated file per module, klpsv_objs).
cat >"$M/Kbuild" <<'KB'
KLPSV_DIR := klpsv
include $(src)/$(KLPSV_DIR)/klpsv.kbuild
obj-m += lp_a.o lp_b.o
lp_a-y := a.o $(KLPSV_OBJS)
lp_b-y := b.o $(call klpsv_objs,lp_b)
KB
for m in a b; do
	cat >"$M/$m.c" <<'C'
// SPDX-License-Identifier: GPL-2.0
#include <linux/livepatch.h>
#include <linux/module.h>

#include <klpsv.h>

struct conn_v1 {
	u32 packets;
};

KLPSV_FAMILY(conn, struct conn_v1,
	.name = "conn", .id = KLPSV_ID(4242, 1), .version = KLPSV_V(1),
	.layout = KLPSV_LAYOUT(struct conn_v1,
			       KLPSV_FIELD(struct conn_v1, packets)));

#ifdef KLPSV_KBUILD_TEST
static const char header_marker[] __used = KLPSV_KBUILD_TEST;
#endif

static struct klp_func no_funcs[] = { { } };
static struct klp_object objs[] = {
	{ .funcs = no_funcs, .callbacks = KLPSV_CALLBACKS, }, { }
};
static struct klp_patch patch = {
	.mod = THIS_MODULE, .objs = objs, .replace = true,
};
static struct klpsv_family *families[] = { &conn_family, NULL };
static struct klpsv_patch kpatch = { .patch = &patch, .families = families };

static int __init lp_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit lp_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(lp_init);
module_exit(lp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
C
done

build "$M" && expect "vendored copy builds (kernel $KVER)" "$M" "lp_a= lp_b="

# The single-file form, from a vendored copy: one .c file, which includes
# klpsv's header and, at its end, klpsv.c; no klpsv.kbuild, no -I.
S=$T/single
mkdir -p "$S"
make -s -C "$TOP" vendor DEST="$S/klpsv" >/dev/null
echo 'obj-m += lp_single.o' >"$S/Kbuild"
sed -e 's|^#include <klpsv.h>$|#include "klpsv/include/klpsv.h"|' "$M/a.c" >"$S/lp_single.c"
echo '#include "klpsv/klpsv.c"' >>"$S/lp_single.c"
# (nm's output taken whole: grep -q may close the pipe early.)
if build "$S" && [ -f "$S/lp_single.ko" ] &&
   grep -q ' klpsv_pre_patch$' <<<"$(nm "$S/lp_single.ko")"; then
	ok "single-file form builds from the vendored copy (klpsv/klpsv.c, no include path)"
else
	bad "single-file form: no lp_single.ko with klpsv_pre_patch"
fi

# Replaced in place by an updated copy made earlier: its files are older
# than the objects, and mv keeps their times.
U=$T/update
make -s -C "$TOP" vendor DEST="$U" >/dev/null
mark "$U" 1
find "$U" -exec touch -d '2000-01-01' {} +
rm -rf "$M/klpsv"
mv "$U" "$M/klpsv"
build "$M" && expect "copy replaced by an older-dated update" "$M" \
	"lp_a=header 1,lib 1, lp_b=header 1,lib 1,"

# Moved to another directory (KLPSV_DIR follows), and updated.
mkdir -p "$M/vendor"
mv "$M/klpsv" "$M/vendor/klpsv"
sed -i 's|^KLPSV_DIR := klpsv$|KLPSV_DIR := vendor/klpsv|' "$M/Kbuild"
mark "$M/vendor/klpsv" 2
build "$M" && expect "copy moved to vendor/klpsv and updated" "$M" \
	"lp_a=header 2,lib 2, lp_b=header 2,lib 2,"
grep -qF "$M/vendor/klpsv/klpsv.c" "$M/klpsv-objs/lp_b/klpsv.c" &&
	ok "klpsv-objs/lp_b/klpsv.c names the moved copy" ||
	bad "klpsv-objs/lp_b/klpsv.c does not name the moved copy: $(head -n2 "$M/klpsv-objs/lp_b/klpsv.c")"

# The module's whole tree copied elsewhere (the old one stays) and the
# new tree's klpsv updated.
cp -a "$M" "$T/mod2"
M=$T/mod2
mark "$M/vendor/klpsv" 3
build "$M" && expect "module tree copied and its klpsv updated" "$M" \
	"lp_a=header 3,lib 3, lp_b=header 3,lib 3,"

# Kbuild's clean.
make -s -C "$KDIR" M="$M" clean
left=$(cd "$M" && find . \( -name '*.o' -o -name '*.ko' -o -path './klpsv-objs*' \) | sort | tr '\n' ' ')
if [ -z "$left" ]; then
	ok "make -C <kernel> M=<dir> clean leaves no object and no klpsv-objs/"
else
	bad "clean left: $left"
fi

[ "$fail" = 0 ] && echo "kbuild-test: all passed (kernel $KVER)"
exit $fail
