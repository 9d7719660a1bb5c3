// SPDX-License-Identifier: GPL-2.0
/*
 * An index's instances, found by object: a hash table of singly linked
 * chains threaded through the instances' headers, owned by the library
 * and handed over with the index.  Upstream's shadow table has a fixed
 * 4096 buckets, so its chains grow with the number of shadow variables;
 * this one grows and shrinks with its family, so a lookup stays flat.
 *
 * Lookups take no lock: the chains are RCU lists, and the instances are
 * freed by klp_shadow_free() after a grace period.  Inserts, removals and
 * resizes run under the index lock.  A table doubles when it holds two
 * instances per bucket and shrinks fourfold below one per eight buckets,
 * so buckets cost 4 to 8 bytes per instance once it is past its smallest
 * size.  A resize moves a few buckets at a time into the new array,
 * piggybacked on inserts and removals, so no lock is held for a time that
 * grows with the number of instances.
 * A lockless lookup that misses while buckets move (the index's sequence
 * count moved or is odd) looks again under the lock: a hit is always
 * right, only a miss needs checking.
 */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* The load (instances per bucket) that grows a table. */
#define KLPSV_TABLE_MAX_LOAD	2
/* How often (in instances) klpsv_table_fit() looks at a table's size. */
#define KLPSV_TABLE_FIT_EVERY	32
/* Buckets moved to the new array per insert or removal while resizing. */
#define KLPSV_TABLE_MOVE	8

static struct klpsv_buckets *buckets_alloc(unsigned int shift, gfp_t gfp)
{
	struct klpsv_buckets *b;
	size_t size = struct_size(b, head, 1UL << shift);

	if (gfpflags_allow_blocking(gfp))
		b = kvzalloc(size, gfp);
	else
		b = kzalloc(size, gfp | __GFP_NOWARN);
	if (b)
		b->shift = shift;
	return b;
}

static u32 nr_buckets(const struct klpsv_buckets *b)
{
	return 1U << b->shift;
}

static size_t buckets_bytes(const struct klpsv_buckets *b)
{
	return b ? struct_size(b, head, nr_buckets(b)) : 0;
}

/**
 * klpsv_table_bytes() - memory a table uses for its buckets
 * @index: the index, not locked
 * @t: the table
 *
 * Return: bytes, the instances' headers not included.
 */
size_t klpsv_table_bytes(struct klpsv_index *index, struct klpsv_table *t)
{
	unsigned long flags;
	size_t bytes;

	spin_lock_irqsave(&index->lock, flags);
	bytes = buckets_bytes(rcu_dereference_protected(t->buckets,
					lockdep_is_held(&index->lock))) +
		buckets_bytes(rcu_dereference_protected(t->old,
					lockdep_is_held(&index->lock)));
	spin_unlock_irqrestore(&index->lock, flags);
	return bytes;
}


/**
 * klpsv_table_init() - make an empty table
 * @t: the table
 *
 * Context: process context.
 * Return: 0, or -ENOMEM.
 */
int klpsv_table_init(struct klpsv_table *t)
{
	struct klpsv_buckets *b = buckets_alloc(KLPSV_TABLE_MIN_SHIFT,
						GFP_KERNEL);

	memset(t, 0, sizeof(*t));
	if (!b)
		return -ENOMEM;
	RCU_INIT_POINTER(t->buckets, b);
	return 0;
}

/**
 * klpsv_table_destroy() - free an empty table no code can reach any more
 * @t: the table
 */
void klpsv_table_destroy(struct klpsv_table *t)
{
	kvfree(rcu_access_pointer(t->old));
	kvfree(rcu_access_pointer(t->buckets));
}

/* Move the next few buckets of the old array; free it once empty. */
static void move_some(struct klpsv_index *index, struct klpsv_table *t,
		      unsigned int nr)
	__must_hold(&index->lock)
{
	struct klpsv_buckets *old = rcu_dereference_protected(t->old,
					lockdep_is_held(&index->lock));
	struct klpsv_buckets *new = rcu_dereference_protected(t->buckets,
					lockdep_is_held(&index->lock));
	struct klpsv_hdr *hdr, *next;
	struct klpsv_hdr __rcu **to;
	unsigned long seq_flags;
	bool emptied;

	if (!old)
		return;
	seq_flags = klpsv_seq_write_begin(index);
	for (; nr && t->moved < nr_buckets(old); nr--, t->moved++) {
		hdr = rcu_dereference_protected(old->head[t->moved], true);
		RCU_INIT_POINTER(old->head[t->moved], NULL);
		for (; hdr; hdr = next) {
			next = rcu_dereference_protected(hdr->chain, true);
			to = klpsv_bucket_of(new, hdr->obj);
			RCU_INIT_POINTER(hdr->chain,
					 rcu_dereference_protected(*to, true));
			rcu_assign_pointer(*to, hdr);
		}
	}
	emptied = t->moved == nr_buckets(old);
	if (emptied)
		RCU_INIT_POINTER(t->old, NULL);
	klpsv_seq_write_end(index, seq_flags);
	if (emptied)
		kvfree_rcu(old, rcu);
}

/**
 * __klpsv_table_insert() - add an instance
 * @index: the index, locked
 * @t: its table for the instance's epoch, with buckets
 * @hdr: the instance, in no table
 */
void __klpsv_table_insert(struct klpsv_index *index, struct klpsv_table *t,
			  struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	struct klpsv_hdr __rcu **head;

	move_some(index, t, KLPSV_TABLE_MOVE);
	head = klpsv_bucket_of(rcu_dereference_protected(t->buckets,
				lockdep_is_held(&index->lock)), hdr->obj);
	RCU_INIT_POINTER(hdr->chain, rcu_dereference_protected(*head, true));
	rcu_assign_pointer(*head, hdr);
	WRITE_ONCE(t->nr, t->nr + 1);
}

static bool chain_remove(struct klpsv_buckets *b, struct klpsv_hdr *hdr)
{
	struct klpsv_hdr __rcu **pp = klpsv_bucket_of(b, hdr->obj);
	struct klpsv_hdr *p;

	for (; (p = rcu_dereference_protected(*pp, true));
	     pp = &p->chain) {
		if (p == hdr) {
			/* Readers on @hdr still find the rest of the chain. */
			rcu_assign_pointer(*pp,
				rcu_dereference_protected(hdr->chain, true));
			return true;
		}
	}
	return false;
}

/**
 * __klpsv_table_remove() - take an instance out of its table
 * @index: the index, locked
 * @t: the instance's table
 * @hdr: the instance
 */
void __klpsv_table_remove(struct klpsv_index *index, struct klpsv_table *t,
			  struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	struct klpsv_buckets *old = rcu_dereference_protected(t->old,
					lockdep_is_held(&index->lock));

	if (!chain_remove(rcu_dereference_protected(t->buckets,
				lockdep_is_held(&index->lock)), hdr) &&
	    !(old && chain_remove(old, hdr)))
		WARN_ONCE(1, "klpsv: instance %p is in no bucket\n", hdr);
	WRITE_ONCE(t->nr, t->nr - 1);
	move_some(index, t, KLPSV_TABLE_MOVE);
}

/**
 * __klpsv_table_swap() - exchange two tables of an index
 * @index: the index, locked, its sequence count odd
 * @a: one table
 * @b: the other
 *
 * Field by field, each store marked: lockless readers load the fields
 * one at a time, and retry a miss when the sequence count moved.
 */
void __klpsv_table_swap(struct klpsv_index *index, struct klpsv_table *a,
			struct klpsv_table *b)
	__must_hold(&index->lock)
{
	struct klpsv_table t = *a;

	lockdep_assert_held(&index->lock);
	rcu_assign_pointer(a->buckets, rcu_dereference_protected(b->buckets,
				lockdep_is_held(&index->lock)));
	rcu_assign_pointer(a->old, rcu_dereference_protected(b->old,
				lockdep_is_held(&index->lock)));
	a->moved = b->moved;
	WRITE_ONCE(a->walkers, b->walkers);
	WRITE_ONCE(a->nr, b->nr);
	rcu_assign_pointer(b->buckets, rcu_dereference_protected(t.buckets,
				lockdep_is_held(&index->lock)));
	rcu_assign_pointer(b->old, rcu_dereference_protected(t.old,
				lockdep_is_held(&index->lock)));
	b->moved = t.moved;
	WRITE_ONCE(b->walkers, t.walkers);
	WRITE_ONCE(b->nr, t.nr);
}

/*
 * The size a table wants now (log2 of its buckets), or 0 when it fits.
 * Under rcu_read_lock() or the index lock: a resize frees bucket arrays.
 */
static unsigned int wanted_shift(struct klpsv_index *index,
				 const struct klpsv_table *t)
{
	struct klpsv_buckets *b = rcu_dereference_check(t->buckets,
					lockdep_is_held(&index->lock));
	u64 nr = READ_ONCE(t->nr);

	if (!b)		/* a lazy table's first buckets */
		return KLPSV_TABLE_MIN_SHIFT;
	if (rcu_access_pointer(t->old) || READ_ONCE(t->walkers))
		return 0;
	if (nr >= (u64)KLPSV_TABLE_MAX_LOAD << b->shift && b->shift < 31)
		return b->shift + 1;
	if (b->shift > KLPSV_TABLE_MIN_SHIFT && nr < (1ULL << b->shift) / 8)
		return max_t(unsigned int, b->shift - 2, KLPSV_TABLE_MIN_SHIFT);
	return 0;
}

/**
 * klpsv_table_fit() - resize a table that holds too many or too few
 *	instances for its buckets: before an insert, after a removal
 * @index: the index, not locked
 * @t: the table
 * @gfp: how to allocate the new buckets
 *
 * An allocation that fails leaves the table as it is: chains get longer
 * (or memory stays), nothing else changes; a lazy table stays without
 * buckets.  While a walk runs, the table keeps its size.
 */
void klpsv_table_fit(struct klpsv_index *index, struct klpsv_table *t,
		     gfp_t gfp)
{
	struct klpsv_buckets *b;
	unsigned long flags;
	unsigned int shift;

	/*
	 * Looked at every KLPSV_TABLE_FIT_EVERY instances: a table is then
	 * at most that many past its load, and the common insert or removal
	 * costs no reader section.
	 */
	if (likely(READ_ONCE(t->nr) % KLPSV_TABLE_FIT_EVERY) &&
	    rcu_access_pointer(t->buckets))
		return;
	rcu_read_lock();
	shift = wanted_shift(index, t);
	rcu_read_unlock();
	if (likely(!shift))
		return;
	b = buckets_alloc(shift, gfp);
	if (!b)
		return;
	spin_lock_irqsave(&index->lock, flags);
	if (wanted_shift(index, t) == shift) {
		unsigned long seq_flags = klpsv_seq_write_begin(index);

		rcu_assign_pointer(t->old, rcu_dereference_protected(t->buckets,
					lockdep_is_held(&index->lock)));
		rcu_assign_pointer(t->buckets, b);
		t->moved = 0;
		klpsv_seq_write_end(index, seq_flags);
		b = NULL;
	}
	spin_unlock_irqrestore(&index->lock, flags);
	kvfree(b);
}

/**
 * klpsv_table_reset() - give an emptied table its smallest size again
 * @index: the index, not locked
 * @t: the table, which no code adds to any more
 *
 * Context: process context.
 */
void klpsv_table_reset(struct klpsv_index *index, struct klpsv_table *t)
{
	struct klpsv_buckets *b = buckets_alloc(KLPSV_TABLE_MIN_SHIFT,
						GFP_KERNEL), *big;
	unsigned long flags;

	if (!b)
		return;
	spin_lock_irqsave(&index->lock, flags);
	if (!t->nr && !rcu_access_pointer(t->old) && !t->walkers) {
		unsigned long seq_flags;

		big = rcu_dereference_protected(t->buckets,
						lockdep_is_held(&index->lock));
		seq_flags = klpsv_seq_write_begin(index);
		rcu_assign_pointer(t->buckets, b);
		klpsv_seq_write_end(index, seq_flags);
		b = big;
	}
	spin_unlock_irqrestore(&index->lock, flags);
	kvfree_rcu(b, rcu);
}

/**
 * klpsv_table_unload() - free an empty lazy table's buckets
 * @index: the index, not locked
 * @t: a table only read under the lock, that no code adds to now
 */
void klpsv_table_unload(struct klpsv_index *index, struct klpsv_table *t)
{
	struct klpsv_buckets *b = NULL;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	if (!t->nr && !rcu_access_pointer(t->old) && !t->walkers) {
		b = rcu_dereference_protected(t->buckets,
					      lockdep_is_held(&index->lock));
		RCU_INIT_POINTER(t->buckets, NULL);
	}
	spin_unlock_irqrestore(&index->lock, flags);
	if (b)
		kvfree_rcu(b, rcu);
}

/* Collect the objects of bucket @i that @want accepts; false if full. */
static bool collect(struct klpsv_buckets *b, u32 i, void **objs,
		    unsigned int *n, unsigned int cap,
		    bool (*want)(const struct klpsv_hdr *hdr))
{
	struct klpsv_hdr *hdr;
	unsigned int k = *n;

	for (hdr = rcu_dereference_raw(b->head[i]); hdr;
	     hdr = rcu_dereference_raw(hdr->chain)) {
		if (want && !want(hdr))
			continue;
		if (k == cap)
			return false;
		objs[k++] = hdr->obj;
	}
	*n = k;
	return true;
}

/**
 * klpsv_walk_some() - call @fn for each object with an instance in @t
 * @family: passed to @fn
 * @index: the index owning @t
 * @t: &index->instances or &index->next
 * @fn: called without the lock held; takes it itself as needed
 * @arg: passed to @fn
 * @want: if set, @fn is called only for the instances it accepts; it runs
 *	under the lock and may only read the header
 *
 * The table keeps its size while walked (a resize under way is finished
 * first), so each instance present from start to end is visited exactly
 * once.  The lock is held to copy out one batch of objects (whole buckets,
 * up to KLPSV_BATCH objects unless one bucket holds more), never for
 * a time that grows with the number of instances; cond_resched() runs
 * between batches.  Instances added meanwhile may or may not be visited;
 * @fn may remove any.
 *
 * Context: process context; takes the index lock.
 * Return: 0, or the first error @fn returned (which stops the walk).
 */
int klpsv_walk_some(struct klpsv_family *family, struct klpsv_index *index,
		    struct klpsv_table *t, klpsv_walk_fn fn, void *arg,
		    bool (*want)(const struct klpsv_hdr *hdr))
{
	unsigned int cap = KLPSV_BATCH, n, k;
	void *batch[KLPSV_BATCH], **objs = batch, **more;
	struct klpsv_buckets *b;
	unsigned long flags;
	u32 i = 0;
	int err = 0;

	might_sleep();
	spin_lock_irqsave(&index->lock, flags);
	WRITE_ONCE(t->walkers, t->walkers + 1);
	while (rcu_access_pointer(t->old)) {
		move_some(index, t, KLPSV_BATCH);
		spin_unlock_irqrestore(&index->lock, flags);
		cond_resched();
		spin_lock_irqsave(&index->lock, flags);
	}
	b = rcu_dereference_protected(t->buckets,
				      lockdep_is_held(&index->lock));
	while (!err && i < nr_buckets(b)) {
		for (n = 0; i < nr_buckets(b) && n < KLPSV_BATCH;) {
			if (collect(b, i, objs, &n, cap, want)) {
				i++;
				continue;
			}
			if (n)
				break;
			/* One bucket longer than the buffer: a larger one. */
			spin_unlock_irqrestore(&index->lock, flags);
			more = kmalloc_array(cap * 2, sizeof(*objs),
					     GFP_KERNEL | __GFP_NOFAIL);
			if (objs != batch)
				kfree(objs);
			objs = more;
			cap *= 2;
			spin_lock_irqsave(&index->lock, flags);
		}
		spin_unlock_irqrestore(&index->lock, flags);
		for (k = 0; k < n && !err; k++)
			err = fn(family, index, objs[k], arg);
		cond_resched();
		spin_lock_irqsave(&index->lock, flags);
	}
	WRITE_ONCE(t->walkers, t->walkers - 1);
	spin_unlock_irqrestore(&index->lock, flags);
	if (objs != batch)
		kfree(objs);
	return err;
}
