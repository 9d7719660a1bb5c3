// SPDX-License-Identifier: GPL-2.0
// expect: ignoring return value of 'klpsv_enable_patch'
/*
 * Misuse: a module init that ignores klpsv_enable_patch(): a refused patch
 * would load anyway.  klpsv_enable_patch() is __must_check.
 */
#include <linux/module.h>

#include <klpsv.h>

static struct klpsv_patch kpatch;

static int __init bad_init(void)
{
	klpsv_enable_patch(&kpatch);
	return 0;
}
module_init(bad_init);

MODULE_LICENSE("GPL");
