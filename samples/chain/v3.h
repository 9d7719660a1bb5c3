/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The chain sample's version 3 (stats v3 in a new layout, tag retired) as
 * a body of code several patch modules share, like v2.h: the same logic
 * as samples/chain/p3.c.  The includer defines CHAIN_V3_TAG and pr_fmt
 * (the destructor and the release log through pr_info()).
 */
#ifndef _KLPSV_CHAIN_V3_H
#define _KLPSV_CHAIN_V3_H

#include <linux/minmax.h>
#include <linux/seq_file.h>

#include "schemas.h"

#ifndef CHAIN_V3_TAG
#error "define CHAIN_V3_TAG, the tag of this module's report lines"
#endif

static int stats_v1_to_v3(void *obj, const void *from, void *to)
{
	const struct stats_v1 *old = from;
	struct stats_v3 *st = to;

	st->touches = old->touches;
	return 0;
}

static int stats_v2_to_v3(void *obj, const void *from, void *to)
{
	const struct stats_v2 *old = from;
	struct stats_v3 *st = to;

	st->touches = old->touches;
	st->bytes = old->bytes;
	return 0;
}

/* Back to v2, saturating, for a reverted transition. */
static int stats_v3_to_v2(void *obj, const void *from, void *to)
{
	const struct stats_v3 *st = from;
	struct stats_v2 *old = to;

	old->touches = min_t(u64, st->touches, U32_MAX);
	old->bytes = min_t(u64, st->bytes, U32_MAX);
	return 0;
}

/* Runs exactly once per instance: on close, or at the final disable. */
static void stats_v3_dtor(void *obj, void *data)
{
	struct chain_session *s = obj;

	pr_info("session %u: stats freed\n", s->id);
}

/* Retiring tag: each v1 instance is released once, after the transition. */
static void tag_v1_release(void *obj, void *data)
{
	struct chain_session *s = obj;

	pr_info("session %u: tag released\n", s->id);
}

/*
 * A tombstone: tag instances are freed once the transition completes.
 * Declared with KLPSV_FAMILY() (its type is the last one it had), so that
 * a patch whose init klpsv does not write finds it in the module too;
 * before stats, for the log order (see v2.h).
 */
KLPSV_FAMILY(tag, struct tag_v1,
	.name = "tag",
	.id = TAG_ID,
	.version = KLPSV_V(2),
	.retired = true,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = TAG_V1_LAYOUT,
		      .release = tag_v1_release }),
);

KLPSV_FAMILY(stats, struct stats_v3,
	.name = "stats",
	.id = STATS_ID,
	.version = KLPSV_V(3),
	.layout = STATS_V3_LAYOUT,
	.reserve = STATS_RESERVE,
	.dtor = stats_v3_dtor,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = STATS_V1_LAYOUT,
		      .up = stats_v1_to_v3 },
		    { .from = KLPSV_V(2), .layout = STATS_V2_LAYOUT,
		      .up = stats_v2_to_v3, .down = stats_v3_to_v2 }),
);

static void v3_touch(struct chain_session *s, unsigned int bytes,
		     const char *who)
{
	struct stats_v3 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return;
	st->touches++;
	st->bytes += bytes;
	stats_put(st);
}

static void v3_report(struct seq_file *m, struct chain_session *s)
{
	struct stats_v3 *st = stats_get(s);

	seq_printf(m, "session %u: touches=%llu bytes=%llu [%s]\n", s->id,
		   st ? st->touches : 0, st ? st->bytes : 0, CHAIN_V3_TAG);
	if (st)
		stats_put(st);
}

static void v3_close(struct chain_session *s)
{
	stats_free(s);
}

static void v3_park(unsigned int ms, struct chain_session *s)
{
	chain_park_body(ms);
	if (!s)
		return;
	mutex_lock(&chain_lock);
	if (s->open)
		v3_touch(s, 0, "parked");
	mutex_unlock(&chain_lock);
}

#endif /* _KLPSV_CHAIN_V3_H */
