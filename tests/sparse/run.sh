#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each file here misuses klpsv in one way that an annotation must catch.
# Each is built as a module against a kernel's headers, with sparse
# (C=1 CF=-Wsparse-error) and -Werror, and must FAIL with the message its
# "// expect:" line names.  Proves the annotations in include/ and lib/
# catch what they claim to.
#
#   tests/sparse/run.sh KVER BUILDDIR

set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
KVER=$1
OUT=$2/sparse-tests
KDIR=/lib/modules/$KVER/build
pass=0
fail=0

[ -d "$KDIR" ] || { echo "sparse-tests: no headers for $KVER: run 'make setup'" >&2; exit 2; }
command -v sparse >/dev/null || { echo "sparse-tests: sparse not found: run 'make setup'" >&2; exit 2; }

for src in "$HERE"/*.c; do
	name=$(basename "$src" .c)
	expect=$(sed -n 's|^// expect: ||p' "$src")
	dir=$OUT/$name
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$src" "$dir/"
	cat >"$dir/Kbuild" <<EOK
obj-m := $name.o
ccflags-y := -I$TOP/include -I$TOP/lib
EOK
	if out=$(LANG=C LC_ALL=C make -C "$KDIR" M="$dir" C=1 CF=-Wsparse-error \
		 KCFLAGS=-Werror W=1 modules 2>&1); then
		echo "not ok - $name: built cleanly, expected: $expect"
		fail=$((fail + 1))
	elif grep -qF -- "$expect" <<<"$out"; then
		echo "ok - $name: $(grep -F -- "$expect" <<<"$out" | head -n1 | sed 's|.*/||')"
		pass=$((pass + 1))
	else
		echo "not ok - $name: failed, but without '$expect':"
		sed 's/^/    /' <<<"$out" | grep -v '^    make' | tail -8
		fail=$((fail + 1))
	fi
done
echo "sparse-tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
