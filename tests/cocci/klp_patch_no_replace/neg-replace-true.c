// SPDX-License-Identifier: GPL-2.0
/* Negative: a cumulative patch using shadow variables. */
#include <linux/module.h>
#include <linux/livepatch.h>

static struct klp_object objs[] = { { }, { } };

static struct klp_state states[] = {
	{
		.id = 42,
		.version = 2,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = true,
};

static struct klp_patch patch_v1 = {
	.replace = 1,
	.mod = THIS_MODULE,
	.objs = objs,
};

static int fix_init(void)
{
	void *sv = klp_shadow_get(&patch, 42);

	return sv ? -EBUSY : klp_enable_patch(&patch);
}

module_init(fix_init);
MODULE_LICENSE("GPL");
