// SPDX-License-Identifier: GPL-2.0
/*
 * Another module of the same Kbuild (other.o), not part of lp-conn: its
 * stacked klp_patch uses no shadow variable, and util.c's calls must not
 * make it look as if it did.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static struct klp_object objs[] = { { }, { } };

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init other_init(void)
{
	return klp_enable_patch(&patch);
}

module_init(other_init);
MODULE_LICENSE("GPL");
