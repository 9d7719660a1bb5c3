// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: frees on the module_init error path and in a function that
 * merely looks like an exit function but is not registered with
 * module_exit().
 */
#include <linux/module.h>
#include <linux/livepatch.h>

#define SV_ID 0x1234

static struct klp_patch patch;

static void selftest_exit(void)
{
	klp_shadow_free_all(SV_ID, NULL);
}

static int __init fix_init(void)
{
	int ret;

	ret = klp_enable_patch(&patch);
	if (ret)
		klp_shadow_free_all(SV_ID, NULL);
	return ret;
}

static void __exit fix_exit(void)
{
}

module_init(fix_init);
module_exit(fix_exit);
MODULE_LICENSE("GPL");
