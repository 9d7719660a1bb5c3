// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: accessors of the "stats" family called inside read-side
 * sections that serialize nothing between readers: RCU (also through
 * guard(rcu)()), SRCU, a seqlock read loop, and an RCU section whose
 * spinlock was already dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/srcu.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v2,
	.name = "stats",
	.id = STATS_ID,
	.version = 2,
	.layout = STATS_V2_LAYOUT,
	.reserve = STATS_RESERVE,
);

DEFINE_STATIC_SRCU(sessions_srcu);

static u32 p2_bytes(struct chain_session *s)
{
	struct stats_v2 *st;
	u32 bytes = 0;

	rcu_read_lock();
	st = stats_get(s);
	if (st) {
		bytes = st->bytes;
		stats_put(st);
	}
	rcu_read_unlock();
	return bytes;
}

static void p2_touch(struct chain_session *s)
{
	struct stats_v2 *st;
	int idx;

	idx = srcu_read_lock(&sessions_srcu);
	st = stats_get_or_alloc(s, GFP_ATOMIC, NULL);
	if (st) {
		st->touches++;
		stats_put(st);
	}
	srcu_read_unlock(&sessions_srcu, idx);
}

static u32 p2_touches(struct chain_session *s)
{
	struct stats_v2 *st;
	unsigned int seq;
	u32 touches;

	do {
		seq = read_seqbegin(&s->seq);
		touches = 0;
		st = stats_get(s);
		if (st) {
			touches = st->touches;
			stats_put(st);
		}
	} while (read_seqretry(&s->seq, seq));
	return touches;
}

static void p2_reset(struct chain_session *s)
{
	struct stats_v2 *st;

	guard(rcu)();
	st = stats_get(s);
	if (!st)
		return;
	st->bytes = 0;
	stats_put(st);
}

static void p2_close(struct chain_session *s)
{
	struct stats_v2 *st;

	rcu_read_lock();
	spin_lock(&s->lock);
	s->open = false;
	spin_unlock(&s->lock);
	st = stats_get(s);
	if (st) {
		s->last_bytes = st->bytes;
		stats_put(st);
	}
	rcu_read_unlock();
}
