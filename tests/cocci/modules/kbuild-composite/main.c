// SPDX-License-Identifier: GPL-2.0
/* Composite module lp-conn (Kbuild: lp-conn-y := main.o util.o). */
#include <linux/module.h>
#include <linux/livepatch.h>

void conn_release_all(void);

static struct klp_object objs[] = { { }, { } };

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int __init lp_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lp_exit(void)
{
	conn_release_all();
}

module_init(lp_init);
module_exit(lp_exit);
MODULE_LICENSE("GPL");
