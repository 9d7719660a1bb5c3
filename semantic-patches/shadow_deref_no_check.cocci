// SPDX-License-Identifier: GPL-2.0
/// The result of klp_shadow_get(), klp_shadow_alloc() and
/// klp_shadow_get_or_alloc() can be NULL and must be checked before it is
/// dereferenced: klp_shadow_get() returns NULL for every object created
/// before the patch was loaded (or whose shadow variable a predecessor
/// freed), klp_shadow_alloc() returns NULL when the allocation fails and
/// when <obj, id> already exists, klp_shadow_get_or_alloc() when the
/// allocation or the constructor fails.
///
/// Reported: a dereference (p->f, *p, p[i], memcpy/memset/memmove/strcpy
/// into p) of such a result on a path where it was not tested against
/// NULL first, and a dereference of the call itself
/// (klp_shadow_get(obj, id)->f).  Fix: test the pointer and handle the
/// NULL case (old object without shadow data, allocation failure).
//
// Confidence: Moderate
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, klp_shadow_get, NULL dereference

virtual patch
virtual context
virtual org
virtual report

// Uses of the pointer that are not dereferences, and dereferences that are
// guarded inside the same expression (p && p->f, !p || p->f,
// p ? p->f : x, p && c ? p->f : x, ...).
@ignored@
expression E;
position p;
@@

(
sizeof(<+... E@p ...+>)
|
E && <+... E@p ...+>
|
E != NULL && <+... E@p ...+>
|
!E || <+... E@p ...+>
|
E == NULL || <+... E@p ...+>
)

// (a separate rule: a disjunction does not look for both a && inside a
// conditional expression and the conditional expression itself)
@ignored_cond@
expression E, E1, E2, E3;
position p;
@@

(
E ? <+... E@p ...+> : E2
|
E != NULL ? <+... E@p ...+> : E2
|
E && E3 ? <+... E@p ...+> : E2
|
E != NULL && E3 ? <+... E@p ...+> : E2
|
!E ? E1 : <+... E@p ...+>
|
E == NULL ? E1 : <+... E@p ...+>
|
!E || E3 ? E1 : <+... E@p ...+>
|
E == NULL || E3 ? E1 : <+... E@p ...+>
)

// Result assigned to an lvalue, dereferenced later without a test.
@assigned exists@
expression E, E1;
identifier fld;
identifier f = {klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc};
position p1, p2 != {ignored.p, ignored_cond.p};
type T;
@@

(
E = f@p1(...);
|
E = (T)f@p1(...);
)
... when != E == NULL
    when != E != NULL
    when != E = E1
    when != IS_ERR_OR_NULL(E)
    when != &E
(
E@p2->fld
|
  *E@p2
|
E@p2[...]
|
\(memcpy\|memmove\|memset\|strcpy\|strscpy\|strncpy\|strlcpy\)(E@p2, ...)
)

// Same with the result as a local variable's initializer.
@declared exists@
identifier x, fld;
expression E1;
identifier f = {klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc};
position p1, p2 != {ignored.p, ignored_cond.p};
type T, T2;
@@

(
T x = f@p1(...);
|
T x = (T2)f@p1(...);
)
... when != x == NULL
    when != x != NULL
    when != x = E1
    when != IS_ERR_OR_NULL(x)
    when != &x
(
x@p2->fld
|
  *x@p2
|
x@p2[...]
|
\(memcpy\|memmove\|memset\|strcpy\|strscpy\|strncpy\|strlcpy\)(x@p2, ...)
)

// The call dereferenced directly.
@direct@
identifier fld;
identifier f = {klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc};
position p1;
type T;
@@

(
f@p1(...)->fld
|
  *f@p1(...)
|
  ((T)f@p1(...))->fld
|
  *(T)f@p1(...)
)

@depends on context@
expression E;
position p = {assigned.p2, declared.p2};
@@

* E@p

@depends on context@
identifier f;
position direct.p1;
@@

* f@p1(...)

@script:python depends on org@
p1 << assigned.p1;
p2 << assigned.p2;
f << assigned.f;
E << assigned.E;
@@

coccilib.org.print_todo(p2[0], "%s from %s() (line %s) dereferenced without a NULL check: test it first" % (E, f, p1[0].line))

@script:python depends on org@
p1 << declared.p1;
p2 << declared.p2;
f << declared.f;
x << declared.x;
@@

coccilib.org.print_todo(p2[0], "%s from %s() (line %s) dereferenced without a NULL check: test it first" % (x, f, p1[0].line))

@script:python depends on org@
p1 << direct.p1;
f << direct.f;
@@

coccilib.org.print_todo(p1[0], "result of %s() dereferenced directly: store it and test it for NULL first" % f)

@script:python depends on report@
p1 << assigned.p1;
p2 << assigned.p2;
f << assigned.f;
E << assigned.E;
@@

coccilib.report.print_report(p2[0], "ERROR: %s, returned by %s() on line %s, is dereferenced without a NULL check: it is NULL for objects that have no shadow variable (created before the patch) or on allocation failure; test it and handle NULL first" % (E, f, p1[0].line))

@script:python depends on report@
p1 << declared.p1;
p2 << declared.p2;
f << declared.f;
x << declared.x;
@@

coccilib.report.print_report(p2[0], "ERROR: %s, returned by %s() on line %s, is dereferenced without a NULL check: it is NULL for objects that have no shadow variable (created before the patch) or on allocation failure; test it and handle NULL first" % (x, f, p1[0].line))

@script:python depends on report@
p1 << direct.p1;
f << direct.f;
@@

coccilib.report.print_report(p1[0], "ERROR: the result of %s() is dereferenced directly, but it can be NULL (no shadow variable for this object, or allocation failure); store it in a variable and test it for NULL first" % f)
