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
/// module_exit() function itself, or in a static function of the same file
/// that the module_exit() function calls directly.  klpsv_patch_exit() is
/// what a klpsv patch calls from module_exit(): it frees nothing a
/// successor uses, and is not reported.
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

import re



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

// The freeing call written directly in the exit function.
@direct depends on exitfn@
identifier exitfn.fexit;
identifier fr =~ "^(klp_shadow_free_all|[A-Za-z0-9_]+_free)$";
position p;
@@

fexit(...)
{
  <+...
  fr@p(...)
  ...+>
}

@script:python@
fr << direct.fr;
p << direct.p;
@@

if not klpsv_frees(fr, p[0]):
	cocci.include_match(False)

// A static function of this file that frees shadow variables ...
@helper@
type T;
identifier h;
identifier fr =~ "^(klp_shadow_free_all|[A-Za-z0-9_]+_free)$";
position pf;
@@

static T h(...)
{
  <+...
  fr@pf(...)
  ...+>
}

@script:python@
fr << helper.fr;
pf << helper.pf;
@@

if not klpsv_frees(fr, pf[0]):
	cocci.include_match(False)

// ... called directly from the exit function.
@indirect depends on exitfn@
identifier exitfn.fexit, helper.h;
position pc;
@@

fexit(...)
{
  <+...
  h@pc(...)
  ...+>
}

@depends on context@
identifier exitfn.fexit, direct.fr;
position direct.p;
@@

fexit(...)
{
  <+...
* fr@p(...)
  ...+>
}

@depends on context@
identifier exitfn.fexit, helper.h;
position indirect.pc;
@@

fexit(...)
{
  <+...
* h@pc(...)
  ...+>
}

@script:python depends on org@
p << direct.p;
fr << direct.fr;
fexit << exitfn.fexit;
@@

coccilib.org.print_todo(p[0], "%s() called from module_exit function %s(): the successor livepatch still needs these shadow variables; %s" % (fr, fexit, klpsv_exit_todo(fr)))

@script:python depends on org@
pc << indirect.pc;
pf << helper.pf;
h << helper.h;
fr << helper.fr;
fexit << exitfn.fexit;
@@

coccilib.org.print_todo(pc[0], "%s() calls %s() (line %s) from module_exit function %s(): the successor livepatch still needs these shadow variables; %s" % (h, fr, pf[0].line, fexit, klpsv_exit_todo(fr)))

@script:python depends on report@
p << direct.p;
fr << direct.fr;
fexit << exitfn.fexit;
@@

coccilib.report.print_report(p[0], "WARNING: %s() called from module_exit function %s(): with atomic replace the successor livepatch still uses these shadow variables; %s" % (fr, fexit, klpsv_exit_fix(fr)))

@script:python depends on report@
pc << indirect.pc;
pf << helper.pf;
h << helper.h;
fr << helper.fr;
fexit << exitfn.fexit;
@@

coccilib.report.print_report(pc[0], "WARNING: %s() frees shadow variables (%s() at line %s) and is called from module_exit function %s(): with atomic replace the successor livepatch still uses them; %s" % (h, fr, pf[0].line, fexit, klpsv_exit_fix(fr)))
