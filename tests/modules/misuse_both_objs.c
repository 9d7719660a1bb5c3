// SPDX-License-Identifier: GPL-2.0
/*
 * A generated-style init (klp_enable_patch(), no struct klpsv_patch) with
 * klpsv's callbacks on the vmlinux object and on a second patched module,
 * the smoke victim, that can come and go while the patch stays: its
 * post_unpatch at unload must free nothing (families belong to the patch,
 * not to an object), its callbacks when it comes back do nothing, and the
 * final disable frees everything once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#define CHAIN_V2_TAG "both objs"
#include "misuse.h"

#include "../../samples/smoke/smoke.h"

static void both_describe(struct seq_file *m, struct smoke_item *item)
{
	seq_printf(m, "item %u: patched by %s\n", item->id, THIS_MODULE->name);
}

static struct klp_func smoke_funcs[] = {
	{ .old_name = "klpsv_smoke_describe", .new_func = both_describe, },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = no_funcs, .callbacks = KLPSV_CALLBACKS, },
	{
		.name = "klpsv_smoke_victim",
		.funcs = smoke_funcs,
		.callbacks = KLPSV_CALLBACKS,
	},
	{ .name = "klpsv_chain_victim", .funcs = victim_funcs, },
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
MODULE_DESCRIPTION("klpsv test: klpsv callbacks on vmlinux and on a module that unloads");
MODULE_INFO(livepatch, "Y");
