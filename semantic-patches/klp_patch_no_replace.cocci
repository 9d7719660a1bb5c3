// SPDX-License-Identifier: GPL-2.0
/// A livepatch that uses shadow variables (klp_shadow_* or klpsv_*) must be
/// cumulative: its struct klp_patch needs ".replace = true".  A patch that
/// stacks on top of another instead of replacing it can be disabled and
/// unloaded in any order, and nothing hands its shadow variables over:
/// the next patch finds them freed, or never knows they exist (leaks on
/// reload, duplicate-variable warnings).  klpsv refuses non-replace patches
/// at enable time; this check catches them at review time.
///
/// Reported: a struct klp_patch initializer that has no ".replace" field,
/// or ".replace = false" / ".replace = 0", in a file that uses klp_shadow_*,
/// any klpsv_ identifier or type or any KLPSV_ macro (KLPSV_FAMILY(),
/// KLPSV_CALLBACKS, KLPSV_ID(), ...), unless the code sets
/// "patch.replace = true;" unconditionally (a value chosen by a module
/// parameter does not count).  The patch mode adds ".replace = true,"
/// (replacing an explicit false).
//
// Confidence: High
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, klp_patch, replace, cumulative, shadow variables

#include "include/klpsv_scan.cocci"

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@

# (module, patch variable) pairs that get ".replace = true" at run time;
# (module, None) when it is set through a pointer (lpatch->replace = true)
replace_at_runtime = set()

# modules in which spatch saw a klp_shadow_*() call or a klpsv_*/KLPSV_*
# identifier (a module is a file, or the files scripts/coccicheck groups)
shadow_modules = set()


def is_true(path, v):
	"""v is true, 1, or a #define of the file that expands to one."""
	e = re.sub(r"[()\s]", "", klpsv_expand(path, v.strip()))
	return e in ("true", "1", "!0", "!false")

_klpsv_strings = re.compile(
    "|".join("%s(?:%s.|[^%s%s\n])*%s" % (q, BSL * 2, q, BSL * 2, q)
             for q in QUOTES))


def klpsv_uses_shadow(path):
    """Whether the file's module uses shadow variables: a klp_shadow_*()
    call or a klpsv identifier seen by spatch, or a klpsv name in the
    arguments of a top-level macro (KLPSV_FAMILY(...)), where spatch does
    not look.  A mere mention of a klp_shadow_* name (an extern
    declaration, its address taken) is no use."""
    if klpsv_module(path) in shadow_modules:
        return True
    code, _ = _klpsv_scan(path)
    code = _klpsv_strings.sub(QUOTES[0] * 2, code)
    return re.search(r"\b(KLPSV_|klpsv_)\w", code) is not None

// The module uses shadow variables: it calls klp_shadow_*(), or names
// anything of klpsv.
@uses_call@
identifier f =~ "^klp_shadow_";
position p;
@@

f@p(...)

@script:python@
p << uses_call.p;
@@

shadow_modules.add(klpsv_module(p[0].file))

@uses_id@
identifier f =~ "^(klpsv_|KLPSV_)";
position p;
@@

f@p

@script:python@
p << uses_id.p;
@@

shadow_modules.add(klpsv_module(p[0].file))

@uses_type@
type T =~ "klpsv_";
position p;
@@

T@p

@script:python@
p << uses_type.p;
@@

shadow_modules.add(klpsv_module(p[0].file))

// Initializers that set .replace to something other than false/0.
@replace_set@
identifier p;
expression E : script:python () { E.strip() not in ("false", "0") };
position pos;
@@

struct klp_patch p@pos = { ..., .replace = E, ... };

// "patch.replace = true;" in code (before klp_enable_patch()) is fine too,
// also through a pointer ("lpatch->replace = true;", kpatch's generated
// init builds its klp_patch at run time) or a #define of the file that
// expands to true ("lpatch->replace = KLP_REPLACE_ENABLE;"), but not under
// a condition ("if (replace) patch.replace = true;", with a module
// parameter that defaults to false), nor a value that is not true
// ("patch.replace = replace;").
@runtime_cond@
identifier p;
expression C, E;
statement S;
position pos;
@@

(
if (C) p@pos.replace = E;
|
if (C) p@pos.replace = E; else S
|
if (C) S else p@pos.replace = E;
|
if (C) { ... p@pos.replace = E; ... }
|
if (C) { ... p@pos.replace = E; ... } else S
|
if (C) S else { ... p@pos.replace = E; ... }
|
if (C) p@pos->replace = E;
|
if (C) p@pos->replace = E; else S
|
if (C) S else p@pos->replace = E;
|
if (C) { ... p@pos->replace = E; ... }
|
if (C) { ... p@pos->replace = E; ... } else S
|
if (C) S else { ... p@pos->replace = E; ... }
)

@runtime@
identifier p;
expression E;
position pos != runtime_cond.pos;
@@

p@pos.replace = E

@script:python@
p << runtime.p;
E << runtime.E;
pos << runtime.pos;
@@

if is_true(pos[0].file, E):
	replace_at_runtime.add((klpsv_module(pos[0].file), p))

@runtime_ptr@
identifier p;
expression E;
position pos != runtime_cond.pos;
@@

p@pos->replace = E

@script:python@
E << runtime_ptr.E;
pos << runtime_ptr.pos;
@@

if is_true(pos[0].file, E):
	replace_at_runtime.add((klpsv_module(pos[0].file), None))

@r@
identifier p;
position pos != replace_set.pos;
@@

struct klp_patch p@pos = { ... };

@script:python@
p << r.p;
pos << r.pos;
@@

mod = klpsv_module(pos[0].file)
if ((mod, p) in replace_at_runtime or (mod, None) in replace_at_runtime or
    not klpsv_uses_shadow(pos[0].file)):
	cocci.include_match(False)

@depends on patch@
identifier r.p;
position r.pos;
initializer list IL;
symbol true, false;
@@

(
struct klp_patch p@pos = {
  ...,
- .replace = \(false\|0\),
+ .replace = true,
  ...
};
|
struct klp_patch p@pos = {
  IL,
+ .replace = true,
};
)

@depends on context@
identifier r.p;
position r.pos;
@@

* struct klp_patch p@pos = { ... };

@script:python depends on org@
p << r.p;
pos << r.pos;
@@

coccilib.org.print_todo(pos[0], "struct klp_patch %s lacks .replace = true in a module that uses shadow variables: make the patch cumulative (.replace = true)" % p)

@script:python depends on report@
p << r.p;
pos << r.pos;
@@

coccilib.report.print_report(pos[0], "WARNING: struct klp_patch %s has no .replace = true but its module uses shadow variables: a stacked patch cannot hand them over to the next one; add .replace = true and carry every earlier fix (cumulative patch)" % p)
