// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the accessors run with the object's lock held for writing,
 * alone or inside a read-side section (taken before or after it), with
 * guard(), through a caller that holds it (lockdep_assert_held()), or
 * after the read-side section ended.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = 1,
	.layout = STATS_V1_LAYOUT,
);

static void p1_touch(struct chain_session *s)
{
	struct stats_v1 *st;

	rcu_read_lock();
	spin_lock(&s->lock);
	st = stats_get(s);
	if (st) {
		st->touches++;
		stats_put(st);
	}
	spin_unlock(&s->lock);
	rcu_read_unlock();
}

static void p1_account(struct chain_session *s, unsigned int bytes)
{
	struct stats_v1 *st;
	unsigned long flags;

	spin_lock_irqsave_nested(&s->lock, flags, 1);
	rcu_read_lock();
	st = stats_get_or_alloc(s, GFP_ATOMIC, NULL);
	if (st) {
		st->bytes += bytes;
		stats_put(st);
	}
	rcu_read_unlock();
	spin_unlock_irqrestore(&s->lock, flags);
}

static void p1_close(struct chain_session *s)
{
	struct stats_v1 *st;

	down_read(&s->table->sem);
	mutex_lock(&s->mutex);
	st = stats_get(s);
	if (st) {
		s->last_bytes = st->bytes;
		stats_put(st);
	}
	mutex_unlock(&s->mutex);
	up_read(&s->table->sem);
}

static void p1_reset(struct chain_session *s)
{
	struct stats_v1 *st;

	guard(rcu)();
	guard(spinlock_irqsave)(&s->lock);
	st = stats_get(s);
	if (!st)
		return;
	st->bytes = 0;
	stats_put(st);
}

static void p1_reset_locked(struct chain_session *s)
{
	struct stats_v1 *st;

	rcu_read_lock();
	lockdep_assert_held(&s->lock);
	st = stats_get(s);
	if (st) {
		st->bytes = 0;
		stats_put(st);
	}
	rcu_read_unlock();
}

static void p1_write(struct chain_session *s)
{
	struct stats_v1 *st;

	read_lock(&s->table->lock);
	write_lock_bh(&s->rwlock);
	st = stats_get(s);
	if (st)
		stats_put(st);
	write_unlock_bh(&s->rwlock);
	read_unlock(&s->table->lock);

	down_write(&s->sem);
	st = stats_get(s);
	if (st)
		stats_put(st);
	up_write(&s->sem);
}

static u32 p1_after(struct chain_session *s)
{
	struct stats_v1 *st;
	bool open;
	u32 n = 0;

	rcu_read_lock();
	open = READ_ONCE(s->open);
	rcu_read_unlock();
	if (!open)
		return 0;
	st = stats_get(s);
	if (st) {
		n = st->touches;
		stats_put(st);
	}
	return n;
}
