// SPDX-License-Identifier: GPL-2.0
/*
 * Instances in their index: lookup, linking and unlinking, release and
 * drop (where their memory comes from and goes: store.c).
 *
 * Rules every function here keeps (Documentation/design.rst):
 * - an instance is in use while it is linked in its index, or claimed (a
 *   walk's shell whose step has not run); whoever unlinks or unclaims it,
 *   under the index lock, owns freeing it;
 * - the index lock is never taken inside a klp_shadow constructor or
 *   destructor, so klp_shadow_* may be called with it held (format 1).
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/lockdep.h>
#include <linux/processor.h>
#include <linux/rcupdate.h>

#include "internal.h"

/**
 * __klpsv_find() - an object's linked instance in an epoch
 * @index: the index, locked
 * @obj: the object
 * @epoch: the epoch
 *
 * Return: the instance's header, or NULL.
 */
struct klpsv_hdr *__klpsv_find(struct klpsv_index *index, void *obj,
			       u32 epoch)
	__must_hold(&index->lock)
{
	struct klpsv_table *t = klpsv_table_of(index, epoch);

	lockdep_assert_held(&index->lock);
	return t ? klpsv_table_find(t, obj) : NULL;
}

/**
 * klpsv_lookup() - __klpsv_find() without the index lock
 * @index: the index
 * @obj: the object
 * @epoch: the epoch
 *
 * Takes the lock only when it missed while instances moved (looks again
 * where the lock may not be taken, see klpsv_seq_write_begin()).
 *
 * Return: the instance's header, or NULL.
 */
struct klpsv_hdr *klpsv_lookup(struct klpsv_index *index, void *obj,
			       u32 epoch)
{
	struct klpsv_table *t;
	struct klpsv_hdr *hdr;
	unsigned long flags;
	u32 seq;

	for (;;) {
		rcu_read_lock();
		seq = klpsv_seq_begin(index);
		t = klpsv_table_of(index, epoch);
		hdr = t ? klpsv_table_find(t, obj) : NULL;
		rcu_read_unlock();
		if (likely(hdr) || !klpsv_seq_retry(index, seq))
			return hdr;
		if (klpsv_compat_may_lock())
			break;
		cpu_relax();
	}
	spin_lock_irqsave(&index->lock, flags);
	hdr = __klpsv_find(index, obj, epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	return hdr;
}

/**
 * __klpsv_link() - put an instance in its index
 * @index: the index, locked
 * @hdr: the unlinked instance
 * @epoch: its epoch
 *
 * Return: false if the index holds no instance of @epoch any more (old
 * code after a forced transition that a newer patch ended).
 */
bool __klpsv_link(struct klpsv_index *index, struct klpsv_hdr *hdr, u32 epoch)
	__must_hold(&index->lock)
{
	struct klpsv_table *t = klpsv_table_of(index, epoch);

	lockdep_assert_held(&index->lock);
	if (!t)
		return false;
	__klpsv_unclaim(index, hdr, epoch);
	__klpsv_table_insert(index, t, hdr);
	WRITE_ONCE(hdr->flags, hdr->flags | KLPSV_HDR_LINKED);
	if (t == &index->next) {
		index->next_count++;
		index->bytes += klpsv_instance_bytes(index,
						     index->next_alloc_size);
	} else {
		index->count++;
		index->bytes += klpsv_instance_bytes(index, index->alloc_size);
	}
	return true;
}

/**
 * __klpsv_link_new() - link an instance that was never linked
 * @index: the index, locked
 * @hdr: the new instance
 * @epoch: its epoch
 *
 * It takes the index's next generation first.
 *
 * Return: as __klpsv_link().
 */
bool __klpsv_link_new(struct klpsv_index *index, struct klpsv_hdr *hdr,
		      u32 epoch)
	__must_hold(&index->lock)
{
	hdr->gen = index->gen_seed++;
	return __klpsv_link(index, hdr, epoch);
}

/**
 * __klpsv_unlink() - take an instance out of its index, claiming it
 * @index: the index, locked
 * @hdr: the linked instance
 * @epoch: its epoch
 */
void __klpsv_unlink(struct klpsv_index *index, struct klpsv_hdr *hdr,
		    u32 epoch)
	__must_hold(&index->lock)
{
	struct klpsv_table *t = klpsv_table_of(index, epoch);

	if (!WARN_ON_ONCE(!t))
		__klpsv_unlink_from(index, t, hdr);
}

/**
 * __klpsv_unlink_from() - __klpsv_unlink() from a given table
 * @index: the index, locked
 * @t: the table holding @hdr
 * @hdr: the linked instance
 */
void __klpsv_unlink_from(struct klpsv_index *index, struct klpsv_table *t,
			 struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	lockdep_assert_held(&index->lock);
	__klpsv_table_remove(index, t, hdr);
	WRITE_ONCE(hdr->flags, hdr->flags & ~KLPSV_HDR_LINKED);
	if (t == &index->next) {
		index->next_count--;
		index->bytes -= klpsv_instance_bytes(index,
						     index->next_alloc_size);
	} else {
		index->count--;
		index->bytes -= klpsv_instance_bytes(index, index->alloc_size);
	}
}

/* How a family releases an instance of a given version, outside locks. */
static void release_instance(const struct klpsv_family *family,
			     struct klpsv_hdr *hdr)
{
	unsigned int version = klpsv_hdr_version(hdr);
	const struct klpsv_step *step;

	if (version == klpsv_fver(family)) {
		if (family->dtor)
			family->dtor(hdr->obj, hdr + 1);
		return;
	}
	step = klpsv_step_from(family, version);
	if (step && step->release)
		step->release(hdr->obj, hdr + 1);
	else if (version > klpsv_fver(family))
		pr_err("family '%s': a v%u instance freed by v%u code, which cannot release what it owns\n",
		       family->name, version, klpsv_fver(family));
}

/**
 * klpsv_drop() - release and free an instance claimed by __klpsv_unlink()
 * @family: the family doing it, whose dtor or step release runs
 * @index: its index
 * @hdr: the unlinked instance
 * @epoch: its epoch
 *
 * Context: process or caller context, no klpsv lock held.
 */
void klpsv_drop(const struct klpsv_family *family, struct klpsv_index *index,
		struct klpsv_hdr *hdr, u32 epoch)
{
	release_instance(family, hdr);
	klpsv_instance_free(index, hdr, epoch);
}
