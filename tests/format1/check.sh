#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# After a build: the format-1 modules hold the pinned commit's code and
# nothing of this tree's library, and this tree's modules nothing of the
# format-1 library (both have include/klpsv.h; ccflags-y is per directory).
#
#   tests/format1/check.sh TOP BUILD COMMIT TAR PATHS...
#
# TOP is the source tree, BUILD the per-kernel build directory, COMMIT
# the full id of the format-1 commit, TAR (relative to TOP) the archive of
# PATHS taken from it.

set -eu
TOP=$1
BUILD=$2
COMMIT=$3
TAR=$TOP/$4
shift 4
F1=$BUILD/tests/format1
fail() { echo "format1: $*" >&2; exit 1; }

# The extracted sources are the archive's, unmodified.
tar -dzf "$TAR" -C "$F1/klpsv" >/dev/null 2>&1 ||
	fail "$F1/klpsv differs from $TAR: delete it and build again"
# And the archive is the commit's, where this clone holds it.
if git -C "$TOP" rev-parse -q --verify "$COMMIT^{commit}" >/dev/null 2>&1; then
	git -C "$TOP" archive "$COMMIT" "$@" | tar -d -C "$F1/klpsv" >/dev/null 2>&1 ||
		fail "$TAR is not commit $COMMIT's $*"
fi

for ko in "$F1"/*.ko; do
	[ "$(modinfo -F klpsv_source "$ko")" = "$COMMIT" ] ||
		fail "$ko: modinfo klpsv_source is not $COMMIT"
done

# Every object's recorded dependencies: which library it was compiled with.
mixed=$(find "$F1" -name '.*.o.cmd' ! -name '*.mod.o.cmd' -exec \
	grep -l -e "$BUILD/include/" -e "$BUILD/lib/" {} + || true)
[ -z "$mixed" ] || fail "format-1 objects compiled with this tree's library: $mixed"
mixed=$(find "$BUILD" -path "$F1" -prune -o -name '.*.o.cmd' -exec \
	grep -l "$F1/klpsv/" {} + || true)
[ -z "$mixed" ] || fail "objects compiled with the format-1 library: $mixed"
echo "format1: $(ls "$F1"/*.ko | wc -l) modules built from $COMMIT, libraries kept apart"
