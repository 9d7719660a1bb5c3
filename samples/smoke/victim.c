// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke victim: /proc/klpsv_smoke describes one item through
 * klpsv_smoke_describe(), the function the smoke livepatch replaces.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "smoke.h"

static struct smoke_item smoke_item = { .id = 1 };

/* Not inlined, so the livepatch can redirect every call. */
noinline void klpsv_smoke_describe(struct seq_file *m, struct smoke_item *item)
{
	seq_printf(m, "item %u: unpatched\n", item->id);
}

static int smoke_show(struct seq_file *m, void *v)
{
	klpsv_smoke_describe(m, &smoke_item);
	return 0;
}

static int __init smoke_victim_init(void)
{
	if (!proc_create_single("klpsv_smoke", 0444, NULL, smoke_show))
		return -ENOMEM;
	return 0;
}

static void __exit smoke_victim_exit(void)
{
	remove_proc_entry("klpsv_smoke", NULL);
}

module_init(smoke_victim_init);
module_exit(smoke_victim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv smoke sample: the module being patched");
