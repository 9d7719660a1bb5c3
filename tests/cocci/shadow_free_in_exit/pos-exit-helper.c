// SPDX-License-Identifier: GPL-2.0
/* Positive: the exit function frees through static helpers, and directly. */
#include <linux/module.h>
#include <linux/livepatch.h>

#define SV_COUNT 2
#define SV_STATE 3

extern struct list_head tracked_objs;

struct tracked {
	struct list_head list;
};

static void drop_counters(void)
{
	klp_shadow_free_all(SV_COUNT, NULL);
}

static void drop_states(void)
{
	struct tracked *t;

	list_for_each_entry(t, &tracked_objs, list)
		klp_shadow_free(t, SV_STATE, NULL);
}

static void release_families(void)
{
	klpsv_free(&conn_family, &tracked_objs);
}

static void fix_exit(void)
{
	drop_counters();
	if (!list_empty(&tracked_objs))
		drop_states();
	release_families();
	klp_shadow_free(&tracked_objs, SV_STATE, NULL);
}

module_exit(fix_exit);
MODULE_LICENSE("GPL");
