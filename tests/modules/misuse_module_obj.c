// SPDX-License-Identifier: GPL-2.0
/*
 * Misuse: a generated-style init (klp_enable_patch(), no struct
 * klpsv_patch) with klpsv's callbacks on the victim module's object only,
 * as a klp-build author declaring them only in the patched module's file
 * gets.  They would not run while the victim is not loaded: refused.
 */
#define CHAIN_V2_TAG "misuse"
#include "misuse.h"

static struct klp_object objs[] = {
	{ .funcs = no_funcs, },
	{
		.name = "klpsv_chain_victim",
		.funcs = victim_funcs,
		.callbacks = KLPSV_CALLBACKS,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int __init misuse_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit misuse_exit(void)
{
}

module_init(misuse_init);
module_exit(misuse_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv test: must be refused: klpsv callbacks on a module object only");
MODULE_INFO(livepatch, "Y");
