// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the chain sample's shape: a klpsv family, klpsv's callbacks,
 * and a cumulative struct klp_patch.
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

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
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
	return klpsv_enable_patch(&kpatch);
}

module_init(p1_init);
MODULE_LICENSE("GPL");
