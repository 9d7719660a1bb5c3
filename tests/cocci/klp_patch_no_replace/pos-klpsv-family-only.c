// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: the functions file of a two-file klpsv patch: it declares the
 * family and its struct klp_patch (enabled from main.c), and names klpsv
 * only inside KLPSV_FAMILY() and through the generated accessors.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = 1,
	.layout = STATS_V1_LAYOUT,
);

static void p1_touch(struct chain_session *s, unsigned int bytes,
		     const char *who)
{
	struct stats_v1 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return;
	st->touches++;
	stats_put(st);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "chain_touch", .new_func = p1_touch, },
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "klpsv_chain_victim",
		.funcs = victim_funcs,
	}, { }
};

struct klp_patch chain_p1_patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};
