// SPDX-License-Identifier: GPL-2.0
/// Shadow variables outlive the livepatch module that created them: with
/// atomic replace the successor patch takes them over and the old module
/// is unloaded.  A pointer into the module stored in shadow data - a
/// function pointer, the address of a global or static variable, an array
/// or a string literal of the module - dangles once the module is gone;
/// calling or reading it later is a use-after-free of module text or data.
///
/// Reported: such a value assigned through a pointer returned by
/// klp_shadow_get(), klp_shadow_alloc() or klp_shadow_get_or_alloc(), or,
/// in a shadow constructor, through its shadow_data argument (directly or
/// through a local copy of it).  Module objects are the functions defined
/// in the file and its static function prototypes, its file-scope
/// variables that are not extern, its static local variables, string
/// literals and __func__.  Fix: store plain values (a copy of the data, an
/// enum or version number that selects the behaviour, a heap pointer) and
/// look code and constant data up in the patch that is live when they are
/// used.
//
// Confidence: Moderate
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, function pointer, module unload, atomic replace

#include "include/klpsv_scan.cocci"

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@

import re

# State about the module being processed (a file, or the files
# scripts/coccicheck groups into one module: a symbol of any of them is in
# the module's memory); every collecting script calls enter() first.
current = [None]
modsyms = {}		# name -> "function" | "array" | "object", defined here
fndefs = set()		# names of the functions defined in the file
statics = set()		# (line, column) of static declarations
externs = set()		# (line, column) of extern declarations

def enter(p):
	if klpsv_module(p[0].file) != current[0]:
		current[0] = klpsv_module(p[0].file)
		modsyms.clear()
		fndefs.clear()
		statics.clear()
		externs.clear()

def key(p):
	return (p[0].file, p[0].line, p[0].column)

def strip_casts(v):
	v = v.strip()
	while True:
		m = re.match(r"^\(\s*[A-Za-z_][\w\s\*]*\)\s*(.*)$", v, re.S)
		if not m or not m.group(1):
			return v
		v = m.group(1).strip()

def module_pointer(v):
	"""Describe v if it points into the module, else None."""
	v = strip_casts(v)
	if v.startswith(chr(34)) or v in ("__func__", "__FUNCTION__"):
		return "a string literal (data of this module)"
	m = re.match(r"^&\s*\(?\s*([A-Za-z_]\w*)\s*(\)|\.|\[|$)", v)
	if m:
		k = modsyms.get(m.group(1))
		if k == "function":
			return "the address of %s() (a function of this module)" % m.group(1)
		if k:
			return "the address of %s (a variable of this module)" % m.group(1)
		return None
	m = re.match(r"^([A-Za-z_]\w*)\s*(\+.*)?$", v, re.S)
	if m:
		k = modsyms.get(m.group(1))
		if k == "function":
			return "a pointer to %s() (a function of this module)" % m.group(1)
		if k == "array":
			return "a pointer into %s (an array of this module)" % m.group(1)
	return None

def report_msg(v, lhs):
	return ("ERROR: %s is stored in shadow data %s: it dangles once this "
		"livepatch module is replaced and unloaded; store a value "
		"(a copy, an enum or version number, a heap pointer) instead"
		% (module_pointer(v), lhs))

def org_msg(v, lhs):
	return "%s is stored in shadow data %s: it dangles after module unload; store a value instead" % (module_pointer(v), lhs)

// The module's symbols.
@fndef@
identifier f;
position p;
@@

f@p(...) { ... }

@script:python@
f << fndef.f;
p << fndef.p;
@@

enter(p)
fndefs.add(f)
modsyms[f] = "function"

@staticdecl@
type T;
identifier x;
initializer I;
position p;
@@

(
static T x@p;
|
static T x@p = I;
|
static T x@p[...];
|
static T x@p[...] = I;
)

@script:python@
p << staticdecl.p;
@@

enter(p)
statics.add(key(p))

@externdecl@
type T;
identifier x;
position p;
@@

extern T x@p;

@script:python@
p << externdecl.p;
@@

enter(p)
externs.add(key(p))

@decl@
type T;
identifier x;
initializer I;
position p;
@@

(
T x@p;
|
T x@p = I;
|
T x@p[...];
|
T x@p[...] = I;
)

@script:python@
T << decl.T;
x << decl.x;
p << decl.p;
@@

enter(p)
local = p[0].current_element in fndefs
static = key(p) in statics
if key(p) in externs or (local and not static):
	pass
elif re.search(r"\(\s*\*", T) is None and "(" in T:
	# a prototype: a function of the module only if static
	if static and x not in modsyms:
		modsyms[x] = "function"
elif "[" in T:
	# "T x[] = I" also matches "T x = I" with the element type
	modsyms[x] = "array"
elif x not in modsyms:
	modsyms[x] = "object"

// Pointers to shadow data: results of klp_shadow_*() ...
@svp@
identifier fn;
expression E;
identifier f = {klp_shadow_get, klp_shadow_alloc, klp_shadow_get_or_alloc};
type T;
@@

fn(...)
{
  <+...
(
  E = f(...)
|
  E = (T)f(...)
)
  ...+>
}

// ... the shadow_data argument of a constructor, and copies of it.
@ctor@
identifier c;
expression E1, E2, E3, E4, E5;
@@

\(klp_shadow_alloc\|klp_shadow_get_or_alloc\)(E1, E2, E3, E4, \(c\|&c\), E5)

@ctorsd@
identifier ctor.c, o, sd, cd;
type T1, T2, T3;
@@

c(T1 o, T2 sd, T3 cd)
{
  ...
}

@ctoralias@
identifier ctor.c, ctorsd.sd;
expression E;
type T;
@@

c(...)
{
  <+...
(
  E = sd
|
  E = (T)sd
)
  ...+>
}

// Module pointers stored through them.
@store_sv@
identifier svp.fn;
expression svp.E;
expression V : script:python () { module_pointer(V) is not None };
identifier fld, fld2;
position p;
@@

fn(...)
{
  <+...
(
  E->fld = V@p
|
  E->fld.fld2 = V@p
|
  E->fld[...] = V@p
|
  *E = V@p
|
  E[...] = V@p
|
  E[...].fld = V@p
)
  ...+>
}

@store_alias@
identifier ctor.c;
expression ctoralias.E;
expression V : script:python () { module_pointer(V) is not None };
identifier fld, fld2;
position p;
@@

c(...)
{
  <+...
(
  E->fld = V@p
|
  E->fld.fld2 = V@p
|
  E->fld[...] = V@p
|
  *E = V@p
|
  E[...] = V@p
|
  E[...].fld = V@p
)
  ...+>
}

@store_sd@
identifier ctor.c, ctorsd.sd;
expression V : script:python () { module_pointer(V) is not None };
identifier fld, fld2;
type T;
position p;
@@

c(...)
{
  <+...
(
  *(T)sd = V@p
|
  ((T)sd)->fld = V@p
|
  ((T)sd)->fld.fld2 = V@p
|
  ((T)sd)[...] = V@p
)
  ...+>
}

// Module objects linked into shadow data through the list and RCU
// helpers: the shadow data then points at the module object (and the
// module object at the shadow data), whichever argument is which.
@link_sv@
identifier svp.fn;
expression svp.E;
expression V : script:python () { module_pointer(V) is not None };
identifier fld, fld2;
identifier lf = {list_add, list_add_tail, list_add_rcu, list_add_tail_rcu,
                 hlist_add_head, hlist_add_head_rcu, hlist_add_before,
                 hlist_add_behind, hlist_add_before_rcu, hlist_add_behind_rcu,
                 list_move, list_move_tail, list_splice, list_splice_init,
                 list_splice_tail, list_splice_tail_init,
                 rcu_assign_pointer, RCU_INIT_POINTER, WRITE_ONCE};
position p;
@@

fn(...)
{
  <+...
(
  lf(V@p, &E->fld)
|
  lf(V@p, &E->fld.fld2)
|
  lf(V@p, E)
|
  lf(&E->fld, V@p)
|
  lf(&E->fld.fld2, V@p)
|
  lf(E->fld, V@p)
|
  lf(E->fld.fld2, V@p)
|
  lf(*E, V@p)
)
  ...+>
}

@depends on context@
expression V : script:python () { module_pointer(V) is not None };
position p = {store_sv.p, store_alias.p, store_sd.p, link_sv.p};
@@

* V@p

@script:python depends on org@
p << store_sv.p;
V << store_sv.V;
E << svp.E;
@@

coccilib.org.print_todo(p[0], org_msg(V, "through " + E))

@script:python depends on org@
p << store_alias.p;
V << store_alias.V;
E << ctoralias.E;
c << ctor.c;
@@

coccilib.org.print_todo(p[0], org_msg(V, "through %s in constructor %s()" % (E, c)))

@script:python depends on org@
p << store_sd.p;
V << store_sd.V;
sd << ctorsd.sd;
c << ctor.c;
@@

coccilib.org.print_todo(p[0], org_msg(V, "through %s in constructor %s()" % (sd, c)))

@script:python depends on report@
p << store_sv.p;
V << store_sv.V;
E << svp.E;
@@

coccilib.report.print_report(p[0], report_msg(V, "through " + E))

@script:python depends on report@
p << store_alias.p;
V << store_alias.V;
E << ctoralias.E;
c << ctor.c;
@@

coccilib.report.print_report(p[0], report_msg(V, "through %s in constructor %s()" % (E, c)))

@script:python depends on report@
p << store_sd.p;
V << store_sd.V;
sd << ctorsd.sd;
c << ctor.c;
@@

coccilib.report.print_report(p[0], report_msg(V, "through %s in constructor %s()" % (sd, c)))

@script:python depends on org@
p << link_sv.p;
V << link_sv.V;
E << svp.E;
lf << link_sv.lf;
@@

coccilib.org.print_todo(p[0], org_msg(V, "through %s by %s()" % (E, lf)))

@script:python depends on report@
p << link_sv.p;
V << link_sv.V;
E << svp.E;
lf << link_sv.lf;
@@

coccilib.report.print_report(p[0], report_msg(V, "through %s, linked by %s()" % (E, lf)))
