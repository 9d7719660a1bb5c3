// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: a livepatch that only takes the address of klp_shadow_alloc
 * (an extern declaration cast to keep a symbol referenced) uses no shadow
 * variable: a stacked patch is its author's choice here.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

extern void *klp_shadow_alloc(void *obj, unsigned long id, size_t size,
			      gfp_t gfp_flags, klp_shadow_ctor_t ctor,
			      void *ctor_data);

static void *keep_symbols[] __used = {
	(void *)&klp_shadow_alloc,
};

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = NULL, }, { }
};

static struct klp_object objs[] = {
	{ .funcs = funcs, }, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}
module_init(livepatch_init);
