// SPDX-License-Identifier: GPL-2.0
/*
 * Chain patch 2: also accounts for bytes, so "stats" moves to v2, an
 * additive change migrated in place; and remembers who touched a session
 * last, in a new family "tag".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "schemas.h"

/* In place: only the new member is written; its tail room was zeroed. */
static int stats_v1_to_v2(void *obj, const void *from, void *to)
{
	struct stats_v2 *st = to;

	st->bytes = 0;
	return 0;
}

KLPSV_FAMILY(stats, struct stats_v2,
	.name = "stats",
	.id = STATS_ID,
	.version = KLPSV_V(2),
	.layout = STATS_V2_LAYOUT,
	.reserve = STATS_RESERVE,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = STATS_V1_LAYOUT,
		      .up = stats_v1_to_v2 }),
);

KLPSV_FAMILY(tag, struct tag_v1,
	.name = "tag",
	.id = TAG_ID,
	.version = KLPSV_V(1),
	.layout = TAG_V1_LAYOUT,
);

static void p2_touch(struct chain_session *s, unsigned int bytes,
		     const char *who)
{
	struct stats_v2 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);
	struct tag_v1 *tag;

	if (st) {
		st->touches++;
		st->bytes += bytes;
		stats_put(st);
	}
	tag = tag_get_or_alloc(s, GFP_KERNEL, NULL);
	if (tag) {
		strscpy(tag->who, who, sizeof(tag->who));
		tag_put(tag);
	}
}

static void p2_report(struct seq_file *m, struct chain_session *s)
{
	struct stats_v2 *st = stats_get(s);
	struct tag_v1 *tag = tag_get(s);

	seq_printf(m, "session %u: touches=%u bytes=%u who=%s [p2]\n", s->id,
		   st ? st->touches : 0, st ? st->bytes : 0,
		   tag ? tag->who : "-");
	if (st)
		stats_put(st);
	if (tag)
		tag_put(tag);
}

static void p2_close(struct chain_session *s)
{
	stats_free(s);
	tag_free(s);
}

static void p2_park(unsigned int ms, struct chain_session *s)
{
	chain_park_body(ms);
	if (!s)
		return;
	mutex_lock(&chain_lock);
	if (s->open)
		p2_touch(s, 0, "parked");
	mutex_unlock(&chain_lock);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "chain_touch", .new_func = p2_touch, },
	{ .old_name = "chain_report", .new_func = p2_report, },
	{ .old_name = "chain_close", .new_func = p2_close, },
	{ .old_name = "chain_park", .new_func = p2_park, },
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

static struct klpsv_family *families[] = { &stats_family, &tag_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init p2_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p2_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(p2_init);
module_exit(p2_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv chain sample, patch 2: stats v2, tag v1");
MODULE_INFO(livepatch, "Y");
