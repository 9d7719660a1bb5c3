#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the semantic patches in semantic-patches/ and of scripts/coccicheck.
#
#   tests/cocci/run.sh [--regen] [RULE...]
#
# tests/cocci/<rule>/ holds, for semantic-patches/<rule>.cocci:
#   pos-*.c          code the rule must report (at least 2 files)
#   neg-*.c          near misses it must not report (at least 2 files)
#   expected.report  the exact report-mode output, sorted, paths relative
#   expected.patch   the exact patch-mode output (rules with a patch mode),
#                    made with --patch <fixture dir> so that its headers read a/FILE and
#                    b/FILE (any /tmp/cocci-output-* name is normalized too)
#
# For every rule: the rule parses; the report output equals expected.report,
# names every pos-* file and no neg-* file; the org and context outputs mark
# the same places; and, when the rule has a patch mode, the patch equals
# expected.patch, touches only pos-* files, applies, and running the rule
# again on the patched files proposes nothing more.  Then scripts/coccicheck
# is checked end to end (findings, exit codes 0/1/2, one-line errors).
#
# Prints one "ok N - ..." / "not ok N - ..." line per check (TAP/KTAP style)
# and ends with "P passed, F failed"; exits 1 if anything failed.
#
# --regen rewrites expected.report and expected.patch from the current
# output (review the diff before committing it).

set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
rules_dir=$top/semantic-patches
coccicheck=$top/scripts/coccicheck
SPATCH=${SPATCH:-spatch}
COCCI_PYTHON=${COCCI_PYTHON-/usr/bin/python3}
pyopt=()
[ -n "$COCCI_PYTHON" ] && [ -x "$COCCI_PYTHON" ] && pyopt=(--python "$COCCI_PYTHON")
export LC_ALL=C

regen=
only=()
for a in "$@"; do
	case $a in
	--regen) regen=1 ;;
	-*) echo "usage: tests/cocci/run.sh [--regen] [RULE...]" >&2; exit 2 ;;
	*) only+=("$(basename "$a" .cocci)") ;;
	esac
done

n=0
passed=0
failed=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"

ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/# /'
	done
}

finish() {
	echo "1..$n"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

if ! command -v "$SPATCH" >/dev/null 2>&1; then
	not_ok "spatch is installed" "install Coccinelle (Debian: apt-get install coccinelle)"
	finish
fi

# Report lines sorted by file, line and column.
sort_report() {
	sort -t: -k1,1 -k2,2n -k3,3n
}

# Temporary file names spatch may print in diff headers.
normalize_patch() {
	sed -E 's#^\+\+\+ /tmp/cocci-output-[0-9]+-[0-9a-f]+-(.*)$#+++ b/\1#'
}

# run_spatch RULE MODE OUT [spatch args...]: on every *.c file of the
# current directory, one file per group, in sorted order.  spatch runs in
# the rules directory (where it finds the rules' #include files) on
# absolute paths; the paths it prints are made relative again.
run_spatch() {
	local rule=$1 mode=$2 out=$3
	shift 3
	local opts here_re
	# shellcheck disable=SC2207
	opts=($(sed -n 's|^// Options:||p' "$rule" | head -n1))
	compgen -G '*.c' | sort | sed -e "s|^|$PWD/|" -e '$!G' >"$tmp/groups"
	here_re=$(printf '%s/' "$PWD" | sed 's/[][\\.*^$|]/\\&/g')
	(cd "$rules_dir" && "$SPATCH" "${pyopt[@]}" --very-quiet -D "$mode" --sp-file "$rule" \
		"${opts[@]}" --file-groups "$tmp/groups" "$@") >"$out.abs" 2>"$tmp/spatch.err"
	local rc=$?
	sed -e "s|^$here_re||" -e "s|view:$here_re|view:|" \
		-e "s#^\(---\|+++\) $here_re#\1 #" "$out.abs" >"$out"
	return $rc
}

# Files named in report lines / diff headers / org items.
files_of_report() { cut -d: -f1 "$1" | sort -u; }
files_of_diff() { sed -n 's#^--- \(a/\)\{0,1\}##p' "$1" | sort -u; }
places_of_report() { cut -d: -f1,2 "$1" | sort -u; }
places_of_org() {
	sed -n 's/^\* TODO \[\[view:\([^:]*\)::face=[^:]*::linb=\([0-9]*\)::.*/\1:\2/p' "$1" | sort -u
}

check_rule() {
	local name=$1 rule=$rules_dir/$1.cocci dir=$here/$1
	local pos neg f has_patch=

	cd "$dir" || { not_ok "$name: fixtures" "no directory $dir"; return; }
	grep -q 'depends on patch' "$rule" && has_patch=1

	# Parse, and enough fixtures of both kinds.
	if (cd "$rules_dir" && "$SPATCH" --parse-cocci "$rule" -D report) >/dev/null 2>"$tmp/parse.err"; then
		ok "$name: parses"
	else
		not_ok "$name: parses" "$(tail -n 5 "$tmp/parse.err")"
		return
	fi
	pos=$(compgen -G 'pos-*.c' | sort)
	neg=$(compgen -G 'neg-*.c' | sort)
	if [ "$(printf '%s\n' "$pos" | grep -c .)" -ge 2 ] &&
		[ "$(printf '%s\n' "$neg" | grep -c .)" -ge 2 ]; then
		ok "$name: has >= 2 positive and >= 2 negative fixtures"
	else
		not_ok "$name: has >= 2 positive and >= 2 negative fixtures" \
			"positive: ${pos//$'\n'/ }" "negative: ${neg//$'\n'/ }"
	fi

	# report
	if ! run_spatch "$rule" report "$tmp/report.raw"; then
		not_ok "$name: report" "spatch failed:" "$(tail -n 5 "$tmp/spatch.err")"
		return
	fi
	sort_report <"$tmp/report.raw" >"$tmp/report"
	[ -n "$regen" ] && cp "$tmp/report" expected.report
	local why=()
	if ! cmp -s expected.report "$tmp/report"; then
		why+=("output differs from expected.report:" \
			"$(diff -u expected.report "$tmp/report" 2>&1 | tail -n +3)")
	fi
	for f in $pos; do
		files_of_report "$tmp/report" | grep -qxF "$f" ||
			why+=("positive $f is not reported")
	done
	for f in $neg; do
		files_of_report "$tmp/report" | grep -qxF "$f" &&
			why+=("negative $f is reported")
	done
	if [ ${#why[@]} -eq 0 ]; then
		ok "$name: report"
	else
		not_ok "$name: report" "${why[@]}"
	fi

	# org: the same places as the report
	if run_spatch "$rule" org "$tmp/org" &&
		[ "$(places_of_org "$tmp/org")" = "$(places_of_report "$tmp/report")" ]; then
		ok "$name: org"
	else
		not_ok "$name: org" "org items do not mark the reported places:" \
			"$(diff <(places_of_report "$tmp/report") <(places_of_org "$tmp/org"))" \
			"$(tail -n 5 "$tmp/spatch.err")"
	fi

	# context: a marked diff for exactly the reported files
	if run_spatch "$rule" context "$tmp/context" --patch "$PWD" &&
		[ "$(files_of_diff "$tmp/context")" = "$(files_of_report "$tmp/report")" ]; then
		ok "$name: context"
	else
		not_ok "$name: context" "context output does not cover the reported files:" \
			"$(diff <(files_of_report "$tmp/report") <(files_of_diff "$tmp/context"))" \
			"$(tail -n 5 "$tmp/spatch.err")"
	fi

	# patch
	if [ -z "$has_patch" ]; then
		if [ -e expected.patch ]; then
			not_ok "$name: patch" "expected.patch exists but the rule has no patch mode"
		fi
		return
	fi
	if ! run_spatch "$rule" patch "$tmp/patch.raw" --patch "$PWD"; then
		not_ok "$name: patch" "spatch failed:" "$(tail -n 5 "$tmp/spatch.err")"
		return
	fi
	normalize_patch <"$tmp/patch.raw" >"$tmp/patch"
	[ -n "$regen" ] && cp "$tmp/patch" expected.patch
	why=()
	if ! cmp -s expected.patch "$tmp/patch"; then
		why+=("output differs from expected.patch:" \
			"$(diff -u expected.patch "$tmp/patch" 2>&1 | tail -n +3)")
	fi
	[ -s "$tmp/patch" ] || why+=("no patch proposed")
	for f in $(files_of_diff "$tmp/patch"); do
		case $f in pos-*) ;; *) why+=("the patch touches $f") ;; esac
	done
	if [ ${#why[@]} -eq 0 ]; then
		ok "$name: patch"
	else
		not_ok "$name: patch" "${why[@]}"
	fi

	# the fix is complete: applied, the rule proposes nothing more
	rm -rf "$tmp/applied" && mkdir "$tmp/applied" && cp -- *.c "$tmp/applied/"
	if ! (cd "$tmp/applied" && patch -s -p1 <"$tmp/patch" >"$tmp/apply.err" 2>&1); then
		not_ok "$name: patch applies and is complete" "$(cat "$tmp/apply.err")"
		return
	fi
	if (cd "$tmp/applied" && run_spatch "$rule" patch "$tmp/patch2" --patch "$PWD") &&
		[ ! -s "$tmp/patch2" ]; then
		ok "$name: patch applies and is complete"
	else
		not_ok "$name: patch applies and is complete" \
			"after the patch, the rule still proposes:" "$(cat "$tmp/patch2")"
	fi
}

# Every rule has tests, every test directory a rule.
rules=()
for r in "$rules_dir"/*.cocci; do
	rules+=("$(basename "$r" .cocci)")
done
for d in "$here"/*/; do
	d=$(basename "$d")
	case $d in modules | real) continue ;; esac
	[ -e "$rules_dir/$d.cocci" ] ||
		not_ok "tests/cocci/$d has a rule" "no semantic-patches/$d.cocci"
done

for name in "${rules[@]}"; do
	if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qxF "$name"; then
		continue
	fi
	if [ ! -d "$here/$name" ]; then
		not_ok "$name: has tests" "no directory tests/cocci/$name"
		continue
	fi
	(
		# in a subshell: each rule's checks cd into its directory
		check_rule "$name"
		echo "$n $passed $failed" >"$tmp/counts"
	)
	read -r n passed failed <"$tmp/counts"
done

[ ${#only[@]} -gt 0 ] && finish

# scripts/coccicheck, end to end, on the fixtures: each rule alone (the
# fixtures of one rule may well hold findings of another) on its fixture
# files (named one by one: no file joins another's module).
cd "$top" || exit 2
why=()
for name in "${rules[@]}"; do
	mkdir -p "$tmp/rules-$name"
	ln -sf "$rules_dir/$name.cocci" "$rules_dir/include" "$tmp/rules-$name/"
	sed "s#^#tests/cocci/$name/#" "tests/cocci/$name/expected.report" |
		sort_report >"$tmp/one.expected"
	COCCICHECK_RULES=$tmp/rules-$name "$coccicheck" tests/cocci/"$name"/*.c \
		>"$tmp/one.out" 2>"$tmp/one.err"
	rc=$?
	if [ $rc -ne 1 ] || ! cmp -s "$tmp/one.expected" "$tmp/one.out"; then
		why+=("$name: exit $rc" "$(diff -u "$tmp/one.expected" "$tmp/one.out" | tail -n +3)" \
			"$(cat "$tmp/one.err")")
	fi
done
if [ ${#why[@]} -eq 0 ]; then
	ok "coccicheck: each rule reports its fixtures' findings, and nothing on its negative fixtures, exit 1"
else
	not_ok "coccicheck: each rule reports its fixtures' findings, and nothing on its negative fixtures, exit 1" "${why[@]}"
fi

# Whole modules (tests/cocci/modules/<case>/) and the real-world corpus
# (tests/cocci/real/): every rule, the directory as coccicheck groups it,
# against the case's expected.report (stderr, the parse failures, against
# expected.stderr when there is one).
for d in tests/cocci/modules/*/ tests/cocci/real/; do
	[ -d "$d" ] || continue
	d=${d%/}
	"$coccicheck" "$d" >"$tmp/mod.out" 2>"$tmp/mod.err"
	rc=$?
	grep -v '^coccicheck: .*parsed\|cannot parse' "$tmp/mod.err" >"$tmp/mod.err2"
	if [ -n "$regen" ]; then
		cp "$tmp/mod.out" "$d/expected.report"
		grep 'cannot parse\|could not be parsed' "$tmp/mod.err" >"$d/expected.stderr" || rm -f "$d/expected.stderr"
	fi
	why=()
	cmp -s "$d/expected.report" "$tmp/mod.out" ||
		why+=("output differs from $d/expected.report:" "$(diff -u "$d/expected.report" "$tmp/mod.out" | tail -n +3)")
	if [ -e "$d/expected.stderr" ]; then
		grep 'cannot parse\|could not be parsed' "$tmp/mod.err" | cmp -s "$d/expected.stderr" - ||
			why+=("parse failures differ from $d/expected.stderr:" "$(cat "$tmp/mod.err")")
	fi
	[ -s "$tmp/mod.err2" ] && why+=("stderr:" "$(cat "$tmp/mod.err2")")
	want=0
	[ -s "$d/expected.report" ] && want=1
	[ $rc -eq $want ] || why+=("exit $rc, not $want")
	if [ ${#why[@]} -eq 0 ]; then
		ok "coccicheck $d: $(grep -c . "$d/expected.report") expected findings"
	else
		not_ok "coccicheck $d: expected findings" "${why[@]}"
	fi
done

STRICT=1 "$coccicheck" tests/cocci/modules/parse-failures >/dev/null 2>"$tmp/strict.err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'STRICT=1' "$tmp/strict.err"; then
	ok "coccicheck: STRICT=1 makes parse failures an error, exit 2"
else
	not_ok "coccicheck: STRICT=1 makes parse failures an error, exit 2" "exit $rc" "$(cat "$tmp/strict.err")"
fi

for m in patch context org; do
	"$coccicheck" --mode $m tests/cocci >"$tmp/m.out" 2>"$tmp/m.err"
	rc=$?
	if [ $rc -eq 1 ] && [ -s "$tmp/m.out" ]; then
		ok "coccicheck --mode $m: output, exit 1"
	else
		not_ok "coccicheck --mode $m: output, exit 1" "exit $rc" "$(cat "$tmp/m.err")"
	fi
done

# The default directories (lib, include, samples) of this repository.
"$coccicheck" >"$tmp/def.out" 2>&1
rc=$?
if [ $rc -le 1 ]; then
	ok "coccicheck: runs on the repository's default directories (exit $rc)"
else
	not_ok "coccicheck: runs on the repository's default directories" "exit $rc" "$(cat "$tmp/def.out")"
fi

# Exit 2 with one line: spatch missing, a rule that does not parse.
check_exit2() {
	local what=$1
	shift
	"$@" >"$tmp/e2.out" 2>"$tmp/e2.err"
	local rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$tmp/e2.out" ] && [ "$(wc -l <"$tmp/e2.err")" -eq 1 ]; then
		ok "coccicheck: $what: exit 2, one line"
	else
		not_ok "coccicheck: $what: exit 2, one line" "exit $rc" "$(cat "$tmp/e2.out" "$tmp/e2.err")"
	fi
}
check_exit2 "spatch missing" env SPATCH=/nonexistent/spatch "$coccicheck" tests/cocci
mkdir -p "$tmp/badrules"
cp "$rules_dir"/*.cocci "$tmp/badrules/"
printf 'virtual report\n@r@\nexpression E\n@@\nE(\n' >"$tmp/badrules/broken.cocci"
check_exit2 "rule does not parse" env COCCICHECK_RULES="$tmp/badrules" "$coccicheck" tests/cocci
check_exit2 "unknown mode" "$coccicheck" --mode fix tests/cocci
check_exit2 "missing directory" "$coccicheck" tests/cocci/no-such-dir

finish
