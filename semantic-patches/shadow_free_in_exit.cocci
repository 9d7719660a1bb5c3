// SPDX-License-Identifier: GPL-2.0
/// Shadow variables must not be freed from a function registered with
/// module_exit().  With atomic replace (cumulative livepatches) the module
/// of a replaced patch is unloaded while its successor is live and still
/// uses the same shadow variables: freeing them in module_exit() destroys
/// the successor's data (leaks it or makes it look like pre-patch objects).
/// Free them from the post_unpatch callback instead, and only when the
/// patch is really disabled, not replaced by a successor.  A klpsv patch
/// frees nothing itself: klpsv_post_unpatch() frees every family's
/// instances on a real disable.
///
/// Reported: klp_shadow_free(), klp_shadow_free_all(), klpsv_free() and the
/// prefix_free() accessors of the KLPSV_FAMILY()s of the file called in the
/// module_exit() function itself, or in a function of the same module
/// (another file of it, for scripts/coccicheck) that the module_exit()
/// function reaches through calls, up to four deep (the finding is then on
/// the call in the exit function).  Not reported: klpsv_patch_exit(), what
/// a klpsv patch calls from module_exit() (it frees nothing a successor
/// uses), and a free under a test of a reference count or of a list's
/// emptiness (if (!state->refcount), if (refcount_dec_and_test(...)),
/// if (list_empty(&state->users))): the last user of a shared state
/// freeing it, which is safe under atomic replace.
//
// Confidence: High
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, klp_shadow_free, klpsv_free, module_exit, atomic replace

#include "include/klpsv_scan.cocci"

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@

# module -> {function: [(free, position)]}; module -> its files
frees = {}
_mod_files = {}
# (file, line, column) of frees under a refcount or emptiness test
guarded = set()
DEPTH = 4

GUARD = re.compile(r"refc|refcnt|refcount|_dec_and_test|kref_put|\busers?\b|\brefs?\b|\bnr_\w*users\b")
EMPTY = re.compile(r"(^|[^!\s]\s*|[(&|]\s*)\bh?list_empty(_careful)?\s*\(")


def guard_cond(c):
	c = c.strip()
	if GUARD.search(c):
		return True
	return re.match(r"^\(*\s*h?list_empty(_careful)?\s*\(", c) is not None


def module_calls(mod, f):
	"""The names f calls, f being a function of the module."""
	out = set()
	for path in _mod_files.get(mod, []):
		out |= klpsv_text_calls(path).get(f, set())
	return out


def here(p):
	return (p[0].file, p[0].line, p[0].column)


def reach(mod, fn):
	"""(free, position, path) of the first free reached from fn, or None."""
	seen = set()
	todo = [(fn, [])]
	for _ in range(DEPTH):
		nxt = []
		for f, path in todo:
			if f in seen:
				continue
			seen.add(f)
			for fr, pf in frees.get(mod, {}).get(f, []):
				return fr, pf, path
			for g in sorted(module_calls(mod, f)):
				nxt.append((g, path + [g]))
		todo = nxt
	return None


def exit_finding(fexit, g, pc):
	"""The message of a call of g at pc in fexit, or None."""
	mod = klpsv_module(pc[0].file)
	_mod_files.setdefault(mod, klpsv_module_files(pc[0].file))
	if klpsv_frees(g, pc[0]):
		if here(pc) in guarded:
			return None
		return ("%s() called from module_exit function %s()" % (g, fexit), g)
	if g == fexit:
		return None
	r = reach(mod, g)
	if r is None:
		return None
	fr, pf, path = r
	where = "line %s" % pf[0].line
	if pf[0].file != pc[0].file:
		where = "%s:%s" % (pf[0].file.split("/")[-1], pf[0].line)
	via = "" if not path else ", through %s()" % "(), ".join(path)
	return ("%s() frees shadow variables (%s() at %s%s) and is called from module_exit function %s()" % (g, fr, where, via, fexit), fr)


def klpsv_frees(fr, pos):
	"""Whether fr frees shadow variables: the raw calls, klpsv_free(), or
	the prefix_free() accessor of a KLPSV_FAMILY() of the file."""
	if fr in ("klp_shadow_free", "klp_shadow_free_all", "klpsv_free"):
		return True
	return fr.endswith("_free") and fr[:-len("_free")] in klpsv_families(pos.file)


RAW_FIX = ("free them from the post_unpatch callback instead, and only when "
           "the patch is really disabled, not replaced")
KLPSV_FIX = ("klpsv frees a family's instances itself when the patch is "
             "really disabled (in klpsv_post_unpatch()): call only "
             "klpsv_patch_exit() from module_exit()")


def klpsv_exit_fix(fr):
	return RAW_FIX if fr.startswith("klp_shadow_") else KLPSV_FIX


def klpsv_exit_todo(fr):
	if fr.startswith("klp_shadow_"):
		return "free them from post_unpatch, only when really disabled"
	return "klpsv frees them on a real disable; call only klpsv_patch_exit()"

@exitfn@
declarer name module_exit;
identifier fexit;
@@

module_exit(fexit);

// Frees under a test of a reference count or of emptiness: the last user
// of a shared state frees it.
@guard depends on exitfn@
expression C : script:python () { guard_cond(C) };
identifier fr =~ "^(klp_shadow_free_all|[A-Za-z0-9_]+_free)$";
position pg;
statement S;
@@

(
if (C) { <+... fr@pg(...) ...+> } else S
|
if (C) { <+... fr@pg(...) ...+> }
|
if (C) fr@pg(...); else S
|
if (C) fr@pg(...);
)

@script:python@
pg << guard.pg;
@@

guarded.add(here(pg))

// What every function of the module frees and calls.
@freeing depends on exitfn@
identifier f;
identifier fr =~ "^(klp_shadow_free_all|[A-Za-z0-9_]+_free)$";
position pf;
@@

f(...)
{
  <+...
  fr@pf(...)
  ...+>
}

@script:python@
f << freeing.f;
fr << freeing.fr;
pf << freeing.pf;
@@

if klpsv_frees(fr, pf[0]) and here(pf) not in guarded:
	frees.setdefault(klpsv_module(pf[0].file), {}).setdefault(f, []).append((fr, pf))

// The calls of the exit function that free, or reach a free.
@incall@
identifier exitfn.fexit;
identifier g;
position pc;
@@

fexit(...)
{
  <+...
  g@pc(...)
  ...+>
}

@script:python@
fexit << exitfn.fexit;
g << incall.g;
pc << incall.pc;
@@

if exit_finding(fexit, g, pc) is None:
	cocci.include_match(False)

@depends on context@
identifier exitfn.fexit, incall.g;
position incall.pc;
@@

fexit(...)
{
  <+...
* g@pc(...)
  ...+>
}

@script:python depends on org@
fexit << exitfn.fexit;
g << incall.g;
pc << incall.pc;
@@

what, fr = exit_finding(fexit, g, pc)
coccilib.org.print_todo(pc[0], "%s: the successor livepatch still needs these shadow variables; %s" % (what, klpsv_exit_todo(fr)))

@script:python depends on report@
fexit << exitfn.fexit;
g << incall.g;
pc << incall.pc;
@@

what, fr = exit_finding(fexit, g, pc)
if what.startswith(g + "() called"):
	coccilib.report.print_report(pc[0], "WARNING: %s: with atomic replace the successor livepatch still uses these shadow variables; %s" % (what, klpsv_exit_fix(fr)))
else:
	coccilib.report.print_report(pc[0], "WARNING: %s: with atomic replace the successor livepatch still uses them; %s" % (what, klpsv_exit_fix(fr)))
