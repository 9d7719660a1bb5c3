// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: .replace turned on only when a module parameter (false by
 * default) asks for it.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

#define SV_APPLAUSE 10

static bool replace;
module_param(replace, bool, 0400);

static struct klp_object objs[] = { { }, { } };

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static void set_applause(void *obj)
{
	char *applause = klp_shadow_get(obj, SV_APPLAUSE);

	if (applause)
		applause[0] = '!';
}

static int fix_init(void)
{
	if (replace)
		patch.replace = true;
	return klp_enable_patch(&patch);
}

module_init(fix_init);
MODULE_LICENSE("GPL");
