// SPDX-License-Identifier: GPL-2.0
/*
 * Twins, the other way: the family's down step carries new code's data to
 * the older epoch while old code may still run.  An object new code
 * creates gets an older instance (share), new code's changes are written
 * through at its put, and a reverted transition sends what only new code
 * saw back.  Every step runs under the index lock after a fresh lookup.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include "internal.h"

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
	__klpsv_link_new(index, old, index->epoch);
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
	/*
	 * In an index that owns its instances the older instance stays
	 * private, claimed by no one, until it is linked: the transition may
	 * end meanwhile, and a claim must not outlive its epoch.  Marked a
	 * twin until linked, so that old code's fast path never takes it
	 * before the down step has filled it.
	 */
	if (klpsv_index_owns(index)) {
		old = klpsv_instance_alloc(index, twin->obj, epoch, alloc_size,
					   from | KLPSV_HDR_TWIN, gfp);
		created = true;
	} else {
		old = klpsv_instance_new(index, twin->obj, epoch, alloc_size,
					 from | KLPSV_HDR_TWIN,
					 KLPSV_HDR_PENDING, gfp, &created);
	}
	if (!old || !created)
		return;
	spin_lock_irqsave(&index->lock, flags);
	/* Ours to link: no one else's instance or claim in the way. */
	if (klpsv_index_owns(index))
		mine = !__klpsv_claimed(index, twin->obj, epoch);
	else
		mine = __klpsv_claimed(index, twin->obj, epoch) == old &&
		       (old->flags & KLPSV_HDR_PENDING);
	/* Still the breaking transition in which old code may run. */
	if (mine && klpsv_makes_twins(family, index) && !index->finishing &&
	    index->epoch == epoch &&
	    __klpsv_find(index, twin->obj, family->epoch) == twin &&
	    !klpsv_hdr_is_twin(twin) &&
	    __twin_send_back(family, index, step, twin, old)) {
		WRITE_ONCE(twin->gen, old->gen);
		/* The generation, then the mark that makes it a twin. */
		smp_store_release(&twin->version,
				  klpsv_fver(family) | KLPSV_HDR_TWIN);
		old = NULL;
	}
	if (old && (mine || klpsv_index_owns(index)))
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
