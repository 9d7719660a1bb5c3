#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every guest test in /tests/t in order and print KTAP.
# A test exits 0 (pass), 4 (skip, as in kselftest) or anything else (fail).

set -- /tests/t/*.sh
[ -e "$1" ] || set --
echo "TAP version 13"
echo "1..$#"
i=0
for t in "$@"; do
	i=$((i + 1))
	name=$(basename "$t" .sh)
	sh "$t" >/tmp/out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/out
	case $rc in
	0) echo "ok $i $name" ;;
	4) echo "ok $i $name # SKIP" ;;
	*) echo "not ok $i $name" ;;
	esac
done
