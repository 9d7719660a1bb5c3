// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: klpsv_get(), klpsv_get_or_alloc() and klpsv_put() on a
 * family declared as a plain struct klpsv_family, under the read side of
 * an rwlock, an rw_semaphore (also its trylock and a downgraded write
 * lock), a percpu rw_semaphore, and in a helper that asserts that its
 * caller holds a lock for reading.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/percpu-rwsem.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>

#include <klpsv.h>

struct conn_v1 {
	u32 retries;
};

struct conn {
	rwlock_t lock;
	struct rw_semaphore sem;
	u32 state;
};

static struct klpsv_family conn_family = {
	.name = "conn",
	.id = KLPSV_ID(4242, 1),
	.version = 1,
	.layout = KLPSV_LAYOUT(struct conn_v1,
			       KLPSV_FIELD(struct conn_v1, retries)),
};

DEFINE_STATIC_PERCPU_RWSEM(conns_rwsem);

static u32 conn_retries(struct conn *c)
{
	struct conn_v1 *cv;
	unsigned long flags;
	u32 n = 0;

	read_lock_irqsave(&c->lock, flags);
	cv = klpsv_get(&conn_family, c);
	if (cv) {
		n = cv->retries;
		klpsv_put(&conn_family, cv);
	}
	read_unlock_irqrestore(&c->lock, flags);
	return n;
}

static int conn_retry(struct conn *c)
{
	struct conn_v1 *cv;

	down_read(&c->sem);
	cv = klpsv_get_or_alloc(&conn_family, c, GFP_KERNEL, NULL);
	if (!cv) {
		up_read(&c->sem);
		return -ENOMEM;
	}
	cv->retries++;
	up_read(&c->sem);
	klpsv_put(&conn_family, cv);
	return 0;
}

static void conn_try_reset(struct conn *c)
{
	struct conn_v1 *cv;

	if (!down_read_trylock(&c->sem))
		return;
	cv = klpsv_get(&conn_family, c);
	if (cv) {
		cv->retries = 0;
		klpsv_put(&conn_family, cv);
	}
	up_read(&c->sem);
}

static void conn_open(struct conn *c)
{
	struct conn_v1 *cv;

	down_write(&c->sem);
	c->state = 1;
	downgrade_write(&c->sem);
	cv = klpsv_get(&conn_family, c);
	if (cv) {
		cv->retries = 0;
		klpsv_put(&conn_family, cv);
	}
	up_read(&c->sem);
}

static void conn_sweep(struct conn *c)
{
	struct conn_v1 *cv;

	percpu_down_read(&conns_rwsem);
	cv = klpsv_get(&conn_family, c);
	if (cv)
		klpsv_put(&conn_family, cv);
	percpu_up_read(&conns_rwsem);
}

static u32 conn_retries_locked(struct conn *c)
{
	struct conn_v1 *cv;
	u32 n;

	lockdep_assert_held_read(&c->sem);
	cv = klpsv_get(&conn_family, c);
	if (!cv)
		return 0;
	n = cv->retries;
	klpsv_put(&conn_family, cv);
	return n;
}
