// SPDX-License-Identifier: GPL-2.0
/*
 * Migration in place: an additive change, same epoch, whose step fills
 * the new members of the instance old code keeps using.  Run by new
 * code's accessor (under the caller's serialization of the object) or by
 * the walk after the transition, when no patched code can reach an
 * instance without the index lock; undone when the transition reverts.
 * lib/twin.c does the same for breaking changes.
 *
 * Every step runs under the index lock after a fresh lookup, so each
 * migration happens exactly once.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/string.h>

#include "internal.h"

/**
 * klpsv_run_step() - run a step, unless failure injection says otherwise
 * @fn: the step
 * @obj: the object
 * @from: source data
 * @to: target data
 *
 * Return: what the step returned, or -ENOMEM when injected.
 */
int klpsv_run_step(klpsv_step_fn fn, void *obj, const void *from, void *to)
{
	if (klpsv_fault_step())
		return -ENOMEM;
	return fn(obj, from, to);
}

/*
 * Bring one instance of the family's epoch up to the family's version in
 * place.  A failed step leaves no trace: the tail room beyond the source
 * version is zeroed again, as it was.
 */
static int __migrate_hdr_in_place(struct klpsv_family *family,
				  struct klpsv_index *index,
				  struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	unsigned int version = klpsv_hdr_version(hdr);
	const struct klpsv_step *step;
	u32 from_size;
	int err;

	if (version >= klpsv_fver(family))
		return 0;
	step = klpsv_step_from(family, version);
	if (!step)
		return -EINVAL;
	err = klpsv_run_step(step->up, hdr->obj, hdr + 1, hdr + 1);
	if (err) {
		from_size = min(step->layout.size, index->alloc_size);
		memset((char *)(hdr + 1) + from_size, 0,
		       index->alloc_size - from_size);
		return err;
	}
	/* The step's data, then the version readers compare. */
	smp_store_release(&hdr->version, klpsv_fver(family));
	index->migrations++;
	return 0;
}

/**
 * klpsv_migrate_in_place() - migrate an object's instance in place
 * @family: the incoming family of an additive change
 * @index: its index
 * @obj: the object
 * @data: set to the instance's data, or NULL when it has none or the
 *	step failed
 *
 * Return: 0 (also when @obj has no instance), or the step's error.
 */
int klpsv_migrate_in_place(struct klpsv_family *family,
			   struct klpsv_index *index, void *obj, void **data)
{
	struct klpsv_hdr *hdr;
	unsigned long flags;
	int err = 0;

	*data = NULL;
	spin_lock_irqsave(&index->lock, flags);
	hdr = __klpsv_find(index, obj, family->epoch);
	if (hdr) {
		err = __migrate_hdr_in_place(family, index, hdr);
		if (!err)
			*data = hdr + 1;
	}
	spin_unlock_irqrestore(&index->lock, flags);
	return err;
}

/**
 * klpsv_migrate_late() - migrate in place after the transition, or drop
 * @family: the incoming family of an additive change, its transition over
 * @index: its index
 * @obj: the object
 *
 * The patch can no longer be refused: an instance whose step fails is
 * freed (its version's release runs) and counted as lost, so that no
 * instance stays behind the index's version, which a later patch could
 * not take over without a step from it.
 *
 * Context: process context.
 */
void klpsv_migrate_late(struct klpsv_family *family, struct klpsv_index *index,
			void *obj)
{
	struct klpsv_hdr *hdr;
	unsigned long flags;
	unsigned int from = 0;

	spin_lock_irqsave(&index->lock, flags);
	hdr = __klpsv_find(index, obj, family->epoch);
	if (hdr && __migrate_hdr_in_place(family, index, hdr)) {
		from = klpsv_hdr_version(hdr);
		__klpsv_unlink(index, hdr, family->epoch);
		index->lost++;
	} else {
		hdr = NULL;
	}
	spin_unlock_irqrestore(&index->lock, flags);
	if (!hdr)
		return;
	pr_err("%s: family '%s': an instance could not be migrated from v%u after the transition and is freed\n",
	       klpsv_patch_name(klpsv_this_patch()), family->name, from);
	klpsv_drop(family, index, hdr, family->epoch);
}

/**
 * klpsv_revert_in_place() - undo klpsv_migrate_in_place()
 * @family: the family whose takeover is undone
 * @index: its index, back in its previous version
 * @obj: the object
 *
 * The step's down, if any, releases what up or the constructor put in the
 * new members (it touches only those: old code keeps using the others);
 * then the tail room beyond the predecessor's bytes is zeroed, and they
 * stay as they are.
 */
void klpsv_revert_in_place(struct klpsv_family *family,
			   struct klpsv_index *index, void *obj)
{
	const struct klpsv_step *step;
	struct klpsv_hdr *hdr;
	unsigned long flags;

	step = klpsv_step_from(family, index->prev_version);
	spin_lock_irqsave(&index->lock, flags);
	hdr = __klpsv_find(index, obj, family->epoch);
	if (hdr && klpsv_hdr_version(hdr) > index->prev_version) {
		if (step && step->down)
			klpsv_run_step(step->down, obj, hdr + 1, hdr + 1);
		memset((char *)(hdr + 1) + index->size, 0,
		       index->alloc_size - index->size);
		/* The restored bytes, then the version readers compare. */
		smp_store_release(&hdr->version, index->prev_version);
	}
	spin_unlock_irqrestore(&index->lock, flags);
}
