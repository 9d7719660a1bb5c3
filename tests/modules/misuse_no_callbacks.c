// SPDX-License-Identifier: GPL-2.0
/*
 * Misuse: a hand-written patch (klpsv_enable_patch()) whose vmlinux object
 * has no callbacks: klpsv would never run its handover.  Refused at
 * enable, with the line saying what to add.
 */
#define CHAIN_V2_TAG "misuse"
#include "misuse.h"

static struct klp_object objs[] = {
	{ .funcs = no_funcs, },		/* forgot .callbacks = KLPSV_CALLBACKS */
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
	return klpsv_enable_patch(&kpatch);
}

static void __exit misuse_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(misuse_init);
module_exit(misuse_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv test: must be refused: no callbacks on the vmlinux object");
MODULE_INFO(livepatch, "Y");
