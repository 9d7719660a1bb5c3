// SPDX-License-Identifier: GPL-2.0
/* Negative: .replace set to true in code before the patch is enabled. */
#include <linux/module.h>
#include <linux/livepatch.h>

static struct klp_object objs[] = { { }, { } };

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int fix_init(void)
{
	klp_shadow_free_all(99, NULL);
	patch.replace = true;
	return klp_enable_patch(&patch);
}

module_init(fix_init);
MODULE_LICENSE("GPL");
