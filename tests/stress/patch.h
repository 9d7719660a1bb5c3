/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part every stress livepatch shares.  Included by sN.c after it
 * declared, with KLPSV_FAMILY(), the "counter" family of type counter_t,
 * and defined STRESS_N (the patch number) and counter_stamp(st), and
 * STRESS_V (the family version) if it is not STRESS_N.
 *
 * Each patched call: get_or_alloc the object's instance (GFP_ATOMIC: the
 * caller holds the object's spinlock), count, put, and bump the victim's
 * tally; when the accessor returns NULL (its documented error path), bump
 * "missed" instead and count nothing.
 *
 * From v2 on (STRESS_V >= 2) the instance owns a buffer (schemas.h): the
 * constructor allocates it, the destructor frees it, and each call checks
 * it (its own, the right oid, its count not ahead of the counter; equal
 * to it in v3, where no code that ignores the buffer writes the counter),
 * updates it, and every STRESS_BUF_REPLACE counts replaces it.
 */
#ifndef _KLPSV_STRESS_PATCH_H
#define _KLPSV_STRESS_PATCH_H

#include <linux/livepatch.h>
#include <linux/module.h>

#ifndef STRESS_V
#define STRESS_V	STRESS_N
#endif

static int counter_ctor(void *obj, void *data, void *arg)
{
	counter_t *st = data;

	st->oid = stress_oid(obj);
#if STRESS_V >= 2
	st->buf = stress_buf_new(st, st->oid, 0);
	if (!st->buf)
		return -ENOMEM;
#endif
	return 0;
}

#if STRESS_V >= 2
static void counter_dtor(void *obj, void *data)
{
	counter_t *st = data;

	stress_buf_release(&st->buf, st, stress_oid(obj));
}

/*
 * Check @st's buffer before the counter moves, bring it to the counter
 * after, and now and then replace it: kmalloc a new one, copy, kfree the
 * old one.  In v2 the buffer may lag the counter (v1 code counted without
 * it during the additive transition); in v3 it may not.
 */
static void counter_buf_check(counter_t *st)
{
	struct stress_buf *b = st->buf;

	if (stress_buf_check(b, st, st->oid) &&
	    (STRESS_V >= 3 ? b->count != st->count : b->count > st->count))
		stress_buf_bad();
}

static void counter_buf_update(counter_t *st)
{
	struct stress_buf *b = st->buf, *nb;

	if (!b || READ_ONCE(b->magic) != STRESS_BUF_MAGIC || b->owner != st)
		return;		/* counted by counter_buf_check() */
	b->count = st->count;
	if (st->count % STRESS_BUF_REPLACE)
		return;
	nb = stress_buf_new(st, b->oid, 0);
	if (!nb)
		return;		/* keep the old one */
	*nb = *b;
	st->buf = nb;
	stress_buf_free(b);
}
#else
static inline void counter_buf_check(counter_t *st) { }
static inline void counter_buf_update(counter_t *st) { }
#endif

static bool sp_op(struct stress_obj *o)
{
	counter_t *st = counter_get_or_alloc(o, GFP_ATOMIC, NULL);

	atomic64_inc(&stress_ctl.calls[STRESS_N]);
	if (!st) {
		atomic64_inc(&stress_ctl.missed);
		return false;
	}
	if (st->oid != stress_oid(o))
		atomic64_inc(&stress_ctl.corrupt);
	counter_buf_check(st);
	st->count++;
	o->expect++;
	counter_stamp(st);
	counter_buf_update(st);
	counter_put(st);
	atomic64_inc(&stress_ctl.tally);
	return true;
}

static u64 sp_report(struct stress_obj *o, u32 *owned)
{
	counter_t *st = counter_get(o);
	u64 count;

	*owned = 0;
	if (!st)
		return 0;
	if (st->oid != stress_oid(o))
		atomic64_inc(&stress_ctl.corrupt);
#if STRESS_V >= 2
	counter_buf_check(st);
	*owned = !!st->buf;
#endif
	count = st->count;
	counter_put(st);
	return count;
}

static void sp_close(struct stress_obj *o)
{
	counter_t *st = counter_get(o);

	atomic64_inc(&stress_ctl.calls[STRESS_N]);
	if (st) {
		atomic64_add(st->count, &stress_ctl.retired);
		counter_put(st);
	}
	counter_free(o);
	o->expect = 0;
}

static void sp_slice(struct stress_thread *t)
{
	stress_slice_body(t);
}

static void sp_park(unsigned int ms)
{
	stress_park_body(ms);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "stress_op", .new_func = sp_op, },
	{ .old_name = "stress_report", .new_func = sp_report, },
	{ .old_name = "stress_close", .new_func = sp_close, },
	{ .old_name = "stress_slice", .new_func = sp_slice, },
	{ .old_name = "stress_park", .new_func = sp_park, },
	{ }
};

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		/* vmlinux: always present, so klpsv's callbacks always run */
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, {
		.name = "klpsv_stress_victim",
		.funcs = victim_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &counter_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init sp_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit sp_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(sp_init);
module_exit(sp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");

#endif /* _KLPSV_STRESS_PATCH_H */
