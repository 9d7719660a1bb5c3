// SPDX-License-Identifier: GPL-2.0
/*
 * Twins: a breaking change's copy of an instance in the next layout epoch,
 * kept in sync with the older instance (by generation) while old and new
 * code both run.  Reserved by pre_patch, converted by new code's accessor
 * or after the transition, written through with the family's down step,
 * and undone when the transition reverts.  Every step runs under the
 * index lock after a fresh lookup, so each conversion happens once.
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

/*
 * A reverted breaking change: convert a twin that only new code saw back
 * into a shell of the older epoch and publish it there.
 */
static bool __twin_send_back(struct klpsv_family *family,
			     struct klpsv_index *index,
			     const struct klpsv_step *step,
			     struct klpsv_hdr *twin, struct klpsv_hdr *old)
	__must_hold(&index->lock)
{
	if (klpsv_run_step(step->down, twin->obj, twin + 1, old + 1))
		return false;
	old->flags &= ~KLPSV_HDR_PENDING;
	old->gen = index->gen_seed++;
	__klpsv_link(index, old, index->epoch);
	/* What down wrote, then the version old code compares. */
	smp_store_release(&old->version, index->prev_version);
	return true;
}

/**
 * klpsv_twin_share() - give an object new code created an older instance
 * @family: the incoming family of a breaking transition
 * @index: its index
 * @twin: the instance new code just created and linked (not a twin)
 * @gfp: how to allocate the older instance
 *
 * With a down step, the object gets an instance in the older epoch too,
 * filled by down, so that old code still running finds the object's data;
 * the new instance becomes its twin, kept in sync as any other.  Without
 * one, or when this fails, only new code has data for the object.  The
 * caller (new code) serializes access to the object.
 */
void klpsv_twin_share(struct klpsv_family *family, struct klpsv_index *index,
		      struct klpsv_hdr *twin, gfp_t gfp)
{
	const struct klpsv_step *step;
	u32 from, epoch, alloc_size;
	struct klpsv_hdr *old;
	unsigned long flags;
	bool created, mine;

	/* The older side as it is now; checked again before it is used. */
	spin_lock_irqsave(&index->lock, flags);
	mine = klpsv_makes_twins(family, index) && !index->finishing;
	from = index->prev_version;
	epoch = index->epoch;
	alloc_size = index->alloc_size;
	spin_unlock_irqrestore(&index->lock, flags);
	step = mine ? klpsv_step_from(family, from) : NULL;
	if (!step || !step->down)
		return;
	/* Marked a twin, so old code's fast path waits for the down step. */
	old = klpsv_instance_new(index, twin->obj, epoch, alloc_size,
				 from | KLPSV_HDR_TWIN, KLPSV_HDR_PENDING, gfp,
				 &created);
	if (!old || !created)
		return;
	spin_lock_irqsave(&index->lock, flags);
	/* Still our shell, whatever happens to it next. */
	mine = __klpsv_claimed(index, twin->obj, epoch) == old &&
	       (old->flags & KLPSV_HDR_PENDING);
	/* Still a breaking transition in which old code may run. */
	if (mine && klpsv_makes_twins(family, index) && !index->finishing &&
	    __klpsv_find(index, twin->obj, family->epoch) == twin &&
	    !klpsv_hdr_is_twin(twin) &&
	    __twin_send_back(family, index, step, twin, old)) {
		WRITE_ONCE(twin->gen, old->gen);
		/* The generation, then the mark that makes it a twin. */
		smp_store_release(&twin->version,
				  klpsv_fver(family) | KLPSV_HDR_TWIN);
		mine = false;
	}
	if (mine)
		__klpsv_instance_free(index, old, epoch);
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_twin_revert() - undo an object's twin when a transition reverts
 * @family: the incoming family whose takeover is undone
 * @index: its index
 * @obj: the object
 * @keep: the revert was forced: new code may still hold the twin, which
 *	is taken out of the index but not freed
 *
 * An object only new code saw goes back to the older epoch with the down
 * step, if there is one; every twin is freed, or kept.
 *
 * Context: process context.
 * Return: true when a twin was kept.
 */
bool klpsv_twin_revert(struct klpsv_family *family, struct klpsv_index *index,
		       void *obj, bool keep)
{
	const struct klpsv_step *step = klpsv_step_from(family,
							index->prev_version);
	u32 old_epoch = index->epoch;
	struct klpsv_hdr *twin, *old = NULL;
	unsigned long flags;
	bool created = false, mine;

	/*
	 * The shell is marked a twin, so old code's fast path does not take
	 * it before the down step has filled it.
	 */
	if (step && step->down)
		old = klpsv_instance_new(index, obj, old_epoch,
					 index->alloc_size,
					 index->prev_version | KLPSV_HDR_TWIN,
					 KLPSV_HDR_PENDING,
					 GFP_KERNEL | __GFP_NOFAIL, &created);
	spin_lock_irqsave(&index->lock, flags);
	/* Old code that allocates for the object meanwhile claims it. */
	mine = created && __klpsv_claimed(index, obj, old_epoch) == old &&
	       (old->flags & KLPSV_HDR_PENDING);
	twin = __klpsv_find(index, obj, family->epoch);
	if (twin) {
		if (mine && !klpsv_hdr_is_twin(twin) &&
		    __twin_send_back(family, index, step, twin, old))
			mine = false;
		__klpsv_unlink(index, twin, family->epoch);
	}
	if (mine)
		__klpsv_instance_free(index, old, old_epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	if (twin && !keep)
		klpsv_drop(family, index, twin, family->epoch);
	return twin && keep;
}

/**
 * __klpsv_twin_write_through() - write a twin's change to its older instance
 * @family: the incoming family of a breaking transition
 * @index: its index, locked
 * @twin: the twin new code just changed
 *
 * With the family's down step, so old code running at the same time sees
 * the change; the older instance's generation then moves, and the twin
 * records it, being in sync.
 */
void __klpsv_twin_write_through(struct klpsv_family *family,
				struct klpsv_index *index,
				struct klpsv_hdr *twin)
	__must_hold(&index->lock)
{
	const struct klpsv_step *step;
	struct klpsv_hdr *old;

	old = __klpsv_find(index, twin->obj, index->epoch);
	if (!old || !klpsv_hdr_is_twin(twin))
		return;
	step = klpsv_step_from(family, klpsv_hdr_version(old));
	if (step && step->down &&
	    !klpsv_run_step(step->down, twin->obj, twin + 1, old + 1)) {
		/* The written-through data, then the generation. */
		smp_store_release(&old->gen, old->gen + 1);
		WRITE_ONCE(twin->gen, old->gen);
	}
}
