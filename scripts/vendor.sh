#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Copy what a livepatch module needs of klpsv into DEST, its vendored
# copy (`make vendor DEST=<dir>`):
#
#   include/*.h    the public header (and nothing else)
#   lib/*.[ch]     the library, compiled into the module
#   klpsv.kbuild   the Kbuild fragment that compiles it
#   klpsv.c        the library as one file, for the single-file form
#   LICENSE        GPL-2.0
#
# An existing copy in DEST is replaced: include/ and lib/ are emptied
# first, so files a newer klpsv dropped do not linger.  Nothing else in
# DEST is touched.  The module's Kbuild then says
#	KLPSV_DIR := <DEST relative to the Kbuild>
#	include $(src)/$(KLPSV_DIR)/klpsv.kbuild
# or, in the single-file form, its one patched source file includes
# <DEST>/include/klpsv.h and, at its end, <DEST>/klpsv.c.
#
#   scripts/vendor.sh DEST

set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ $# != 1 ] || [ -z "$1" ]; then
	echo "make vendor: say where to copy klpsv: make vendor DEST=<dir> (for example DEST=../livepatch-foo/klpsv)" >&2
	exit 2
fi
mkdir -p "$1"
DEST=$(cd "$1" && pwd)
case $DEST/ in
"$TOP"/ | "$TOP"/include/* | "$TOP"/lib/*)
	echo "make vendor: DEST=$1 is klpsv's own tree or sources ($DEST): give a directory of the livepatch module's tree" >&2
	exit 2 ;;
esac

rm -rf "$DEST/include" "$DEST/lib"
mkdir -p "$DEST/include" "$DEST/lib"
cd "$TOP"
cp include/*.h "$DEST/include/"
cp lib/*.[ch] "$DEST/lib/"
cp klpsv.kbuild klpsv.c LICENSE "$DEST/"
n=$(find "$DEST/include" "$DEST/lib" -type f | wc -l)
echo "make vendor: klpsv copied into $DEST ($n files in include/ and lib/, klpsv.kbuild, klpsv.c, LICENSE)"
