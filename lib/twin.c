// SPDX-License-Identifier: GPL-2.0
/*
 * Twins: a breaking change's copy of an instance in the next layout epoch,
 * kept in sync with the older instance (by generation) while old and new
 * code both run.  Reserved by pre_patch, converted by new code's accessor
 * or after the transition (the down step's paths: twin_down.c).  Every
 * step runs under the index lock after a fresh lookup, so each conversion
 * happens once.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include "internal.h"

/*
 * A twin whose older instance is gone belonged to an object old code has
 * freed: free a pending shell now, or unlink a linked twin for the caller.
 */
static struct klpsv_hdr *__orphan_twin(struct klpsv_family *family,
				       struct klpsv_index *index,
				       struct klpsv_hdr *twin, bool pending)
	__must_hold(&index->lock)
{
	if (pending) {
		__klpsv_instance_free(index, twin, family->epoch);
		return NULL;
	}
	__klpsv_unlink(index, twin, family->epoch);
	return twin;
}

/**
 * __klpsv_twin_sync() - bring a twin up to date with its older instance
 * @family: the incoming family of a breaking transition
 * @index: its index, locked
 * @obj: the object
 * @data: set to the twin's data on success
 * @stale: set to the twin if the caller must drop it (already unlinked)
 *
 * A pending twin gets its first conversion; a twin whose older instance
 * changed since (another generation) is converted again; a twin whose
 * older instance is gone is an orphan (see above).  A twin that is no
 * longer a twin (the transition finished for it) or that new code created
 * is returned as is.
 *
 * Return: 0, -ENOENT when the object has no instance, or a step's error.
 */
int __klpsv_twin_sync(struct klpsv_family *family, struct klpsv_index *index,
		      void *obj, void **data, struct klpsv_hdr **stale)
	__must_hold(&index->lock)
{
	struct klpsv_hdr *twin, *old;
	const struct klpsv_step *step;
	bool pending;
	u32 gen;
	int err;

	lockdep_assert_held(&index->lock);
	*data = NULL;
	*stale = NULL;
	twin = __klpsv_claimed(index, obj, family->epoch);
	if (!twin)
		return -ENOENT;
	pending = twin->flags & KLPSV_HDR_PENDING;
	if (!pending && !klpsv_hdr_is_linked(twin))
		return -ENOENT;	/* being freed */
	if (!pending && !klpsv_hdr_is_twin(twin)) {
		*data = twin + 1;
		return 0;
	}
	old = __klpsv_find(index, obj, index->epoch);
	if (!old) {
		*stale = __orphan_twin(family, index, twin, pending);
		return -ENOENT;
	}
	/*
	 * The generation is read before the data: old code that writes
	 * while a forced transition's post_patch converts (the one step run
	 * outside the caller's serialization) moves it afterwards, in its
	 * put, so a torn conversion is never taken for an up-to-date one.
	 */
	gen = smp_load_acquire(&old->gen);
	if (!pending && gen == READ_ONCE(twin->gen)) {
		*data = twin + 1;
		return 0;
	}
	step = klpsv_step_from(family, klpsv_hdr_version(old));
	err = step ? klpsv_run_step(step->up, obj, old + 1, twin + 1) : -EINVAL;
	if (err) {
		if (pending)
			__klpsv_instance_free(index, twin, family->epoch);
		return err;
	}
	WRITE_ONCE(twin->gen, gen);
	if (pending) {
		twin->flags &= ~KLPSV_HDR_PENDING;
		__klpsv_link(index, twin, family->epoch);
		index->migrations++;
	}
	*data = twin + 1;
	return 0;
}

/* klpsv_twin_reserve() in an index that owns its instances: one lock hold. */
static int reserve_owned(struct klpsv_family *family,
			 struct klpsv_index *index, void *obj)
{
	struct klpsv_hdr *twin;
	unsigned long flags;
	bool claimed = false, moot;

	klpsv_claims_fit(index, family->epoch, GFP_KERNEL);
	twin = klpsv_instance_alloc(index, obj, family->epoch,
				    family->alloc_size,
				    klpsv_fver(family) | KLPSV_HDR_TWIN,
				    GFP_KERNEL);
	if (!twin)
		return -ENOMEM;
	twin->flags = KLPSV_HDR_PENDING;
	spin_lock_irqsave(&index->lock, flags);
	/* Old code freed the object meanwhile, or it has its twin. */
	moot = !__klpsv_find(index, obj, index->epoch) ||
	       __klpsv_claimed(index, obj, family->epoch);
	if (!moot)
		claimed = __klpsv_instance_claim(index, twin, family->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	if (!claimed)
		klpsv_instance_free(index, twin, family->epoch);
	return claimed || moot ? 0 : -ENOMEM;
}

/**
 * klpsv_twin_reserve() - allocate an object's twin, not converted yet
 * @family: the incoming family of a breaking change
 * @index: its index, in the transition's first state
 * @obj: an object with an older instance
 *
 * pre_patch takes the memory of every twin before the transition starts,
 * so that a shortage refuses the patch, but runs no step: old code may be
 * writing the older instance right now.  The pending shell is converted
 * by the first new-code access (which the caller serializes) or after
 * the transition.  A shell whose object old code freed meanwhile (its
 * klpsv_free() ran before the shell existed) is freed again here.
 *
 * Context: process context.
 * Return: 0, or -ENOMEM.
 */
int klpsv_twin_reserve(struct klpsv_family *family, struct klpsv_index *index,
		       void *obj)
{
	struct klpsv_hdr *twin;
	unsigned long flags;
	bool created;

	klpsv_table_fit(index, &index->next, GFP_KERNEL);
	if (klpsv_index_owns(index))
		return reserve_owned(family, index, obj);
	twin = klpsv_instance_new(index, obj, family->epoch, family->alloc_size,
				  klpsv_fver(family) | KLPSV_HDR_TWIN,
				  KLPSV_HDR_PENDING, GFP_KERNEL, &created);
	if (!twin)
		return -ENOMEM;
	spin_lock_irqsave(&index->lock, flags);
	if (created && !__klpsv_find(index, obj, index->epoch) &&
	    __klpsv_claimed(index, obj, family->epoch) == twin &&
	    (twin->flags & KLPSV_HDR_PENDING))
		__klpsv_instance_free(index, twin, family->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	return 0;
}

/**
 * klpsv_twin_unreserve() - free an object's twin that was never converted
 * @family: the incoming family whose takeover is undone
 * @index: its index
 * @obj: the object
 */
void klpsv_twin_unreserve(struct klpsv_family *family,
			  struct klpsv_index *index, void *obj)
{
	struct klpsv_hdr *twin;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	twin = __klpsv_claimed(index, obj, family->epoch);
	if (twin && (twin->flags & KLPSV_HDR_PENDING))
		__klpsv_instance_free(index, twin, family->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_twin_make() - make or refresh an object's twin
 * @family: the incoming family of a breaking transition
 * @index: its index
 * @obj: the object
 * @gfp: how to allocate a new twin
 * @data: set to the twin's data on success
 *
 * A new twin is allocated as a pending shell, marked a twin so that no
 * fast path takes it, then converted by __klpsv_twin_sync().
 *
 * Return: 0, -ENOENT when the object has no instance (any more), -ENOMEM,
 * or a step's error.
 */
int klpsv_twin_make(struct klpsv_family *family, struct klpsv_index *index,
		    void *obj, gfp_t gfp, void **data)
{
	struct klpsv_hdr *twin, *stale;
	unsigned long flags;
	bool created;
	int err;

	*data = NULL;
	/* Most objects have the twin pre_patch reserved: no allocation. */
	spin_lock_irqsave(&index->lock, flags);
	twin = __klpsv_claimed(index, obj, family->epoch);
	if (twin)
		err = __klpsv_twin_sync(family, index, obj, data, &stale);
	spin_unlock_irqrestore(&index->lock, flags);
	if (twin)
		goto out;

	klpsv_table_fit(index, &index->next, gfp);
	twin = klpsv_instance_new(index, obj, family->epoch, family->alloc_size,
				  klpsv_fver(family) | KLPSV_HDR_TWIN,
				  KLPSV_HDR_PENDING, gfp, &created);
	if (!twin)
		return -ENOMEM;
	spin_lock_irqsave(&index->lock, flags);
	err = __klpsv_twin_sync(family, index, obj, data, &stale);
	spin_unlock_irqrestore(&index->lock, flags);
out:
	if (stale)
		klpsv_drop(family, index, stale, family->epoch);
	return err;
}

/* Did old code leave the older instance alone since the twin's last sync? */
static bool __twin_in_sync(struct klpsv_hdr *twin, struct klpsv_hdr *old)
{
	/* Pairs with klpsv_put()'s release: what old code wrote before. */
	u32 gen = smp_load_acquire(&old->gen);

	return twin && klpsv_hdr_is_twin(twin) && READ_ONCE(twin->gen) == gen;
}

/**
 * klpsv_twin_finish() - the twin takes over from its older instance
 * @family: the incoming family, its transition complete
 * @index: its index
 * @obj: the object
 *
 * After the transition no old code runs: a twin that is behind is
 * brought up to date one last time (allocating it if old code created
 * the object meanwhile), becomes the live instance, and the older one is
 * freed.  A twin that cannot be brought up to date is lost with it, and
 * counted.
 *
 * Context: process context.
 */
void klpsv_twin_finish(struct klpsv_family *family, struct klpsv_index *index,
		       void *obj)
{
	struct klpsv_hdr *twin, *old, *stale = NULL;
	bool synced = false;
	unsigned long flags;
	void *data;
	int err = 0;

	for (;;) {
		spin_lock_irqsave(&index->lock, flags);
		old = __klpsv_find(index, obj, index->epoch);
		if (!old) {
			spin_unlock_irqrestore(&index->lock, flags);
			return;
		}
		twin = __klpsv_find(index, obj, family->epoch);
		if (synced || __twin_in_sync(twin, old))
			break;
		/* A reserved or stale twin is brought up to date right here. */
		if (__klpsv_claimed(index, obj, family->epoch)) {
			err = __klpsv_twin_sync(family, index, obj, &data,
						&stale);
			twin = __klpsv_find(index, obj, family->epoch);
			break;
		}
		spin_unlock_irqrestore(&index->lock, flags);
		/* Old code made the object after pre_patch: a twin now. */
		err = klpsv_twin_make(family, index, obj,
				      GFP_KERNEL | __GFP_NOFAIL, &data);
		synced = true;
	}
	if (twin && !err) {
		/* The twin's data, then the version that makes it live. */
		smp_store_release(&twin->version, klpsv_fver(family));
	} else {
		index->lost++;
		if (twin) {
			__klpsv_unlink(index, twin, family->epoch);
			stale = twin;
		}
	}
	__klpsv_unlink(index, old, index->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	if (!twin || err)
		pr_err("%s: family '%s': an instance could not be migrated from v%u after the transition and is freed\n",
		       klpsv_patch_name(klpsv_this_patch()), family->name,
		       klpsv_hdr_version(old));
	if (stale)
		klpsv_drop(family, index, stale, family->epoch);
	klpsv_drop(family, index, old, index->epoch);
}

/**
 * klpsv_twin_drop_orphan() - free a twin whose object old code freed
 * @family: the incoming family, its transition complete
 * @index: its index, not yet promoted
 * @obj: the object
 *
 * After klpsv_twin_finish() ran on every older instance, a twin still
 * marked as one lost its older instance to old code during the
 * transition: the object is gone.
 */
void klpsv_twin_drop_orphan(struct klpsv_family *family,
			    struct klpsv_index *index, void *obj)
{
	u32 epoch = index->next_epoch;
	struct klpsv_hdr *hdr;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	hdr = __klpsv_find(index, obj, epoch);
	if (hdr && klpsv_hdr_is_twin(hdr))
		__klpsv_unlink(index, hdr, epoch);
	else
		hdr = NULL;
	spin_unlock_irqrestore(&index->lock, flags);
	if (hdr)
		klpsv_drop(family, index, hdr, epoch);
}

/**
 * klpsv_twin_force_finish() - end a forced transition for one object
 * @family: the family of the patch that takes over
 * @index: the index, left in sync by a forced transition
 * @obj: the object
 *
 * The twin, kept in sync since the forced transition, becomes the live
 * version and the older instance is freed.
 */
void klpsv_twin_force_finish(struct klpsv_family *family,
			     struct klpsv_index *index, void *obj)
{
	struct klpsv_hdr *old, *twin;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	old = __klpsv_find(index, obj, index->epoch);
	twin = __klpsv_find(index, obj, index->next_epoch);
	if (old && twin)	/* its data, then the live version */
		smp_store_release(&twin->version, index->next_version);
	if (old)
		__klpsv_unlink(index, old, index->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	if (old)
		klpsv_drop(family, index, old, index->epoch);
}
