// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: a klpsv patch (the chain sample's p1) with .replace left out:
 * klpsv_enable_patch() would refuse it at load time; catch it in review.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

#include "schemas.h"

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static struct klpsv_patch kpatch = {
	.patch = &patch,
};

static int __init p1_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

module_init(p1_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
