// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the klp_patch initializer gets replace at run time through a
 * pointer, with a #define of the file that is true (kpatch's generated
 * init sets lpatch->replace = KLP_REPLACE_ENABLE).
 */
#include <linux/module.h>
#include <linux/livepatch.h>

#ifndef KLP_REPLACE_ENABLE
#define KLP_REPLACE_ENABLE true
#endif

#define SV_X 0x7100

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
	struct klp_patch *lpatch = &patch;

	lpatch->replace = KLP_REPLACE_ENABLE;
	return klp_enable_patch(lpatch);
}
module_init(livepatch_init);
