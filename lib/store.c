// SPDX-License-Identifier: GPL-2.0
/*
 * Where instances live: their allocation, their claims, their free.
 *
 * Rules every function here keeps (Documentation/design.rst):
 * - whoever unlinks or unclaims an instance, under the index lock, owns
 *   freeing it; its memory goes after a grace period;
 * - the index lock is never taken inside a klp_shadow constructor or
 *   destructor, so klp_shadow_* may be called with it held (format 1).
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "internal.h"

/*
 * Where instances live.  An index of format 2 owns its instances: klpsv
 * allocates them, finds them only through the index's tables, and frees
 * them after a grace period.  An index of format 1, made by older klpsv
 * code that may still run, keeps them as klp_shadow variables, which is
 * how that code finds and frees them.  Either way a walk's shell that is
 * not linked yet is claimed: a second claim on the same object and epoch
 * finds it instead of making another.  (In format 1 the caller's new
 * instance is claimed too; in format 2 it is settled when it is linked.)
 *
 * A format-2 instance, once freed: the grace period's head in its data.
 */
struct klpsv_dead_instance {
	struct klpsv_hdr hdr;
	struct rcu_head rcu;
};

/**
 * klpsv_instance_bytes() - memory one instance takes
 * @index: its index
 * @alloc_size: bytes of data after the header
 *
 * Return: bytes, as the allocator rounds them for a format-2 index.
 */
size_t klpsv_instance_bytes(const struct klpsv_index *index, u32 alloc_size)
{
	size_t n = sizeof(struct klpsv_hdr) + alloc_size;

	if (!klpsv_index_owns(index))
		return n;
	return kmalloc_size_roundup(max(n, sizeof(struct klpsv_dead_instance)));
}

static struct klpsv_table *claims_of(struct klpsv_index *index, u32 epoch)
{
	return epoch == index->epoch ? &index->claims : &index->next_claims;
}

/**
 * __klpsv_claimed() - the instance that claims an object in an epoch
 * @index: the index, locked
 * @obj: the object
 * @epoch: the epoch
 *
 * Return: a linked instance, a claimed one not linked yet, or NULL.
 */
struct klpsv_hdr *__klpsv_claimed(struct klpsv_index *index, void *obj,
				  u32 epoch)
	__must_hold(&index->lock)
{
	struct klpsv_table *claims;
	struct klpsv_hdr *hdr;

	lockdep_assert_held(&index->lock);
	if (!klpsv_index_owns(index))
		return klpsv_compat_shadow_get(obj, index->id | epoch);
	hdr = __klpsv_find(index, obj, epoch);
	if (hdr || !klpsv_table_of(index, epoch))
		return hdr;
	claims = claims_of(index, epoch);
	return rcu_access_pointer(claims->buckets) ?
	       klpsv_table_find(claims, obj) : NULL;
}

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

/* A format-2 instance, unlinked and unclaimed: after a grace period. */
static void owned_free(struct klpsv_index *index, struct klpsv_hdr *hdr,
		       u32 epoch)
{
	struct klpsv_dead_instance *dead;

	klpsv_census_add(index->id | epoch, hdr, -1);
	dead = container_of(hdr, struct klpsv_dead_instance, hdr);
	kfree_rcu(dead, rcu);
}

static void unclaim(struct klpsv_index *index, struct klpsv_table *claims,
		    struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	__klpsv_table_remove(index, claims, hdr);
	hdr->flags &= ~KLPSV_HDR_CLAIMED;
}

static struct klpsv_hdr *instance_alloc(struct klpsv_index *index, void *obj,
					u32 epoch, u32 alloc_size,
					unsigned int version, gfp_t gfp)
{
	struct klpsv_hdr *hdr;

	/* An injected failure fails an allocation, never a lookup. */
	if (klpsv_fault_enabled() && !(gfp & __GFP_NOFAIL) &&
	    klpsv_fault_alloc())
		return NULL;
	hdr = kzalloc(klpsv_instance_bytes(index, alloc_size),
		      gfp | __GFP_NOWARN);
	if (!hdr)
		return NULL;
	hdr->obj = obj;
	hdr->version = version;
	klpsv_census_add(index->id | epoch, hdr, 1);
	return hdr;
}

/**
 * __klpsv_unclaim() - take an instance out of its claims table, if claimed
 * @index: the index, locked
 * @hdr: the instance
 * @epoch: its epoch
 */
void __klpsv_unclaim(struct klpsv_index *index, struct klpsv_hdr *hdr,
		     u32 epoch)
	__must_hold(&index->lock)
{
	if (hdr->flags & KLPSV_HDR_CLAIMED)
		unclaim(index, claims_of(index, epoch), hdr);
}

/**
 * __klpsv_instance_claim() - claim an allocated, unclaimed instance
 * @index: an index that owns its instances, locked
 * @hdr: the instance, from klpsv_instance_alloc()
 * @epoch: its epoch
 *
 * Return: false when the index holds no instance of @epoch any more, or
 * its claims table has no buckets (they could not be allocated).
 */
bool __klpsv_instance_claim(struct klpsv_index *index, struct klpsv_hdr *hdr,
			    u32 epoch)
	__must_hold(&index->lock)
{
	struct klpsv_table *claims;

	if (!klpsv_table_of(index, epoch))
		return false;
	claims = claims_of(index, epoch);
	if (!rcu_access_pointer(claims->buckets))
		return false;
	hdr->flags |= KLPSV_HDR_CLAIMED;
	__klpsv_table_insert(index, claims, hdr);
	return true;
}

/**
 * klpsv_claims_fit() - give an epoch's claims table the buckets it needs
 * @index: an index that owns its instances
 * @epoch: the epoch
 * @gfp: how to allocate them (never failing is not needed: a claim
 *	without buckets fails as out of memory)
 */
void klpsv_claims_fit(struct klpsv_index *index, u32 epoch, gfp_t gfp)
{
	if (klpsv_table_of(index, epoch))
		klpsv_table_fit(index, claims_of(index, epoch),
				gfp & ~__GFP_NOFAIL);
}

/* klpsv_instance_new() for a format-2 index. */
static struct klpsv_hdr *owned_new(struct klpsv_index *index, void *obj,
				   u32 epoch, u32 alloc_size,
				   struct hdr_init *init, gfp_t gfp)
{
	struct klpsv_hdr *hdr, *found;
	unsigned long flags;
	bool claimed = false;

	klpsv_claims_fit(index, epoch, gfp);
	hdr = instance_alloc(index, obj, epoch, alloc_size, init->version,
			     gfp);
	spin_lock_irqsave(&index->lock, flags);
	found = __klpsv_claimed(index, obj, epoch);
	if (hdr && !found) {
		hdr->flags = init->flags;
		claimed = __klpsv_instance_claim(index, hdr, epoch);
	}
	spin_unlock_irqrestore(&index->lock, flags);
	if (!claimed) {
		if (hdr)
			owned_free(index, hdr, epoch);
		return found;
	}
	init->created = true;
#ifdef KLPSV_HARNESS
	klpsv_harness_claimed(index->id | epoch, hdr);
#endif
	return hdr;
}

/**
 * klpsv_instance_alloc() - allocate an instance no one claims yet
 * @index: an index that owns its instances
 * @obj: the object
 * @epoch: the epoch
 * @alloc_size: bytes of data after the header
 * @version: version to record
 * @gfp: allocation flags
 *
 * For the caller that serializes access to @obj: it links the instance,
 * or frees it, under the index lock, where another claim on the object
 * is settled (klpsv_get_or_alloc()).
 *
 * Return: the zeroed instance, or NULL when out of memory.
 */
struct klpsv_hdr *klpsv_instance_alloc(struct klpsv_index *index, void *obj,
				       u32 epoch, u32 alloc_size,
				       unsigned int version, gfp_t gfp)
{
	struct klpsv_hdr *hdr = instance_alloc(index, obj, epoch, alloc_size,
					       version, gfp);

#ifdef KLPSV_HARNESS
	if (hdr)
		klpsv_harness_claimed(index->id | epoch, hdr);
#endif
	return hdr;
}

/**
 * klpsv_instance_new() - claim an object in an epoch, or find its claim
 * @index: the index
 * @obj: the object
 * @epoch: the epoch
 * @alloc_size: bytes of data after the header
 * @version: version (and KLPSV_HDR_TWIN) to record
 * @flags: KLPSV_HDR_* flags to record
 * @gfp: allocation flags
 * @created: set to whether this call allocated it
 *
 * The data is zeroed.  The new instance is claimed but not linked in the
 * index: the caller links it, or frees it, under the index lock.
 *
 * Return: the header, or NULL when out of memory or when the index holds
 * no instance of @epoch any more.
 */
struct klpsv_hdr *klpsv_instance_new(struct klpsv_index *index, void *obj,
				     u32 epoch, u32 alloc_size,
				     unsigned int version, unsigned int flags,
				     gfp_t gfp, bool *created)
{
	struct hdr_init init = { .version = version, .flags = flags };
	unsigned long id = index->id | epoch;
	struct klpsv_hdr *hdr;

	*created = false;
	if (klpsv_index_owns(index)) {
		hdr = owned_new(index, obj, epoch, alloc_size, &init, gfp);
		*created = init.created;
		return hdr;
	}
	/* An injected failure fails an allocation, never a lookup. */
	if (klpsv_fault_enabled() && !(gfp & __GFP_NOFAIL) &&
	    !klpsv_compat_shadow_get(obj, id) && klpsv_fault_alloc())
		return NULL;
	hdr = klpsv_compat_shadow_get_or_alloc(obj, id,
					       klpsv_instance_bytes(index, alloc_size),
					       gfp, hdr_ctor, &init);
	*created = init.created;
	return hdr;
}

/**
 * __klpsv_instance_free() - free an instance no table links any more
 * @index: the index, locked
 * @hdr: the instance: unlinked, or claimed and never linked
 * @epoch: its epoch
 *
 * Readers that found it before it was unlinked may still be on it: its
 * memory goes after a grace period.
 */
void __klpsv_instance_free(struct klpsv_index *index, struct klpsv_hdr *hdr,
			   u32 epoch)
	__must_hold(&index->lock)
{
	lockdep_assert_held(&index->lock);
	if (!klpsv_index_owns(index)) {
		klpsv_compat_shadow_free(hdr->obj, index->id | epoch);
		return;
	}
	__klpsv_unclaim(index, hdr, epoch);
	owned_free(index, hdr, epoch);
}

/**
 * klpsv_claims_free_all() - free what a claims table still holds
 * @index: the index, which no code reaches any more
 * @t: &index->claims or &index->next_claims
 * @epoch: the epoch of its instances
 */
void klpsv_claims_free_all(struct klpsv_index *index, struct klpsv_table *t,
			   u32 epoch)
{
	struct klpsv_buckets *b;
	struct klpsv_hdr *hdr;
	unsigned long flags;
	int pass;
	u32 i;

	spin_lock_irqsave(&index->lock, flags);
	/* The array being emptied by a resize, then the current one. */
	for (pass = 0; pass < 2; pass++) {
		b = pass ? rcu_dereference_protected(t->buckets,
					lockdep_is_held(&index->lock)) :
			   rcu_dereference_protected(t->old,
					lockdep_is_held(&index->lock));
		for (i = 0; b && i < (1U << b->shift); i++)
			while ((hdr = rcu_dereference_protected(b->head[i],
					lockdep_is_held(&index->lock)))) {
				unclaim(index, t, hdr);
				__klpsv_instance_free(index, hdr, epoch);
			}
	}
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_instance_free() - __klpsv_instance_free() without the lock held
 * @index: the index
 * @hdr: the instance
 * @epoch: its epoch
 */
void klpsv_instance_free(struct klpsv_index *index, struct klpsv_hdr *hdr,
			 u32 epoch)
{
	unsigned long flags;

	/* In no table: the caller's alone, no lock to take. */
	if (klpsv_index_owns(index) && !(hdr->flags & KLPSV_HDR_CLAIMED)) {
		owned_free(index, hdr, epoch);
		return;
	}
	spin_lock_irqsave(&index->lock, flags);
	__klpsv_instance_free(index, hdr, epoch);
	spin_unlock_irqrestore(&index->lock, flags);
}
