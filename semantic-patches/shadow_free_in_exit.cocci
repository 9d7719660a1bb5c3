// SPDX-License-Identifier: GPL-2.0
/// Shadow variables must not be freed from a function registered with
/// module_exit().  With atomic replace (cumulative livepatches) the module
/// of a replaced patch is unloaded while its successor is live and still
/// uses the same shadow variables: freeing them in module_exit() destroys
/// the successor's data (leaks it or makes it look like pre-patch objects).
/// Free them from the post_unpatch callback instead, and only when the
/// patch is really disabled, not replaced by a successor.
///
/// Reported: klp_shadow_free(), klp_shadow_free_all() and klpsv_release()
/// called in the module_exit() function itself, or in a static function of
/// the same file that the module_exit() function calls directly.
//
// Confidence: High
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, klp_shadow_free, module_exit, atomic replace

virtual patch
virtual context
virtual org
virtual report

@exitfn@
declarer name module_exit;
identifier fexit;
@@

module_exit(fexit);

// The freeing call written directly in the exit function.
@direct depends on exitfn@
identifier exitfn.fexit;
identifier fr = {klp_shadow_free, klp_shadow_free_all, klpsv_release};
position p;
@@

fexit(...)
{
  <+...
  fr@p(...)
  ...+>
}

// A static function of this file that frees shadow variables ...
@helper@
type T;
identifier h;
identifier fr = {klp_shadow_free, klp_shadow_free_all, klpsv_release};
position pf;
@@

static T h(...)
{
  <+...
  fr@pf(...)
  ...+>
}

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

coccilib.org.print_todo(p[0], "%s() called from module_exit function %s(): the successor livepatch still needs these shadow variables; free them from post_unpatch, only when really disabled" % (fr, fexit))

@script:python depends on org@
pc << indirect.pc;
pf << helper.pf;
h << helper.h;
fr << helper.fr;
fexit << exitfn.fexit;
@@

coccilib.org.print_todo(pc[0], "%s() calls %s() (line %s) from module_exit function %s(): the successor livepatch still needs these shadow variables; free them from post_unpatch, only when really disabled" % (h, fr, pf[0].line, fexit))

@script:python depends on report@
p << direct.p;
fr << direct.fr;
fexit << exitfn.fexit;
@@

coccilib.report.print_report(p[0], "WARNING: %s() called from module_exit function %s(): with atomic replace the successor livepatch still uses these shadow variables; free them from the post_unpatch callback instead, and only when the patch is really disabled, not replaced" % (fr, fexit))

@script:python depends on report@
pc << indirect.pc;
pf << helper.pf;
h << helper.h;
fr << helper.fr;
fexit << exitfn.fexit;
@@

coccilib.report.print_report(pc[0], "WARNING: %s() frees shadow variables (%s() at line %s) and is called from module_exit function %s(): with atomic replace the successor livepatch still uses them; free them from the post_unpatch callback instead, and only when the patch is really disabled, not replaced" % (h, fr, pf[0].line, fexit))
