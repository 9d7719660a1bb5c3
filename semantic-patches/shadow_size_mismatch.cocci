// SPDX-License-Identifier: GPL-2.0
/// The size given to klp_shadow_alloc() or klp_shadow_get_or_alloc() must
/// be the size of what the result is used as.  sizeof(struct a) assigned to
/// a struct b pointer allocates the wrong size: writes past the end of the
/// shadow variable if struct b is larger.  The shadow API stores no size,
/// and klp_shadow_get_or_alloc() never compares sizes, so nothing catches
/// it at run time.
///
/// Reported: size argument sizeof(T1), or sizeof(e) with e of type T1,
/// while the result is assigned to (or cast to) a T2 pointer, T2 != T1.
/// Not reported: T2 is void or a byte type (a raw buffer), both types are
/// pointers (same size), or a type is a typedef not defined in the file
/// (cannot be resolved without the headers); known kernel integer aliases
/// (u32/__u32/uint32_t, ...) and typedefs of the file are resolved.  The
/// patch mode rewrites the size to sizeof(*p).
//
// Confidence: High
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, klp_shadow_alloc, klp_shadow_get_or_alloc, sizeof

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@

import re

# (file, typedef name) -> type string
typedefs = {}

ALIASES = {}
for names in (("u8", "__u8", "uint8_t", "unsigned char"),
              ("s8", "__s8", "int8_t", "signed char"),
              ("u16", "__u16", "uint16_t", "unsigned short"),
              ("s16", "__s16", "int16_t", "short"),
              ("u32", "__u32", "uint32_t", "unsigned int"),
              ("s32", "__s32", "int32_t", "int"),
              ("u64", "__u64", "uint64_t", "unsigned long long"),
              ("s64", "__s64", "int64_t", "long long"),
              ("bool", "_Bool")):
	for n in names:
		ALIASES[n] = names[-1]

BUILTIN = {"char", "signed char", "unsigned char", "short", "unsigned short",
           "int", "unsigned int", "long", "unsigned long", "long long",
           "unsigned long long", "float", "double", "_Bool", "void"}
BYTES = {"void", "char", "signed char", "unsigned char"}

def norm(t):
	t = re.sub(r"\s+", " ", t.strip())
	t = re.sub(r"\b(const|volatile)\b ?", "", t).strip()
	t = re.sub(r"\s*\*", " *", t).strip()
	t = t.replace("unsigned short int", "unsigned short")
	t = t.replace("short int", "short")
	t = t.replace("long long int", "long long")
	t = t.replace("unsigned long int", "unsigned long").replace("long int", "long")
	t = t.replace("signed int", "int") if t == "signed int" else t
	t = t.replace("unsigned", "unsigned int") if t == "unsigned" else t
	return t

def resolve(f, t):
	t = norm(t)
	for _ in range(8):
		base = t.rstrip(" *")
		stars = t[len(base):]
		if (f, base) in typedefs:
			t = norm(typedefs[(f, base)] + stars)
			continue
		if base in ALIASES:
			t = norm(ALIASES[base] + stars)
		break
	return t

def known(t):
	base = t.rstrip(" *")
	return (base in BUILTIN or base.startswith("struct ") or
		base.startswith("union ") or base.startswith("enum "))

def mismatch(f, t1, t2):
	"""t1: type measured by sizeof; t2: type the result points to."""
	a, b = resolve(f, t1), resolve(f, t2)
	if a == b or b in BYTES:
		return False
	if a.endswith("*") and b.endswith("*"):
		return False
	return known(a) and known(b)

@td@
type T, TN;
position p;
@@

typedef T TN@p;

@script:python@
T << td.T;
tn << td.TN;
p << td.p;
@@

typedefs[(p[0].file, tn)] = T

// Result assigned to a pointer whose type is known (this also matches a
// local variable initialized with the result).
@assigned@
type T1, T2;
T1 E;
T2 *x;
identifier f = {klp_shadow_alloc, klp_shadow_get_or_alloc};
expression obj, id;
position p;
@@

(
x = f(obj, id, sizeof@p(T1), ...)
|
x = f(obj, id, sizeof@p(E), ...)
|
x = (T2 *)f(obj, id, sizeof@p(T1), ...)
|
x = (T2 *)f(obj, id, sizeof@p(E), ...)
)

@script:python@
T1 << assigned.T1;
T2 << assigned.T2;
p << assigned.p;
@@

if not mismatch(p[0].file, T1, T2):
	cocci.include_match(False)

@depends on patch@
type assigned.T2;
T2 *assigned.x;
position assigned.p;
type T;
expression E;
@@

(
- sizeof@p(T)
+ sizeof(*x)
|
- sizeof@p(E)
+ sizeof(*x)
)

@depends on context@
position assigned.p;
type T;
expression E;
@@

(
* sizeof@p(T)
|
* sizeof@p(E)
)

@script:python depends on org@
p << assigned.p;
T1 << assigned.T1;
T2 << assigned.T2;
x << assigned.x;
@@

coccilib.org.print_todo(p[0], "shadow variable allocated with the size of %s but used as %s *: use sizeof(*%s)" % (T1, T2, x))

@script:python depends on report@
p << assigned.p;
T1 << assigned.T1;
T2 << assigned.T2;
x << assigned.x;
@@

coccilib.report.print_report(p[0], "ERROR: shadow variable allocated with the size of %s but used through %s, a %s *: accesses overrun or misread it; pass sizeof(*%s)" % (T1, x, T2, x))
