// SPDX-License-Identifier: GPL-2.0
/* Positive: a stacked (non-cumulative) patch that attaches shadow data. */
#include <linux/module.h>
#include <linux/livepatch.h>

#define SV_COUNTER 2

struct dummy {
	unsigned long jiffies_expire;
};

static bool fix_dummy_check(struct dummy *d, unsigned long j)
{
	int *count = klp_shadow_get_or_alloc(d, SV_COUNTER, sizeof(*count),
					     GFP_NOWAIT, NULL, NULL);

	if (count)
		*count += 1;
	return time_after(j, d->jiffies_expire);
}

static struct klp_func funcs[] = {
	{
		.old_name = "dummy_check",
		.new_func = fix_dummy_check,
	}, { }
};

static struct klp_object objs[] = {
	{
		.name = "livepatch_shadow_mod",
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int fix_init(void)
{
	return klp_enable_patch(&patch);
}

module_init(fix_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
