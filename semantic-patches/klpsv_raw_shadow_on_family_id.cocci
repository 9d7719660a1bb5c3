// SPDX-License-Identifier: GPL-2.0
/// klpsv owns the shadow ids of its families: every instance starts with a
/// klpsv header (index link, object, version, flags, generation), and its
/// shadow id carries the family's layout epoch in its low bits.  A raw
/// klp_shadow_*() call on such an id reads the header as data, misses the
/// instances of the current epoch, or allocates and frees behind klpsv's
/// index (leaks, double frees, a corrupted index).  Use the accessors
/// KLPSV_FAMILY() generates: prefix_get(), prefix_get_or_alloc(),
/// prefix_put(), prefix_free() (klpsv_get(&family, obj) and friends for a
/// family declared as a plain struct klpsv_family).
///
/// Reported: klp_shadow_get(), klp_shadow_alloc(),
/// klp_shadow_get_or_alloc(), klp_shadow_free() or klp_shadow_free_all()
/// whose id argument is (or contains, or is a #define of this file that
/// expands to) the .id of a family declared in this file, with
/// KLPSV_FAMILY(prefix, type, .id = X, ...) or a struct klpsv_family
/// initializer, or a family's .id member (stats_family.id, family->id):
/// an ERROR; or any other KLPSV_ID() expression: a WARNING (klpsv reserves
/// those ids for families; the family may be declared in another file).
/// KLPSV_ID(0, n) is not reported: namespace 0 is klpsv's own, and
/// klpsv_enable_patch() refuses a family in it, so no family's instances
/// can be under such an id.
//
// Confidence: High
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, klpsv, KLPSV_FAMILY, KLPSV_ID, klp_shadow_get

#include "include/klpsv_scan.cocci"

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@

import re



def _norm(s):
    return re.sub(r"\s+", "", s)


def _pretty(s):
    """An expression as spatch prints it (KLPSV_ID ( 7 , 1 )), compacted."""
    s = re.sub(r"(\w)\s+\(", r"\1(", s)
    s = re.sub(r"\(\s+", "(", s)
    return re.sub(r"\s+([),])", r"\1", s)


# file -> [(variable, .id expression)] of its struct klpsv_family initializers
klpsv_struct_families = {}

# (file, line, col) -> message of each finding
klpsv_raw_msgs = {}


def _klpsv_fix(f, get, goa, put, free):
    if f == "klp_shadow_get":
        return "use %s and %s" % (get, put)
    if f in ("klp_shadow_alloc", "klp_shadow_get_or_alloc"):
        return "use %s and %s" % (goa, put)
    if f == "klp_shadow_free":
        return "use %s" % free
    return ("klpsv frees the family's instances itself when the patch is "
            "really disabled (in klpsv_post_unpatch()); free one object's "
            "instance with %s" % free)


def klpsv_family_space(expr):
    """Whether expr holds a KLPSV_ID() a family may use: any namespace but
    0, which klpsv keeps for itself (klpsv_enable_patch() refuses a family
    in it, so no family's instances can be under such an id)."""
    for m in re.finditer(r"\bKLPSV_ID\s*\(", expr):
        args = _klpsv_args(expr, m.end() - 1)
        if not args or not re.match(r"^[(\s]*0[uUlL]*[)\s]*$", args[0]):
            return True
    return False


def klpsv_raw_finding(f, idarg, pos):
    """The message for a raw call on a klpsv id, or None."""
    path = pos.file
    families = [(p + "_family", idx, "klpsv family %s (KLPSV_FAMILY)" % p,
                 _klpsv_fix(f, p + "_get(obj)", p + "_get_or_alloc(obj, gfp, arg)",
                            p + "_put(data)", p + "_free(obj)"))
                for p, idx in sorted(klpsv_families(path).items())]
    families += [(v, idx, "klpsv family %s (struct klpsv_family)" % v,
                  _klpsv_fix(f, "klpsv_get(&%s, obj)" % v,
                             "klpsv_get_or_alloc(&%s, obj, gfp, arg)" % v,
                             "klpsv_put(&%s, data)" % v,
                             "klpsv_free(&%s, obj)" % v))
                 for v, idx in klpsv_struct_families.get(path, [])]
    raw = _norm(idarg)
    full = _norm(klpsv_expand(path, idarg))
    for var, idx, what, fix in families:
        hit = re.search(r"\b%s\s*(\.|->)\s*id\b" % re.escape(var), idarg)
        if idx is not None:
            n = re.escape(_norm(idx))
            hit = (hit or re.search(r"(?<!\w)%s(?!\w)" % n, raw) or
                   re.search(r"(?<!\w)%s(?!\w)" % n, full))
        if hit:
            return ("ERROR: %s() on %s, the id of %s: klpsv owns this id "
                    "(its instances start with a klpsv header and their "
                    "shadow id carries the layout epoch), so a raw "
                    "klp_shadow_*() call reads the header as data, misses "
                    "instances or corrupts klpsv's index; %s" %
                    (f, _pretty(idarg), what, fix))
    if klpsv_family_space(full):
        return ("WARNING: %s() on %s, a KLPSV_ID() id: klpsv reserves those "
                "ids for its families (a header before the data, the layout "
                "epoch in the id), so a raw klp_shadow_*() call on one reads "
                "or corrupts a family's instances; declare the data with "
                "KLPSV_FAMILY() and use the accessors it generates "
                "(prefix_get(), prefix_get_or_alloc(), prefix_put(), "
                "prefix_free()), or give a raw shadow variable an id that is "
                "not a KLPSV_ID()" % (f, _pretty(idarg)))
    return None


def klpsv_ptr_finding(f, F):
    return ("ERROR: %s() on %s->id, the id of a klpsv family: klpsv owns "
            "this id (its instances start with a klpsv header and their "
            "shadow id carries the layout epoch), so a raw klp_shadow_*() "
            "call reads the header as data, misses instances or corrupts "
            "klpsv's index; %s" %
            (f, F, _klpsv_fix(f, "klpsv_get(%s, obj)" % F,
                              "klpsv_get_or_alloc(%s, obj, gfp, arg)" % F,
                              "klpsv_put(%s, data)" % F,
                              "klpsv_free(%s, obj)" % F)))

// Families declared as plain struct klpsv_family initializers.
@fam_struct@
identifier fam;
expression X;
position p;
@@

struct klpsv_family fam@p = { ..., .id = X, ... };

@script:python@
fam << fam_struct.fam;
X << fam_struct.X;
p << fam_struct.p;
@@

klpsv_struct_families.setdefault(p[0].file, []).append((fam, X))

// Every raw call; the script keeps those on a klpsv id.
@raw@
identifier f = {klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc,
                klp_shadow_free, klp_shadow_free_all};
expression A, B;
position p;
@@

f@p(A, B, ...)

@script:python@
f << raw.f;
A << raw.A;
B << raw.B;
p << raw.p;
@@

msg = klpsv_raw_finding(f, A if f == "klp_shadow_free_all" else B, p[0])
if msg is None:
	cocci.include_match(False)
else:
	klpsv_raw_msgs[(p[0].file, p[0].line, p[0].column)] = msg

// The id member of a struct klpsv_family pointer (family->id).
@viaptr@
identifier f = {klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc,
                klp_shadow_free, klp_shadow_free_all};
struct klpsv_family *F;
position p != raw.p;
@@

f@p(..., <+... F->id ...+>, ...)

@depends on context@
identifier raw.f;
position raw.p;
@@

* f@p(...)

@depends on context@
identifier viaptr.f;
position viaptr.p;
@@

* f@p(...)

@script:python depends on org@
f << raw.f;
p << raw.p;
@@

coccilib.org.print_todo(p[0], "%s() on a klpsv id: use the family's accessors (prefix_get/_get_or_alloc/_put/_free)" % f)

@script:python depends on org@
f << viaptr.f;
F << viaptr.F;
p << viaptr.p;
@@

coccilib.org.print_todo(p[0], "%s() on %s->id, a klpsv family's id: use klpsv_get()/klpsv_get_or_alloc()/klpsv_put()/klpsv_free()" % (f, F))

@script:python depends on report@
p << raw.p;
@@

coccilib.report.print_report(p[0], klpsv_raw_msgs[(p[0].file, p[0].line, p[0].column)])

@script:python depends on report@
f << viaptr.f;
F << viaptr.F;
p << viaptr.p;
@@

coccilib.report.print_report(p[0], klpsv_ptr_finding(f, F))
