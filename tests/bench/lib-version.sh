# SPDX-License-Identifier: GPL-2.0
# Sourced by run.sh and run-unit.sh.

# The library measured: the last commit touching it, and whether the tree
# differs from it (read-only git: no index refresh; "unknown" outside a
# git checkout).
lib_version() {
	local top=$1 c
	c=$(git -C "$top" log -1 --format=%h -- lib include 2>/dev/null) || c=
	[ -n "$c" ] || { echo unknown; return; }
	git -C "$top" -c diff.autoRefreshIndex=false diff --quiet HEAD -- lib include \
		2>/dev/null || c="$c+local-changes"
	echo "$c"
}
