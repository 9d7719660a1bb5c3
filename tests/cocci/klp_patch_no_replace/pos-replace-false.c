// SPDX-License-Identifier: GPL-2.0
/* Positive: a klpsv user that explicitly turns atomic replace off. */
#include <linux/module.h>
#include <linux/livepatch.h>
#include "klpsv.h"

static struct klp_object objs[] = {
	{
		.name = NULL,
		.funcs = NULL,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = false,
};

static int fix_init(void)
{
	int ret = klpsv_register(&patch);

	if (ret)
		return ret;
	return klp_enable_patch(&patch);
}

module_init(fix_init);
MODULE_LICENSE("GPL");
