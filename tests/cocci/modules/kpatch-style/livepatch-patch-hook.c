// SPDX-License-Identifier: GPL-2.0
/*
 * Whole module, kpatch's layout: the generated init builds its klp_patch
 * at run time (lpatch->replace = KLP_REPLACE_ENABLE, true by default);
 * the shadow calls are in the patched functions (fork.c, exit.c).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/livepatch.h>

#ifndef KLP_REPLACE_ENABLE
#define KLP_REPLACE_ENABLE true
#endif

static struct klp_patch *lpatch;

static int __init patch_init(void)
{
	lpatch = kzalloc(sizeof(*lpatch), GFP_KERNEL);
	if (!lpatch)
		return -ENOMEM;
	lpatch->mod = THIS_MODULE;
	lpatch->replace = KLP_REPLACE_ENABLE;
	return klp_enable_patch(lpatch);
}

static void __exit patch_exit(void)
{
	kfree(lpatch);
}

module_init(patch_init);
module_exit(patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
