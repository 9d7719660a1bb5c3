// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: replace chosen at run time by a module parameter that
 * defaults to 0, in a file that uses shadow variables.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static int replace;
module_param(replace, int, 0644);

static struct klp_object objs[] = { { }, { } };

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static void fix_post_unpatch(void *obj)
{
	if (klp_shadow_get(obj, 7))
		klp_shadow_free(obj, 7, NULL);
}

static int fix_init(void)
{
	patch.replace = replace;
	return klp_enable_patch(&patch);
}

module_init(fix_init);
MODULE_LICENSE("GPL");
