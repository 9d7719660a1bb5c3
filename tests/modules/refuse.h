/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test livepatches that klpsv must refuse, one misuse each, built around
 * the chain sample's families.  Each module only declares families (its
 * vmlinux object has no functions): the point is the refusal.
 */
#ifndef _KLPSV_REFUSE_H
#define _KLPSV_REFUSE_H

#include <linux/livepatch.h>
#include <linux/module.h>

#include "../../samples/chain/schemas.h"

/* No function of these modules ever runs as a step. */
static inline int refuse_never(void *obj, const void *from, void *to)
{
	return -EINVAL;
}

#define REFUSE_PATCH(desc, replace_value, ...)				\
	static struct klpsv_family *families[] = { __VA_ARGS__, NULL };	\
	static struct klp_func no_funcs[] = { { } };			\
	static struct klp_object objs[] = {				\
		{ .funcs = no_funcs, .callbacks = KLPSV_CALLBACKS, },	\
		{ }							\
	};								\
	static struct klp_patch patch = {				\
		.mod = THIS_MODULE,					\
		.objs = objs,						\
		.replace = replace_value,				\
	};								\
	static struct klpsv_patch kpatch = {				\
		.patch = &patch,					\
		.families = families,					\
	};								\
	static int __init refuse_init(void)				\
	{								\
		return klpsv_enable_patch(&kpatch);			\
	}								\
	static void __exit refuse_exit(void)				\
	{								\
		klpsv_patch_exit(&kpatch);				\
	}								\
	module_init(refuse_init);					\
	module_exit(refuse_exit);					\
	MODULE_LICENSE("GPL");						\
	MODULE_DESCRIPTION("klpsv test: must be refused: " desc);	\
	MODULE_INFO(livepatch, "Y")

#endif /* _KLPSV_REFUSE_H */
