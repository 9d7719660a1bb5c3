/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transition stress test: a victim module whose kthreads call patched
 * functions flat out on a pool of objects, each call counting in shadow
 * data, while the victim keeps an independent tally of the calls that ran
 * patched code.  Three cumulative livepatches (s1, s2, s3) move the
 * counter through an additive and a breaking change while the threads run.
 *
 *   counter v1  s1  u32 count, u32 oid                  (new)
 *   counter v2  s2  u32 count, u32 oid, u32 stamp,      (additive: up
 *                   struct stress_buf *buf              allocates @buf,
 *                                                       down frees it)
 *   counter v3  s3  u32 oid, u32 stamp, u64 count,      (breaking: count
 *                   struct stress_buf *buf              grows to 64 bits
 *                   and moves; up from v1 and v2, down to v2 so new-code
 *                   writes reach old code, each deep-copying @buf)
 *
 * @oid is the object's id + 1, set by the constructor and carried by every
 * step: an instance with another oid is one a reader saw half migrated
 * (or attached to the wrong object), counted in stress_ctl.corrupt.
 *
 * From v2 on every instance also owns a small kmalloc'd buffer (@buf, a
 * new member of the additive change, see schemas.h) that patched code
 * replaces now and then and every step deep-copies, releases or frees:
 * stress_ctl counts the buffers allocated and freed, so that a buffer
 * leaked, freed twice or shared between two instances shows.
 */
#ifndef _KLPSV_STRESS_H
#define _KLPSV_STRESS_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* Namespace of the stress test's klpsv ids ("ST"). */
#define STRESS_NS	0x5354
#define STRESS_LOCAL	1

/*
 * The id of the raw shadow data of the adoption test (p0.c, a1.c): not a
 * klpsv id, but one as SUSE's hand-written livepatches build them,
 * KLP_SHADOW_ID(bsc, n) = bug number << 6 | n.
 */
#define STRESS_BSC		1213456UL
#define STRESS_SHADOW_ID(bsc, n)	(((bsc) << 6) | (n))
#define STRESS_RAW_ID		STRESS_SHADOW_ID(STRESS_BSC, 1)

/*
 * Code numbers: 0 is the victim's own (unpatched) code, 1 to 3 patches s1
 * to s3, 4 the raw patch p0 and 5 its klpsv successor a1 (33-adopt.sh).
 */
#define STRESS_NR_CODE	6

/**
 * struct stress_obj - one object of the pool
 * @lock: serializes every access to the object's shadow data; held by
 *	the caller around every patched call, as klpsv (like upstream)
 *	requires
 * @id: index in the pool
 * @born: the object may be touched; objects past the initial pool are
 *	born when a creator thread's first patched call on them succeeded
 * @birth: stress_ctl.phase when a creator made it
 * @expect: what its shadow counter should read: patched code bumps it
 *	with the counter, under @lock (a per-object tally, for diagnosis)
 */
struct stress_obj {
	spinlock_t lock;
	u32 id;
	bool born;
	u8 birth;
	u64 expect;
};

/**
 * struct stress_thread - one kthread of the victim
 * @task: the kthread
 * @nr: thread number
 * @rnd: xorshift state
 * @sticky: may pin itself in stress_slice() (and create objects there)
 * @last_grow: jiffies of the last object it created
 */
struct stress_thread {
	struct task_struct *task;
	unsigned int nr;
	u32 rnd;
	bool sticky;
	unsigned long last_grow;
};

/**
 * struct stress_ctl - the victim's state, shared with the patches' copies
 *	of stress_slice()
 * @pool: the objects
 * @nobjs: number of objects in @pool
 * @nhot: the first @nhot objects are "hot"
 * @hot_pct: percentage of calls aimed at the hot objects
 * @close_every: 1 in @close_every calls frees the object's shadow data
 *	instead (0: never); then the next call creates it again
 * @old_creates: objects without shadow data (never counted, or freed)
 *	get it from pinned threads only, which run the old code of the
 *	transition held open: during a breaking transition klpsv does not
 *	support old code creating data for an object that only new code
 *	has (Documentation/design.rst, Limits)
 * @next_new: objects below it were born or failed to; creators take the
 *	next object to create here
 * @grow_limit: creators create objects up to this index
 * @sticky: sticky threads pin themselves inside stress_slice(), so they
 *	keep running the code they entered it with and hold a transition
 *	open; they create objects only while pinned
 * @running: the threads run
 * @pinned: threads currently pinned
 * @tally: calls that incremented a shadow counter (patched code)
 * @missed: patched calls whose accessor returned NULL
 * @retired: counter values freed by stress_close()
 * @corrupt: patched calls that saw an instance with a wrong oid, or a
 *	buffer that is not its own (@bufs_bad)
 * @calls: calls by code: [0] the victim's, [n] patch sn's, [4] p0's,
 *	[5] a1's
 * @created: objects born by creators
 * @create_failed: objects creators gave up on
 * @phase: a number the test sets, recorded in objects created meanwhile
 * @paused: the threads sleep between slices
 * @npaused: threads sleeping because of @paused
 * @bufs_alloc: owned buffers allocated (struct stress_buf, schemas.h)
 * @bufs_freed: owned buffers freed
 * @bufs_bad: buffers seen with a wrong magic, owner, oid or count, or
 *	missing, by patched code or a step
 */
struct stress_ctl {
	struct stress_obj *pool;
	u32 nobjs;
	u32 nhot;
	u32 hot_pct;
	u32 close_every;
	bool old_creates;
	atomic_t next_new;
	u32 grow_limit;
	bool sticky;
	bool running;
	atomic_t pinned;
	atomic64_t tally;
	atomic64_t missed;
	atomic64_t retired;
	atomic64_t corrupt;
	atomic64_t calls[STRESS_NR_CODE];
	atomic_t created;
	atomic_t create_failed;
	u32 phase;
	bool paused;
	atomic_t npaused;
	atomic64_t bufs_alloc;
	atomic64_t bufs_freed;
	atomic64_t bufs_bad;
};

extern struct stress_ctl stress_ctl;

/*
 * The functions the livepatches replace, all exported so the patches'
 * copies of stress_slice() call them through the victim's symbols (and so
 * through the livepatch redirection that matches the calling task).
 */
/* Count one call in @o's shadow data; true if patched code counted it. */
bool stress_op(struct stress_obj *o);
/*
 * @o's shadow counter, or 0; *@owned is set to 1 if the instance owns a
 * buffer (checked on the way), else 0.
 */
u64 stress_report(struct stress_obj *o, u32 *owned);
/* Free @o's shadow data, adding its counter to stress_ctl.retired. */
void stress_close(struct stress_obj *o);
/* A slice of calls; every patch replaces it with a copy of itself. */
void stress_slice(struct stress_thread *t);
/* Sleep in a patched function, holding the next transition open. */
void stress_park(unsigned int ms);

/*
 * A scheduling point that is not a cond_resched() call.  On the 6.12
 * kernels every livepatch transition rewrites each cond_resched() call
 * site, at its start and at its end (static calls switched by
 * sched_dynamic_klp_enable() and _disable(), int3-based text poking); a
 * thread calling cond_resched() flat out then sometimes dies of an
 * unhandled int3 under qemu's TCG (see tests/stress/README.md).
 */
static inline void stress_resched(void)
{
	if (need_resched())
		schedule();
}

/* Calls per slice, and calls between two scheduling points when pinned. */
#define STRESS_SLICE	128

static inline u32 stress_rand(struct stress_thread *t)
{
	u32 x = t->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	t->rnd = x;
	return x;
}

/* A creator makes the next object of the pool, one per jiffy at most. */
static inline void stress_grow(struct stress_ctl *c, struct stress_thread *t)
{
	struct stress_obj *o;
	unsigned int try;
	int idx;

	if (t->last_grow == jiffies ||
	    atomic_read(&c->next_new) >= READ_ONCE(c->grow_limit))
		return;
	t->last_grow = jiffies;
	idx = atomic_inc_return(&c->next_new) - 1;
	if (idx >= READ_ONCE(c->grow_limit)) {
		atomic_dec(&c->next_new);
		return;
	}
	o = &c->pool[idx];
	spin_lock(&o->lock);
	for (try = 0; try < 8; try++) {
		if (stress_op(o)) {
			o->birth = READ_ONCE(c->phase);
			WRITE_ONCE(o->born, true);
			break;
		}
	}
	spin_unlock(&o->lock);
	if (READ_ONCE(o->born))
		atomic_inc(&c->created);
	else
		atomic_inc(&c->create_failed);
}

/* One call on a random born object. */
static inline void stress_step(struct stress_ctl *c, struct stress_thread *t,
			       bool pinned)
{
	u32 r = stress_rand(t), limit, close_every;
	struct stress_obj *o;

	if (c->nhot && (r >> 24) % 100 < c->hot_pct)
		limit = c->nhot;
	else
		limit = atomic_read(&c->next_new);
	o = &c->pool[stress_rand(t) % limit];
	if (!READ_ONCE(o->born))
		return;
	close_every = READ_ONCE(c->close_every);
	spin_lock(&o->lock);
	if (!o->expect && !pinned && READ_ONCE(c->old_creates))
		;	/* no data: left for old code to create */
	else if (close_every && r % close_every == 0)
		stress_close(o);
	else
		stress_op(o);
	spin_unlock(&o->lock);
}

/*
 * The body of stress_slice(), shared by the victim and every patch.  A
 * sticky thread stays in here, and so in the code it entered with, for as
 * long as stress_ctl.sticky is set: no livepatch transition can switch it
 * meanwhile.  Only pinned threads create objects, so during a breaking
 * transition every object is created by the old code.
 */
static inline void stress_slice_body(struct stress_thread *t)
{
	struct stress_ctl *c = &stress_ctl;
	bool pinned = false;
	unsigned int i;

	for (;;) {
		for (i = 0; i < STRESS_SLICE; i++)
			stress_step(c, t, pinned);
		if (!t->sticky || !READ_ONCE(c->sticky) ||
		    !READ_ONCE(c->running) || kthread_should_stop())
			break;
		if (!pinned) {
			pinned = true;
			atomic_inc(&c->pinned);
		}
		stress_grow(c, t);
		stress_resched();
	}
	if (pinned)
		atomic_dec(&c->pinned);
	barrier();	/* no tail call: the caller stays on the stack */
}

static inline void stress_park_body(unsigned int ms)
{
	msleep_interruptible(ms);
	barrier();	/* no tail call: the caller stays on the stack */
}

#endif /* _KLPSV_STRESS_H */
