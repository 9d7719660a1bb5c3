// SPDX-License-Identifier: GPL-2.0
/// Shadow variable constructors and destructors run under the global
/// shadow spinlock with interrupts disabled (klp_shadow_alloc(),
/// klp_shadow_get_or_alloc(), klp_shadow_free(), klp_shadow_free_all()):
/// they must not sleep.  A sleeping call there is a "scheduling while
/// atomic" bug, a deadlock on the shadow lock, or a lockdep splat.
///
/// Reported: in a function passed as ctor or dtor to one of those calls,
/// or in a static function of the same file that it calls directly:
/// allocations whose GFP flags are not atomic (no ATOMIC/NOWAIT in them:
/// GFP_KERNEL, GFP_NOFS, ...), vmalloc(), mutex_lock*(), down*(), msleep(),
/// ssleep(), usleep_range(), might_sleep(), user copies, schedule*(),
/// cond_resched(), wait_event*(), wait_for_completion*(),
/// synchronize_rcu*().  Fix: allocate with GFP_ATOMIC (or before the call,
/// passing the result through ctor_data), take a spinlock instead of a
/// mutex, and move the rest out of the constructor/destructor.  The patch
/// mode turns GFP_KERNEL into GFP_ATOMIC in the ctor/dtor itself.
//
// Confidence: High
// Copyright: klpsv developers
// Options: --no-includes --include-headers
// Keywords: livepatch, shadow variables, constructor, destructor, atomic context, GFP_KERNEL

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@

def sleeping_gfp(gfp):
	# Only judge flags that are spelled out; a gfp_t variable is unknown.
	if "GFP_" not in gfp:
		return False
	return "ATOMIC" not in gfp and "NOWAIT" not in gfp

// Functions passed as constructor or destructor.
@cb@
identifier c;
expression E1, E2, E3, E4, E5;
@@

(
klp_shadow_alloc(E1, E2, E3, E4, \(c\|&c\), E5)
|
klp_shadow_get_or_alloc(E1, E2, E3, E4, \(c\|&c\), E5)
|
klp_shadow_free(E1, E2, \(c\|&c\))
|
klp_shadow_free_all(E1, \(c\|&c\))
)

// Allocations, in the callback itself.
@alloc@
identifier cb.c;
identifier a = {kmalloc, kzalloc, kcalloc, kmalloc_array, krealloc,
                kstrdup, kstrndup, kmemdup, kvmalloc, kvzalloc, kvcalloc,
                kmem_cache_alloc, kmem_cache_zalloc};
expression gfp : script:python () { sleeping_gfp(gfp) };
position p;
@@

c(...)
{
  <+...
  a@p(..., gfp)
  ...+>
}

// Other sleeping calls, in the callback itself.
@sleeps@
identifier cb.c;
identifier s =~ "^(vmalloc|vzalloc|vmalloc_user|__vmalloc|mutex_lock|mutex_lock_interruptible|mutex_lock_killable|mutex_lock_nested|mutex_lock_io|down|down_interruptible|down_killable|down_timeout|down_read|down_write|down_read_killable|down_write_killable|down_read_interruptible|msleep|msleep_interruptible|ssleep|usleep_range|usleep_range_state|fsleep|might_sleep|might_sleep_if|copy_from_user|copy_to_user|get_user|put_user|strncpy_from_user|memdup_user|schedule|schedule_timeout|schedule_timeout_interruptible|schedule_timeout_uninterruptible|schedule_timeout_killable|cond_resched|wait_event|wait_event_[a-z_]+|wait_for_completion|wait_for_completion_[a-z_]+|synchronize_rcu|synchronize_rcu_expedited|synchronize_srcu|synchronize_net|rcu_barrier|flush_work|flush_scheduled_work|cancel_work_sync|cancel_delayed_work_sync|kthread_stop|request_firmware)$";
position p;
@@

c(...)
{
  <+...
  s@p(...)
  ...+>
}

// Static helpers of this file that sleep ...
@helper_alloc@
type T;
identifier h;
identifier a = {kmalloc, kzalloc, kcalloc, kmalloc_array, krealloc,
                kstrdup, kstrndup, kmemdup, kvmalloc, kvzalloc, kvcalloc,
                kmem_cache_alloc, kmem_cache_zalloc};
expression gfp : script:python () { sleeping_gfp(gfp) };
position ph;
@@

static T h(...)
{
  <+...
  a@ph(..., gfp)
  ...+>
}

@helper_sleeps@
type T;
identifier h;
identifier s =~ "^(vmalloc|vzalloc|vmalloc_user|__vmalloc|mutex_lock|mutex_lock_interruptible|mutex_lock_killable|mutex_lock_nested|mutex_lock_io|down|down_interruptible|down_killable|down_timeout|down_read|down_write|down_read_killable|down_write_killable|down_read_interruptible|msleep|msleep_interruptible|ssleep|usleep_range|usleep_range_state|fsleep|might_sleep|might_sleep_if|copy_from_user|copy_to_user|get_user|put_user|strncpy_from_user|memdup_user|schedule|schedule_timeout|schedule_timeout_interruptible|schedule_timeout_uninterruptible|schedule_timeout_killable|cond_resched|wait_event|wait_event_[a-z_]+|wait_for_completion|wait_for_completion_[a-z_]+|synchronize_rcu|synchronize_rcu_expedited|synchronize_srcu|synchronize_net|rcu_barrier|flush_work|flush_scheduled_work|cancel_work_sync|cancel_delayed_work_sync|kthread_stop|request_firmware)$";
position ph;
@@

static T h(...)
{
  <+...
  s@ph(...)
  ...+>
}

// ... called directly from the callback.
@via_alloc@
identifier cb.c, helper_alloc.h;
position p;
@@

c(...)
{
  <+...
  h@p(...)
  ...+>
}

@via_sleeps@
identifier cb.c, helper_sleeps.h;
position p;
@@

c(...)
{
  <+...
  h@p(...)
  ...+>
}

@depends on patch@
identifier cb.c;
identifier a = {kmalloc, kzalloc, kcalloc, kmalloc_array, krealloc,
                kstrdup, kstrndup, kmemdup, kvmalloc, kvzalloc, kvcalloc,
                kmem_cache_alloc, kmem_cache_zalloc};
@@

c(...)
{
  <+...
  a(...,
    <+...
-   GFP_KERNEL
+   GFP_ATOMIC
    ...+>)
  ...+>
}

@depends on context@
identifier f;
position p = {alloc.p, sleeps.p, via_alloc.p, via_sleeps.p};
@@

* f@p(...)

@script:python depends on org@
p << alloc.p;
a << alloc.a;
gfp << alloc.gfp;
c << cb.c;
@@

coccilib.org.print_todo(p[0], "%s(..., %s) in shadow ctor/dtor %s(), which runs with a spinlock held and IRQs off: use GFP_ATOMIC" % (a, gfp, c))

@script:python depends on org@
p << sleeps.p;
s << sleeps.s;
c << cb.c;
@@

coccilib.org.print_todo(p[0], "%s() may sleep in shadow ctor/dtor %s(), which runs with a spinlock held and IRQs off: move it out of the callback" % (s, c))

@script:python depends on org@
p << via_alloc.p;
h << helper_alloc.h;
a << helper_alloc.a;
ph << helper_alloc.ph;
c << cb.c;
@@

coccilib.org.print_todo(p[0], "%s() sleeps (%s() at line %s) and is called from shadow ctor/dtor %s(), which runs with a spinlock held and IRQs off: use GFP_ATOMIC" % (h, a, ph[0].line, c))

@script:python depends on org@
p << via_sleeps.p;
h << helper_sleeps.h;
s << helper_sleeps.s;
ph << helper_sleeps.ph;
c << cb.c;
@@

coccilib.org.print_todo(p[0], "%s() sleeps (%s() at line %s) and is called from shadow ctor/dtor %s(), which runs with a spinlock held and IRQs off: move it out of the callback" % (h, s, ph[0].line, c))

@script:python depends on report@
p << alloc.p;
a << alloc.a;
gfp << alloc.gfp;
c << cb.c;
@@

coccilib.report.print_report(p[0], "ERROR: %s(..., %s) may sleep, but %s() is a shadow constructor/destructor and runs under the shadow spinlock with IRQs off: use GFP_ATOMIC, or allocate before calling klp_shadow_*() and pass the memory through ctor_data" % (a, gfp, c))

@script:python depends on report@
p << sleeps.p;
s << sleeps.s;
c << cb.c;
@@

coccilib.report.print_report(p[0], "ERROR: %s() may sleep, but %s() is a shadow constructor/destructor and runs under the shadow spinlock with IRQs off: do it before or after the klp_shadow_*() call, outside the callback" % (s, c))

@script:python depends on report@
p << via_alloc.p;
h << helper_alloc.h;
a << helper_alloc.a;
gfp << helper_alloc.gfp;
ph << helper_alloc.ph;
c << cb.c;
@@

coccilib.report.print_report(p[0], "ERROR: %s() may sleep (%s(..., %s) on line %s), but it is called from %s(), a shadow constructor/destructor that runs under the shadow spinlock with IRQs off: use GFP_ATOMIC there, or allocate before the klp_shadow_*() call" % (h, a, gfp, ph[0].line, c))

@script:python depends on report@
p << via_sleeps.p;
h << helper_sleeps.h;
s << helper_sleeps.s;
ph << helper_sleeps.ph;
c << cb.c;
@@

coccilib.report.print_report(p[0], "ERROR: %s() may sleep (%s() on line %s), but it is called from %s(), a shadow constructor/destructor that runs under the shadow spinlock with IRQs off: move that work out of the callback" % (h, s, ph[0].line, c))
