// SPDX-License-Identifier: GPL-2.0
/// Shadow variables attached to objects must all be freed when the patch
/// is really disabled.  A patch that frees an object's shadow data only
/// when the object goes away (a patched release or exit path) leaves the
/// data of every object still alive at disable time behind: a leak, and
/// stale data for the next patch that uses the same id.  Only
/// klp_shadow_free_all(id, dtor) reaches them; call it from the
/// post_unpatch callback, when the patch is really disabled (not replaced,
/// not a reverted transition).  klpsv does this itself for its families.
///
/// Reported: the first klp_shadow_alloc() or klp_shadow_get_or_alloc() of
/// an id on an object (obj not NULL) in a module in which no
/// klp_shadow_free_all() of that id is called at all (a free_all that is
/// only in module_exit() is reported by shadow_free_in_exit instead).  An
/// id is compared as written, after the #defines of the file; ids held in
/// variables or parameters (wrappers) are not judged.  The module is the
/// file, or the files scripts/coccicheck groups into one module.
//
// Confidence: Moderate (a free_all in a helper called through a pointer
// is seen; a free_all with the id in a variable is not)
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, klp_shadow_free_all, post_unpatch, leak, disable

#include "include/klpsv_scan.cocci"

virtual context
virtual org
virtual report

@initialize:python@
@@

# module -> set of ids (normalized) passed to klp_shadow_free_all()
freed_all = {}
# (module, id) -> sorted (file, line, column) of allocations on objects
allocs = {}


def id_key(path, idarg):
	"""A comparable form of a constant id, None for a variable."""
	e = idarg.strip()
	if not re.match(r"^(\(\s*)*([A-Z_][A-Z0-9_]*|0[xX][0-9a-fA-F]+|[0-9]+)", e):
		return None
	v = klpsv_id_value(path, e)
	if v is not None:
		return str(v)
	return re.sub(r"\s+", "", klpsv_expand(path, e))


def where(p):
	return (p[0].file, int(p[0].line), int(p[0].column))

@fa@
expression ID;
position p;
@@

klp_shadow_free_all@p(ID, ...)

@script:python@
ID << fa.ID;
p << fa.p;
@@

k = id_key(p[0].file, ID)
if k is not None:
	freed_all.setdefault(klpsv_module(p[0].file), set()).add(k)

@al@
expression O, ID;
identifier f = {klp_shadow_alloc, klp_shadow_get_or_alloc};
position p;
@@

f@p(O, ID, ...)

@script:python@
O << al.O;
ID << al.ID;
p << al.p;
@@

k = id_key(p[0].file, ID)
if k is None or O.strip() in ("NULL", "0", "(void *)0"):
	cocci.include_match(False)
else:
	key = (klpsv_module(p[0].file), k)
	allocs.setdefault(key, []).append(where(p))
	allocs[key].sort()

// Once the whole module is seen: the first allocation of each id that no
// klp_shadow_free_all() frees.
@script:python@
ID << al.ID;
p << al.p;
@@

mod = klpsv_module(p[0].file)
k = id_key(p[0].file, ID)
if k in freed_all.get(mod, set()) or allocs[(mod, k)][0] != where(p):
	cocci.include_match(False)

@depends on context@
identifier al.f;
position al.p;
@@

* f@p(...)

@script:python depends on org@
f << al.f;
ID << al.ID;
p << al.p;
@@

coccilib.org.print_todo(p[0], "shadow variables %s allocated per object but never freed with klp_shadow_free_all(): free them from post_unpatch on a real disable" % ID)

@script:python depends on report@
f << al.f;
ID << al.ID;
p << al.p;
@@

n = len(allocs[(klpsv_module(p[0].file), id_key(p[0].file, ID))]) - 1
more = " (and %d more allocation%s)" % (n, "s" if n > 1 else "") if n else ""
coccilib.report.print_report(p[0], "WARNING: shadow variables %s are allocated per object by %s()%s but nothing in this module calls klp_shadow_free_all(%s): on a real disable the data of every object still alive stays behind (a leak, and stale data for the next patch using the id); free them from post_unpatch when the patch is really disabled, not replaced or reverted" % (ID, f, more, ID))
