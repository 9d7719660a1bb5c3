// SPDX-License-Identifier: GPL-2.0
/// klpsv_enable_patch(), klpsv_pre_patch() and klpsv_get_or_alloc() (with
/// the prefix_get_or_alloc() accessors KLPSV_FAMILY() generates) return
/// something the caller must act on.  klpsv_enable_patch() refuses, before
/// harm, a patch that cannot take the live data over (a downgrade, a
/// missing step, clashing ids, a non-replace patch): a module_init() that
/// drops the error loads a module whose patch is not applied, and nothing
/// says so.  klpsv_pre_patch() is how the takeover refuses the patch from
/// a pre_patch callback: dropping its error enables a patch whose takeover
/// failed.  A get_or_alloc() result dropped hides an allocation failure and
/// is never put.
///
/// Reported: a call of klpsv_enable_patch() or klpsv_pre_patch() whose
/// result is discarded (also through a (void) cast), or stored in a
/// variable from which some path reaches "return 0;" without testing it
/// or with the variable tested non-zero (logged, then dropped); a call of
/// klpsv_get_or_alloc() or of a prefix_get_or_alloc() accessor of a
/// KLPSV_FAMILY() of this file whose result is discarded.  The patch mode
/// turns "klpsv_enable_patch(E); return 0;" into
/// "return klpsv_enable_patch(E);" (the same for klpsv_pre_patch()), and
/// "ret = klpsv_enable_patch(E); return 0;" into "...; return ret;".
//
// Confidence: High
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, klpsv, klpsv_enable_patch, klpsv_pre_patch, __must_check, module_init

#include "include/klpsv_scan.cocci"

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@

import re



WHY = {
    "klpsv_enable_patch":
        "when klpsv refuses the patch (it cannot take the live data over: a "
        "downgrade, a missing step, clashing ids) or klp_enable_patch() "
        "fails, the module must fail to load, or a patch that is not "
        "applied stays loaded and looks fine",
    "klpsv_pre_patch":
        "it is how the takeover refuses the patch: the pre_patch callback "
        "must return its error, or the kernel enables a patch whose "
        "takeover failed",
}


def klpsv_checked(f, pos):
    """Whether f is one of the calls this rule checks, in this file."""
    if f in ("klpsv_enable_patch", "klpsv_pre_patch", "klpsv_get_or_alloc"):
        return True
    return (f.endswith("_get_or_alloc") and
            f[:-len("_get_or_alloc")] in klpsv_families(pos.file))


def klpsv_discarded_msg(f):
    if f in WHY:
        return ("ERROR: the result of %s() is ignored: %s; return it "
                "(return %s(...);) or test it and return the error" %
                (f, WHY[f], f))
    return ("WARNING: the result of %s() is ignored: a failed allocation goes "
            "unnoticed, and the instance it returns is never put (the put "
            "advances its generation, so that old and new code running "
            "together during a transition see each other's writes); keep "
            "the pointer, test it for NULL and put it when done" % f)


def klpsv_stored_msg(f, ret, line):
    return ("ERROR: %s, the result of %s() on line %s, can be an error "
            "here, yet this returns 0: %s; return %s" %
            (ret, f, line, WHY[f], ret))

// Calls whose result is thrown away.
@discarded@
identifier f =~ "^(klpsv_enable_patch|klpsv_pre_patch|[A-Za-z0-9_]+_get_or_alloc)$";
position p;
@@

(
f@p(...);
|
 (void)f@p(...);
)

@script:python@
f << discarded.f;
p << discarded.p;
@@

if not klpsv_checked(f, p[0]):
	cocci.include_match(False)

// Results stored, then dropped: some path where the value may be an error
// (paths on which it was tested and found 0 do not count) reaches a
// "return 0;" before a return that uses it.
@stored exists@
identifier f = {klpsv_enable_patch, klpsv_pre_patch};
identifier ret;
expression E;
position p, p2;
type T;
@@

(
ret = f@p(...);
|
T ret = f@p(...);
)
... when != E = <+... ret ...+>
    when != false ret || ...
    when != false ret != 0 || ...
    when != false ret < 0 || ...
    when != false unlikely(ret) || ...
    when != false WARN_ON(ret) || ...
    when != false WARN_ON_ONCE(ret) || ...
    when != true !ret && ...
    when != true ret == 0 && ...
    when != true ret >= 0 && ...
(
return <+... ret ...+>;
|
return@p2 0;
)

@depends on patch@
identifier stored.f, stored.ret;
expression E;
position stored.p;
type T;
@@

(
ret = f@p(E);
|
T ret = f@p(E);
)
- return 0;
+ return ret;

@depends on patch@
identifier f = {klpsv_enable_patch, klpsv_pre_patch};
expression E;
@@

(
- f(E);
- return 0;
+ return f(E);
|
- (void)f(E);
- return 0;
+ return f(E);
)

@depends on context@
identifier discarded.f;
position discarded.p;
@@

* f@p(...)

@depends on context@
position stored.p2;
@@

* return@p2 0;

@script:python depends on org@
f << discarded.f;
p << discarded.p;
@@

coccilib.org.print_todo(p[0], "result of %s() ignored: %s" % (f, "return or test it" if f in WHY else "keep, test and put it"))

@script:python depends on org@
f << stored.f;
ret << stored.ret;
p << stored.p;
p2 << stored.p2;
@@

coccilib.org.print_todo(p2[0], "returns 0 although %s (from %s() on line %s) may be an error: return it" % (ret, f, p[0].line))

@script:python depends on report@
f << discarded.f;
p << discarded.p;
@@

coccilib.report.print_report(p[0], klpsv_discarded_msg(f))

@script:python depends on report@
f << stored.f;
ret << stored.ret;
p << stored.p;
p2 << stored.p2;
@@

coccilib.report.print_report(p2[0], klpsv_stored_msg(f, ret, p[0].line))
