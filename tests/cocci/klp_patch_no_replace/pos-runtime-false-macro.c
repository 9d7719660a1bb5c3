// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: replace set at run time from a #define that is false, in a
 * file that calls klp_shadow_get().
 */
#include <linux/module.h>
#include <linux/livepatch.h>

#define KLP_REPLACE_ENABLE false
#define SV_X 0x7101

static struct klp_object objs[] = { { }, { } };

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

void *fix_get(void *obj)
{
	return klp_shadow_get(obj, SV_X);
}

static int livepatch_init(void)
{
	patch.replace = KLP_REPLACE_ENABLE;
	return klp_enable_patch(&patch);
}
module_init(livepatch_init);
