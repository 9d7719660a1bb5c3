// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the pointer is handed over, and whoever receives it puts it
 * (a helper, the caller, a context struct); and _get() functions that are
 * not a klpsv family's accessors.
 */
#include <linux/kobject.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = 1,
	.layout = STATS_V1_LAYOUT,
);

struct touch_ctx {
	struct stats_v1 *st;
};

static void bump_and_put(struct stats_v1 *st)
{
	st->touches++;
	stats_put(st);
}

static void p1_touch(struct chain_session *s)
{
	struct stats_v1 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return;
	bump_and_put(st);
}

/* The caller puts what this returns. */
static struct stats_v1 *p1_fresh_stats(struct chain_session *s)
{
	struct stats_v1 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return NULL;
	st->touches = 0;
	return st;
}

static int p1_begin(struct touch_ctx *ctx, struct chain_session *s)
{
	struct stats_v1 *st = stats_get(s);

	if (!st)
		return -ENOENT;
	ctx->st = st;
	return 0;
}

static void p1_hold(struct kobject *kobj)
{
	struct kobject *k = kobject_get(kobj);

	if (k)
		pr_info("holding %s\n", kobject_name(k));
}
