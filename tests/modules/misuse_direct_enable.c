// SPDX-License-Identifier: GPL-2.0
/*
 * Misuse, tolerated: a hand-written patch, struct klpsv_patch and all,
 * whose init calls klp_enable_patch() instead of klpsv_enable_patch().
 * klpsv runs from the callbacks as for a generated init (families found
 * in the module, no klp_state), and says so.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#define CHAIN_V2_TAG "direct"
#include "misuse.h"

static struct klp_object objs[] = {
	{ .funcs = no_funcs, .callbacks = KLPSV_CALLBACKS, },
	{ .name = "klpsv_chain_victim", .funcs = victim_funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &stats_family, &tag_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init misuse_init(void)
{
	return klp_enable_patch(&patch);	/* not klpsv_enable_patch() */
}

static void __exit misuse_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(misuse_init);
module_exit(misuse_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv test: klp_enable_patch() on a hand-written patch");
MODULE_INFO(livepatch, "Y");
