/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part every stress livepatch shares.  Included by sN.c after it
 * declared, with KLPSV_FAMILY(), the "counter" family of type counter_t,
 * and defined STRESS_N (the patch number) and counter_stamp(st).
 *
 * Each patched call: get_or_alloc the object's instance (GFP_ATOMIC: the
 * caller holds the object's spinlock), count, put, and bump the victim's
 * tally; when the accessor returns NULL (its documented error path), bump
 * "missed" instead and count nothing.
 */
#ifndef _KLPSV_STRESS_PATCH_H
#define _KLPSV_STRESS_PATCH_H

#include <linux/livepatch.h>
#include <linux/module.h>

static int counter_ctor(void *obj, void *data, void *arg)
{
	counter_t *st = data;

	st->oid = stress_oid(obj);
	return 0;
}

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
	st->count++;
	o->expect++;
	counter_stamp(st);
	counter_put(st);
	atomic64_inc(&stress_ctl.tally);
	return true;
}

static u64 sp_report(struct stress_obj *o)
{
	counter_t *st = counter_get(o);
	u64 count;

	if (!st)
		return 0;
	if (st->oid != stress_oid(o))
		atomic64_inc(&stress_ctl.corrupt);
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
