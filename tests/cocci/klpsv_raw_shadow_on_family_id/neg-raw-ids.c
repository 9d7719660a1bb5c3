// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: a patch with raw shadow variables only, on hand-written ids,
 * next to a klpsv-style id macro it does not use for shadow data (the
 * klp_state id of its own callbacks); and the smoke sample's read counter,
 * a raw shadow id in klpsv's own namespace 0, where no family can be
 * (klpsv_enable_patch() refuses one).
 */
#include <linux/livepatch.h>
#include <linux/module.h>

#include <klpsv.h>

#define SV_LEAK		1
#define SV_COUNTER	2
#define FIX_STATE_ID	KLPSV_ID(4242, 9)
#define SMOKE_READS_ID	KLPSV_ID(0, 1)

struct dummy {
	unsigned long jiffies_expire;
};

static struct klp_state states[] = {
	{ .id = FIX_STATE_ID, .version = 1, },
	{ }
};

static bool fix_dummy_check(struct dummy *d, unsigned long jiffies)
{
	int *count = klp_shadow_get_or_alloc(d, SV_COUNTER, sizeof(*count),
					     GFP_NOWAIT, NULL, NULL);

	if (count)
		*count += 1;
	return time_after(jiffies, d->jiffies_expire);
}

static unsigned int fix_dummy_reads(struct dummy *d)
{
	unsigned int *reads;

	reads = klp_shadow_get_or_alloc(d, SMOKE_READS_ID, sizeof(*reads),
					GFP_KERNEL, NULL, NULL);
	return reads ? ++*reads : 0;
}

static void fix_dummy_free(struct dummy *d)
{
	klp_shadow_free(d, SV_LEAK, NULL);
	klp_shadow_free(d, SV_COUNTER, NULL);
}

static void fix_post_unpatch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(obj->patch, FIX_STATE_ID);

	if (state) {
		klp_shadow_free_all(SV_COUNTER, NULL);
		klp_shadow_free_all(SMOKE_READS_ID, NULL);
	}
}
