// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the chain sample's patterns: early return when NULL, put under
 * "if (st)" after reads guarded by "st ?", a goto to a label before the
 * put, a loop that skips objects without data.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v2,
	.name = "stats",
	.id = STATS_ID,
	.version = 2,
	.layout = STATS_V2_LAYOUT,
	.reserve = STATS_RESERVE,
);

KLPSV_FAMILY(tag, struct tag_v1,
	.name = "tag",
	.id = TAG_ID,
	.version = 1,
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

static int p2_account(struct chain_session *s, unsigned int bytes)
{
	struct stats_v2 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);
	int ret = 0;

	if (unlikely(!st))
		return -ENOMEM;
	if (st->bytes + bytes < st->bytes) {
		ret = -EOVERFLOW;
		goto out;
	}
	st->bytes += bytes;
out:
	stats_put(st);
	return ret;
}

static u64 p2_total(struct chain_session *sessions, unsigned int n)
{
	struct stats_v2 *st;
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		st = stats_get(&sessions[i]);
		if (!st)
			continue;
		total += st->bytes;
		stats_put(st);
	}
	return total;
}
