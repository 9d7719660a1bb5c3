// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke livepatch: a cumulative (.replace) patch of klpsv_smoke_describe()
 * that counts reads of each item in a shadow variable whose id comes from
 * the klpsv id namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include <klpsv.h>

#include "smoke.h"

/* Namespace 0 is klpsv's own samples; 1 is the smoke read counter. */
#define SMOKE_READS_ID	KLPSV_ID(0, 1)

static int reads_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	*(unsigned int *)shadow_data = 0;
	return 0;
}

static void livepatch_smoke_describe(struct seq_file *m, struct smoke_item *item)
{
	unsigned int *reads;

	reads = klp_shadow_get_or_alloc(item, SMOKE_READS_ID, sizeof(*reads),
					GFP_KERNEL, reads_ctor, NULL);
	if (!reads) {
		seq_printf(m, "item %u: patched, no memory to count reads\n",
			   item->id);
		return;
	}
	seq_printf(m, "item %u: patched, read %u times\n", item->id, ++*reads);
}

/* Runs only when the patch is really disabled (or its enable reverted). */
static void smoke_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SMOKE_READS_ID, NULL);
}

static struct klp_func funcs[] = {
	{
		.old_name = "klpsv_smoke_describe",
		.new_func = livepatch_smoke_describe,
	}, { }
};

static struct klp_object objs[] = {
	{
		.name = "klpsv_smoke_victim",
		.funcs = funcs,
		.callbacks = {
			.post_unpatch = smoke_post_unpatch,
		},
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int __init smoke_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit smoke_patch_exit(void)
{
}

module_init(smoke_patch_init);
module_exit(smoke_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv smoke sample: a cumulative livepatch");
MODULE_INFO(livepatch, "Y");
