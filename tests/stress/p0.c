// SPDX-License-Identifier: GPL-2.0
/*
 * Stress patch p0: a hand-written livepatch as vendors shipped them before
 * klpsv, keeping its shadow data with klp_shadow_*() under a SUSE-style id
 * (STRESS_RAW_ID, bug number << 6 | n; struct stress_raw in schemas.h).
 * The first klpsv patch of the series (a1.c) replaces it and adopts that
 * data.  Like patch.h's functions, each call counts in the shadow data and
 * in the victim's tally; the raw data owns a buffer, allocated by the
 * klp_shadow constructor, replaced every STRESS_BUF_REPLACE counts and
 * released by the klp_shadow destructor.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

#include "schemas.h"

/* The victim's calls counter of this patch's code. */
#define STRESS_N	4

/* klp_shadow constructor: under klp_shadow's lock, IRQs off. */
static int raw_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct stress_raw *raw = shadow_data;

	raw->oid = stress_oid(obj);
	raw->buf = stress_buf_new(raw, raw->oid, 0);
	return raw->buf ? 0 : -ENOMEM;
}

/* klp_shadow destructor: under klp_shadow's lock, IRQs off. */
static void raw_dtor(void *obj, void *shadow_data)
{
	struct stress_raw *raw = shadow_data;

	stress_buf_release(&raw->buf, raw, stress_oid(obj));
}

/* The buffer is @raw's own and says what the counter says. */
static void raw_buf_check(struct stress_raw *raw)
{
	if (stress_buf_check(raw->buf, raw, raw->oid) &&
	    raw->buf->count != raw->hits)
		stress_buf_bad();
}

static void raw_buf_update(struct stress_raw *raw)
{
	struct stress_buf *b = raw->buf, *nb;

	if (!b || READ_ONCE(b->magic) != STRESS_BUF_MAGIC || b->owner != raw)
		return;		/* counted by raw_buf_check() */
	b->count = raw->hits;
	if (raw->hits % STRESS_BUF_REPLACE)
		return;
	nb = stress_buf_new(raw, b->oid, 0);
	if (!nb)
		return;		/* keep the old one */
	*nb = *b;
	raw->buf = nb;
	stress_buf_free(b);
}

static bool p0_op(struct stress_obj *o)
{
	struct stress_raw *raw;

	atomic64_inc(&stress_ctl.calls[STRESS_N]);
	raw = klp_shadow_get_or_alloc(o, STRESS_RAW_ID, sizeof(*raw),
				      GFP_ATOMIC, raw_ctor, NULL);
	if (!raw) {
		atomic64_inc(&stress_ctl.missed);
		return false;
	}
	if (raw->oid != stress_oid(o))
		atomic64_inc(&stress_ctl.corrupt);
	raw_buf_check(raw);
	raw->hits++;
	raw->flags |= 1;
	o->expect++;
	raw_buf_update(raw);
	atomic64_inc(&stress_ctl.tally);
	return true;
}

static u64 p0_report(struct stress_obj *o, u32 *owned)
{
	struct stress_raw *raw = klp_shadow_get(o, STRESS_RAW_ID);

	*owned = 0;
	if (!raw)
		return 0;
	if (raw->oid != stress_oid(o))
		atomic64_inc(&stress_ctl.corrupt);
	raw_buf_check(raw);
	*owned = !!raw->buf;
	return raw->hits;
}

static void p0_close(struct stress_obj *o)
{
	struct stress_raw *raw = klp_shadow_get(o, STRESS_RAW_ID);

	atomic64_inc(&stress_ctl.calls[STRESS_N]);
	if (raw)
		atomic64_add(raw->hits, &stress_ctl.retired);
	klp_shadow_free(o, STRESS_RAW_ID, raw_dtor);
	o->expect = 0;
}

static void p0_slice(struct stress_thread *t)
{
	stress_slice_body(t);
}

static void p0_park(unsigned int ms)
{
	stress_park_body(ms);
}

/*
 * Disabled on its own (not replaced: a replaced patch's callbacks do not
 * run), the patch frees its shadow data, as hand-written patches do.
 */
static void p0_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(STRESS_RAW_ID, raw_dtor);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "stress_op", .new_func = p0_op, },
	{ .old_name = "stress_report", .new_func = p0_report, },
	{ .old_name = "stress_close", .new_func = p0_close, },
	{ .old_name = "stress_slice", .new_func = p0_slice, },
	{ .old_name = "stress_park", .new_func = p0_park, },
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "klpsv_stress_victim",
		.funcs = victim_funcs,
		.callbacks = { .post_unpatch = p0_post_unpatch },
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int __init p0_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit p0_exit(void)
{
}

module_init(p0_init);
module_exit(p0_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("klpsv stress test, patch p0: raw klp_shadow data, no klpsv");
