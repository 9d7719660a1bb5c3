// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: a klpsv patch that "cleans up" in module_exit(): it calls
 * klpsv_patch_exit() as it should, then frees every session's stats
 * through the family's accessor, directly and through a helper.  The
 * successor that replaced this patch still uses those instances.
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

extern struct chain_session chain_sessions[CHAIN_SESSIONS];
extern struct chain_session chain_spare;

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.replace = true,
};

static struct klpsv_family *families[] = { &stats_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static void p1_drop_stats(void)
{
	unsigned int i;

	for (i = 0; i < CHAIN_SESSIONS; i++)
		stats_free(&chain_sessions[i]);
}

static int __init p1_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p1_exit(void)
{
	klpsv_patch_exit(&kpatch);
	p1_drop_stats();
	klpsv_free(&stats_family, &chain_spare);
}

module_init(p1_init);
module_exit(p1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
