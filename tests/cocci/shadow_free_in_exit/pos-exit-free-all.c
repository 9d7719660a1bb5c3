// SPDX-License-Identifier: GPL-2.0
/* Positive: the upstream sample's pattern, shadow variables freed in module_exit(). */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/slab.h>

#define SV_LEAK 1

static void leak_dtor(void *obj, void *shadow_data)
{
	void **leak = shadow_data;

	kfree(*leak);
}

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = NULL,
	.replace = true,
};

static int __init fix_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit fix_exit(void)
{
	/* cleanup any existing SV_LEAK shadow variables */
	klp_shadow_free_all(SV_LEAK, leak_dtor);
}

module_init(fix_init);
module_exit(fix_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
