// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: the module init drops klpsv_enable_patch()'s error, so a patch
 * that klpsv refused stays loaded; its own pre_patch callback drops
 * klpsv_pre_patch()'s error; and the session open path "pre-allocates" the
 * stats instance, throwing the pointer away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = 1,
	.layout = STATS_V1_LAYOUT,
	.reserve = STATS_RESERVE,
);

static void p1_open(struct chain_session *s)
{
	/* so that the hot path never allocates */
	stats_get_or_alloc(s, GFP_KERNEL, NULL);
	s->open = true;
}

static int p1_pre_patch(struct klp_object *obj)
{
	pr_info("taking the stats over\n");
	(void)klpsv_pre_patch(obj);
	return 0;
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "chain_open", .new_func = p1_open, },
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = victim_funcs,
		.callbacks = {
			.pre_patch = p1_pre_patch,
			.post_patch = klpsv_post_patch,
			.pre_unpatch = klpsv_pre_unpatch,
			.post_unpatch = klpsv_post_unpatch,
		},
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &stats_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init p1_init(void)
{
	klpsv_enable_patch(&kpatch);
	return 0;
}

static void __exit p1_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(p1_init);
module_exit(p1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
