// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the chain sample's shape: module_exit() calls only
 * klpsv_patch_exit() and a helper that frees the patch's own slab cache;
 * the family's instances are freed by the patched close function, not on
 * unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = 1,
	.layout = STATS_V1_LAYOUT,
);

static struct kmem_cache *scratch_cache;
static void *scratch;

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.replace = true,
};

static struct klpsv_family *families[] = { &stats_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static void p1_close(struct chain_session *s)
{
	stats_free(s);
}

static void p1_drop_scratch(void)
{
	kmem_cache_free(scratch_cache, scratch);
	kmem_cache_destroy(scratch_cache);
}

static int __init p1_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p1_exit(void)
{
	klpsv_patch_exit(&kpatch);
	p1_drop_scratch();
}

module_init(p1_init);
module_exit(p1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
