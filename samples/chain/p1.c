// SPDX-License-Identifier: GPL-2.0
/*
 * Chain patch 1: accounts for the touches of each session, in the "stats"
 * family at v1.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = KLPSV_V(1),
	.layout = STATS_V1_LAYOUT,
	.reserve = STATS_RESERVE,
);

static void p1_touch(struct chain_session *s, unsigned int bytes,
		     const char *who)
{
	struct stats_v1 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return;
	st->touches++;
	stats_put(st);
}

static void p1_report(struct seq_file *m, struct chain_session *s)
{
	struct stats_v1 *st = stats_get(s);

	if (!st) {
		seq_printf(m, "session %u: touches=0 [p1]\n", s->id);
		return;
	}
	seq_printf(m, "session %u: touches=%u [p1]\n", s->id, st->touches);
	stats_put(st);
}

static void p1_close(struct chain_session *s)
{
	stats_free(s);
}

static void p1_park(unsigned int ms, struct chain_session *s)
{
	chain_park_body(ms);
	if (!s)
		return;
	mutex_lock(&chain_lock);
	if (s->open)
		p1_touch(s, 0, "parked");
	mutex_unlock(&chain_lock);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "chain_touch", .new_func = p1_touch, },
	{ .old_name = "chain_report", .new_func = p1_report, },
	{ .old_name = "chain_close", .new_func = p1_close, },
	{ .old_name = "chain_park", .new_func = p1_park, },
	{ }
};

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		/* vmlinux: always present, so klpsv's callbacks always run */
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, {
		.name = "klpsv_chain_victim",
		.funcs = victim_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &stats_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init p1_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p1_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(p1_init);
module_exit(p1_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv chain sample, patch 1: stats v1");
MODULE_INFO(livepatch, "Y");
