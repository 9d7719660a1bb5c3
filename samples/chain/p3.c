// SPDX-License-Identifier: GPL-2.0
/*
 * Chain patch 3: the 32-bit counters overflow, so "stats" moves to v3 with
 * 64-bit counters in a new order, a breaking change: v3 instances are
 * twins in a new layout, kept in sync with the old ones while the
 * transition runs.  The "tag" family is dropped: a tombstone retires it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "schemas.h"

static int stats_v1_to_v3(void *obj, const void *from, void *to)
{
	const struct stats_v1 *old = from;
	struct stats_v3 *st = to;

	st->touches = old->touches;
	return 0;
}

static int stats_v2_to_v3(void *obj, const void *from, void *to)
{
	const struct stats_v2 *old = from;
	struct stats_v3 *st = to;

	st->touches = old->touches;
	st->bytes = old->bytes;
	return 0;
}

/* Back to v2, saturating, for a reverted transition. */
static int stats_v3_to_v2(void *obj, const void *from, void *to)
{
	const struct stats_v3 *st = from;
	struct stats_v2 *old = to;

	old->touches = min_t(u64, st->touches, U32_MAX);
	old->bytes = min_t(u64, st->bytes, U32_MAX);
	return 0;
}

/* Runs exactly once per instance: on close, or at the final disable. */
static void stats_v3_dtor(void *obj, void *data)
{
	struct chain_session *s = obj;

	pr_info("session %u: stats freed\n", s->id);
}

/* Retiring tag: each v1 instance is released once, after the transition. */
static void tag_v1_release(void *obj, void *data)
{
	struct chain_session *s = obj;

	pr_info("session %u: tag released\n", s->id);
}

KLPSV_FAMILY(stats, struct stats_v3,
	.name = "stats",
	.id = STATS_ID,
	.version = KLPSV_V(3),
	.layout = STATS_V3_LAYOUT,
	.reserve = STATS_RESERVE,
	.dtor = stats_v3_dtor,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = STATS_V1_LAYOUT,
		      .up = stats_v1_to_v3 },
		    { .from = KLPSV_V(2), .layout = STATS_V2_LAYOUT,
		      .up = stats_v2_to_v3, .down = stats_v3_to_v2 }),
);

/* A tombstone: tag instances are freed once the transition completes. */
static struct klpsv_family tag_tombstone = {
	.name = "tag",
	.id = TAG_ID,
	.version = KLPSV_V(2),
	.retired = true,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = TAG_V1_LAYOUT,
		      .release = tag_v1_release }),
};

static void p3_touch(struct chain_session *s, unsigned int bytes,
		     const char *who)
{
	struct stats_v3 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return;
	st->touches++;
	st->bytes += bytes;
	stats_put(st);
}

static void p3_report(struct seq_file *m, struct chain_session *s)
{
	struct stats_v3 *st = stats_get(s);

	seq_printf(m, "session %u: touches=%llu bytes=%llu [p3]\n", s->id,
		   st ? st->touches : 0, st ? st->bytes : 0);
	if (st)
		stats_put(st);
}

static void p3_close(struct chain_session *s)
{
	stats_free(s);
}

static void p3_park(unsigned int ms, struct chain_session *s)
{
	chain_park_body(ms);
	if (!s)
		return;
	mutex_lock(&chain_lock);
	if (s->open)
		p3_touch(s, 0, "parked");
	mutex_unlock(&chain_lock);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "chain_touch", .new_func = p3_touch, },
	{ .old_name = "chain_report", .new_func = p3_report, },
	{ .old_name = "chain_close", .new_func = p3_close, },
	{ .old_name = "chain_park", .new_func = p3_park, },
	{ }
};

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		/* vmlinux: always present, so klpsv's callbacks always run */
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, {
		.name = "klpsv_chain_victim",
		.funcs = victim_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = {
	&stats_family, &tag_tombstone, NULL
};

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init p3_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p3_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(p3_init);
module_exit(p3_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv chain sample, patch 3: stats v3, tag retired");
MODULE_INFO(livepatch, "Y");
