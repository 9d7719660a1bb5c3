// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: allocation, lookup in the family's index, linking and
 * unlinking, release and free.
 *
 * Rules every function here keeps (Documentation/design.rst):
 * - an instance is in use while it is linked in its index, or pending (a
 *   twin shell whose step has not run); whoever unlinks it, under the
 *   index lock, owns freeing it;
 * - the index lock is never taken inside a klp_shadow constructor or
 *   destructor, so klp_shadow_* may be called with it held.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/lockdep.h>
#include <linux/processor.h>
#include <linux/rcupdate.h>

#include "internal.h"

struct hdr_init {
	u16 version;
	u16 flags;
	bool created;
};

/* Runs under klp_shadow's lock: only initializes our header. */
static int hdr_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct klpsv_hdr *hdr = shadow_data;
	struct hdr_init *init = ctor_data;

	RCU_INIT_POINTER(hdr->chain, NULL);
	hdr->obj = obj;
	hdr->version = init->version;
	hdr->flags = init->flags;
	init->created = true;
	return 0;
}

/**
 * klpsv_instance_new() - allocate an unlinked instance, or find one
 * @obj: the object
 * @id: shadow id (family id and epoch)
 * @alloc_size: bytes of data after the header
 * @version: version (and KLPSV_HDR_TWIN) to record
 * @flags: KLPSV_HDR_* flags to record
 * @gfp: allocation flags
 * @created: set to whether this call allocated it
 *
 * The data is zeroed by klp_shadow.  The new instance is not linked in an
 * index: the caller links it, or frees it, under the index lock.
 *
 * Return: the header, or NULL when out of memory.
 */
struct klpsv_hdr *klpsv_instance_new(void *obj, unsigned long id,
				     u32 alloc_size, unsigned int version,
				     unsigned int flags, gfp_t gfp,
				     bool *created)
{
	struct hdr_init init = { .version = version, .flags = flags };
	struct klpsv_hdr *hdr;

	*created = false;
	/* An injected failure fails an allocation, never a lookup. */
	if (klpsv_fault_enabled() && !(gfp & __GFP_NOFAIL) &&
	    !klpsv_compat_shadow_get(obj, id) && klpsv_fault_alloc())
		return NULL;
	hdr = klpsv_compat_shadow_get_or_alloc(obj, id,
					       klpsv_instance_bytes(alloc_size),
					       gfp, hdr_ctor, &init);
	*created = init.created;
	return hdr;
}

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
	__klpsv_table_insert(index, t, hdr);
	if (t == &index->next) {
		index->next_count++;
		index->bytes += klpsv_instance_bytes(index->next_alloc_size);
	} else {
		index->count++;
		index->bytes += klpsv_instance_bytes(index->alloc_size);
	}
	return true;
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
	if (t == &index->next) {
		index->next_count--;
		index->bytes -= klpsv_instance_bytes(index->next_alloc_size);
	} else {
		index->count--;
		index->bytes -= klpsv_instance_bytes(index->alloc_size);
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
 * @hdr: the unlinked instance
 * @epoch: its epoch
 *
 * Context: process or caller context, no klpsv lock held.
 */
void klpsv_drop(const struct klpsv_family *family, struct klpsv_hdr *hdr,
		u32 epoch)
{
	void *obj = hdr->obj;

	release_instance(family, hdr);
	klpsv_compat_shadow_free(obj, family->id | epoch);
}
