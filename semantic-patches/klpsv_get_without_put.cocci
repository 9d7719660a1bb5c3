// SPDX-License-Identifier: GPL-2.0
/// Every successful klpsv_get() or klpsv_get_or_alloc() (and the
/// prefix_get() / prefix_get_or_alloc() accessors of a KLPSV_FAMILY()) must
/// be paired with klpsv_put() (prefix_put()) of the pointer it returned.
/// The put advances the instance's generation, which is how a newer patch
/// running at the same time as old code during a transition learns of the
/// change, and it writes a newer patch's changes through to the older
/// instance that old code still reads: without it, updates are lost.
///
/// Reported: a get whose result, stored in a variable, may be non-NULL on
/// some path that reaches a return, or the end of the function, without
/// the matching put.  Paths through a branch where a test proves the
/// pointer NULL do not count: "if (!p)", "if (p == NULL)",
/// "if (unlikely(!p))", "if (WARN_ON(!p))", the else branch of "if (p)",
/// "!p && c" true, "p || c" false.  A branch that does not prove it
/// ("!p || c" true, "p && c" false) counts.  A pointer that is returned,
/// stored elsewhere or passed to a function (other than memset(),
/// memcpy() and the like) is handed over and not followed.
//
// Confidence: Moderate
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, klpsv, klpsv_get, klpsv_put, generation, transition

#include "include/klpsv_scan.cocci"

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@

import re



def klpsv_put_of(g, pos):
    """The put that matches the get g, or None if g is not a klpsv get."""
    if g in ("klpsv_get", "klpsv_get_or_alloc"):
        return "klpsv_put"
    for suffix in ("_get_or_alloc", "_get"):
        if g.endswith(suffix):
            prefix = g[:-len(suffix)]
            if prefix in klpsv_families(pos.file):
                return prefix + "_put"
    return None


def klpsv_get_msg(x, g, line, put, fam):
    if put == "klpsv_put":
        fam = re.sub(r"([&*(])\s+", r"\1", fam)
        call = "klpsv_put(%s, %s)" % (re.sub(r"\s+([),])", r"\1", fam), x)
    else:
        call = "%s(%s)" % (put, x)
    return ("WARNING: %s, from %s() on line %s, may be non-NULL here but is "
            "not put: call %s on every path once done with it; the put "
            "advances the instance's generation and writes a newer patch's "
            "changes through to the instance old code still uses, so "
            "without it updates made during a transition are lost" %
            (x, g, line, call))

// Every call that may be a klpsv get; the script keeps the real ones and
// names their put.
@cand@
identifier g =~ "^[A-Za-z0-9_]+_get(_or_alloc)?$";
expression A;
position p1;
@@

g@p1(A, ...)

@script:python cput@
g << cand.g;
p1 << cand.p1;
put;
@@

name = klpsv_put_of(g, p1[0])
if name is None:
	cocci.include_match(False)
else:
	coccinelle.put = name

@r exists@
identifier cand.g, cput.put;
identifier x, fn != {memset, memcpy, memmove, memcmp, memzero_explicit,
                     strscpy, strcpy, strncpy, strlcpy, strcmp, strlen};
expression E;
statement S;
position cand.p1, pg, p2;
type T;
@@

(
x = g@p1@pg(...);
|
T x = g@p1@pg(...);
|
if (\(!(x = g@p1@pg(...))\|(x = g@p1@pg(...)) == NULL\)) S
)
... when != put(..., x)
    when != x = E
    when != E = x
    when != fn(..., x, ...)
    when != true !x && ...
    when != true x == NULL && ...
    when != true unlikely(!x)
    when != true WARN_ON(!x)
    when != true WARN_ON_ONCE(!x)
    when != true IS_ERR_OR_NULL(x)
    when != false x || ...
    when != false x != NULL || ...
    when != false likely(x)
(
return x;
|
return (T)x;
|
return@p2 ...;
)

// r also matches the paths that end in "return x;", with no p2: only the
// gets of the paths that leak are marked.
@script:python leak depends on context@
pg << r.pg;
p2 << r.p2;
pgl;
@@

coccinelle.pgl = cocci.make_position(pg[0].file, pg[0].current_element,
	int(pg[0].line), int(pg[0].column), int(pg[0].line_end),
	int(pg[0].column_end))

@depends on context@
identifier cand.g;
position leak.pgl;
@@

* g@pgl(...)

@depends on context@
position r.p2;
@@

* return@p2 ...;

@script:python depends on org@
x << r.x;
g << cand.g;
put << cput.put;
p1 << cand.p1;
p2 << r.p2;
@@

coccilib.org.print_todo(p2[0], "%s from %s() (line %s) not put on this path: call %s()" % (x, g, p1[0].line, put))

@script:python depends on report@
x << r.x;
g << cand.g;
A << cand.A;
put << cput.put;
p1 << cand.p1;
p2 << r.p2;
@@

coccilib.report.print_report(p2[0], klpsv_get_msg(x, g, p1[0].line, put, A))
