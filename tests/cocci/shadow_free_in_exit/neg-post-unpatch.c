// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: shadow variables freed from post_unpatch (only when the patch
 * is really disabled), the exit function frees nothing.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

#define SV_COUNT 2

static bool replaced;

static void drop_counters(void)
{
	klp_shadow_free_all(SV_COUNT, NULL);
}

static void log_exit(void)
{
	pr_info("livepatch unloaded\n");
}

static void post_unpatch(struct klp_object *obj)
{
	if (replaced)
		return;
	drop_counters();
	klp_shadow_free_all(SV_COUNT + 1, NULL);
}

static struct klp_object objs[] = {
	{
		.callbacks = {
			.post_unpatch = post_unpatch,
		},
	}, { }
};

static void fix_exit(void)
{
	log_exit();
}

module_exit(fix_exit);
MODULE_LICENSE("GPL");
