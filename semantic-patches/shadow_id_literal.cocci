// SPDX-License-Identifier: GPL-2.0
/// A shadow id must not be a small plain number.  klp_shadow_*() keys
/// every shadow variable by <obj, id> in one global table shared by every
/// livepatch of every vendor: ids 0, 1, 2 or 10 are what everybody picks,
/// and two patches (or a patch and a later one of another author) that
/// pick the same id on the same object read each other's data as their
/// own, or WARN "already exists" and lose an allocation.  Build ids from a
/// namespace: KLPSV_ID(ns, n), or a vendor's macro such as SUSE's
/// KLP_SHADOW_ID(bug, n) = (bug << 6) | n.
///
/// Reported: the id argument of klp_shadow_get(), klp_shadow_alloc(),
/// klp_shadow_get_or_alloc(), klp_shadow_free() or klp_shadow_free_all()
/// when it is an integer literal below 1024, or a #define or an enum
/// constant of the file whose value is one.  One finding per id and file,
/// at its first use; the message counts the others.
//
// Confidence: Moderate (a number of the file is seen; one from a header
// is not)
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, id, namespace, collision

#include "include/klpsv_scan.cocci"

virtual context
virtual org
virtual report

@initialize:python@
@@

SMALL = 1024
# (file, id value) -> sorted positions (line, column) of its uses
uses = {}


def small_id(path, idarg):
	v = klpsv_id_value(path, idarg)
	return v if v is not None and v < SMALL else None


def first_use(p, idarg):
	v = small_id(p[0].file, idarg)
	if v is None:
		return False
	k = (p[0].file, v)
	return uses.get(k) and uses[k][0] == (int(p[0].line), int(p[0].column))


def called(p):
	"""The name of the function called at p."""
	try:
		with open(p[0].file, errors="replace") as fh:
			line = fh.read().split("\n")[int(p[0].line) - 1]
	except (OSError, IndexError):
		return "klp_shadow_*"
	m = re.match(r"\w+", line[int(p[0].column):])
	return m.group(0) if m else "klp_shadow_*"


def id_message(p, idarg):
	v = small_id(p[0].file, idarg)
	n = len(uses[(p[0].file, v)]) - 1
	more = " (and %d more use%s in this file)" % (n, "s" if n > 1 else "") if n else ""
	spelled = "" if idarg.strip() == str(v) else " = %d" % v
	return spelled, more, v

@call@
expression O, ID;
position p;
@@

(
klp_shadow_get@p(O, ID)
|
klp_shadow_alloc@p(O, ID, ...)
|
klp_shadow_get_or_alloc@p(O, ID, ...)
|
klp_shadow_free@p(O, ID, ...)
|
klp_shadow_free_all@p(ID, ...)
)

@script:python@
ID << call.ID;
p << call.p;
@@

v = small_id(p[0].file, ID)
if v is None:
	cocci.include_match(False)
else:
	uses.setdefault((p[0].file, v), []).append((int(p[0].line), int(p[0].column)))
	uses[(p[0].file, v)].sort()

// Once every use is known, keep the first use of each small id of a file.
@script:python@
ID << call.ID;
p << call.p;
@@

if not first_use(p, ID):
	cocci.include_match(False)

@depends on context@
position call.p;
identifier f;
@@

* f@p(...)

@script:python depends on org@
ID << call.ID;
p << call.p;
@@

spelled, more, v = id_message(p, ID)
coccilib.org.print_todo(p[0], "shadow id %s%s of %s() is a small number in the global id space%s: use KLPSV_ID(ns, n) or a namespaced macro" % (ID, spelled, called(p), more))

@script:python depends on report@
ID << call.ID;
p << call.p;
@@

spelled, more, v = id_message(p, ID)
coccilib.report.print_report(p[0], "WARNING: shadow id %s%s passed to %s() is a small plain number in the one id space every livepatch shares%s: another patch using %d on the same object reads this data as its own or fails to allocate; build the id from a namespace, KLPSV_ID(ns, n) or a vendor macro such as KLP_SHADOW_ID(bug, n)" % (ID, spelled, called(p), more, v))
