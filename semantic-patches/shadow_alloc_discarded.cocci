// SPDX-License-Identifier: GPL-2.0
/// The result of klp_shadow_alloc() or klp_shadow_get_or_alloc() must be
/// tested.  Both return NULL when the allocation or the constructor fails,
/// and klp_shadow_alloc() also when <obj, id> already exists (with a WARN):
/// a call whose result is discarded never learns that the shadow variable
/// does not hold what it was given, and whatever it handed over through
/// ctor_data (memory to be freed by the destructor, a reference) is lost.
///
/// Reported: a call of either function as a statement of its own, also
/// through a (void) cast.
//
// Confidence: High
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, klp_shadow_alloc, klp_shadow_get_or_alloc, ENOMEM

virtual context
virtual org
virtual report

@r@
identifier f = {klp_shadow_alloc, klp_shadow_get_or_alloc};
position p;
@@

(
f@p(...);
|
 (void)f@p(...);
)

@depends on context@
identifier r.f;
position r.p;
@@

* f@p(...)

@script:python depends on org@
f << r.f;
p << r.p;
@@

coccilib.org.print_todo(p[0], "result of %s() discarded: test it, NULL means nothing was stored" % f)

@script:python depends on report@
f << r.f;
p << r.p;
@@

why = "the allocation or the constructor failed"
if f == "klp_shadow_alloc":
	why += ", or <obj, id> already exists"
coccilib.report.print_report(p[0], "WARNING: the result of %s() is discarded: it is NULL when %s, and then nothing is stored and what ctor_data handed over is lost or leaks; test it and undo what the call was given on NULL" % (f, why))
