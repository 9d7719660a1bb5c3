/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The chain sample's version 2 (stats v2 in place, tag v1) as a body of
 * code several patch modules share: the build-flow samples
 * (samples/klp-build, samples/kpatch) and test modules include it, so
 * that every module at "v2" runs the same logic as samples/chain/p2.c.
 * Each includer defines CHAIN_V2_TAG, the name its report lines end
 * with, and wires v2_touch(), v2_report(), v2_close() and v2_park() to
 * the victim's functions its own way.
 */
#ifndef _KLPSV_CHAIN_V2_H
#define _KLPSV_CHAIN_V2_H

#include <linux/seq_file.h>
#include <linux/string.h>

#include "schemas.h"

#ifndef CHAIN_V2_TAG
#error "define CHAIN_V2_TAG, the tag of this module's report lines"
#endif

/* In place: only the new member is written; its tail room was zeroed. */
static int stats_v1_to_v2(void *obj, const void *from, void *to)
{
	struct stats_v2 *st = to;

	st->bytes = 0;
	return 0;
}

/*
 * tag before stats: a patch without klpsv_enable_patch() finds its
 * families in the order of the module's parameter table, which gcc
 * writes last declared first; this way its log names stats first, as
 * p2.c's families[] does.
 */
KLPSV_FAMILY(tag, struct tag_v1,
	.name = "tag",
	.id = TAG_ID,
	.version = KLPSV_V(1),
	.layout = TAG_V1_LAYOUT,
);

KLPSV_FAMILY(stats, struct stats_v2,
	.name = "stats",
	.id = STATS_ID,
	.version = KLPSV_V(2),
	.layout = STATS_V2_LAYOUT,
	.reserve = STATS_RESERVE,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = STATS_V1_LAYOUT,
		      .up = stats_v1_to_v2 }),
);

static void v2_touch(struct chain_session *s, unsigned int bytes,
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

static void v2_report(struct seq_file *m, struct chain_session *s)
{
	struct stats_v2 *st = stats_get(s);
	struct tag_v1 *tag = tag_get(s);

	seq_printf(m, "session %u: touches=%u bytes=%u who=%s [%s]\n", s->id,
		   st ? st->touches : 0, st ? st->bytes : 0,
		   tag ? tag->who : "-", CHAIN_V2_TAG);
	if (st)
		stats_put(st);
	if (tag)
		tag_put(tag);
}

static void v2_close(struct chain_session *s)
{
	stats_free(s);
	tag_free(s);
}

static void v2_park(unsigned int ms, struct chain_session *s)
{
	chain_park_body(ms);
	if (!s)
		return;
	mutex_lock(&chain_lock);
	if (s->open)
		v2_touch(s, 0, "parked");
	mutex_unlock(&chain_lock);
}

#endif /* _KLPSV_CHAIN_V2_H */
