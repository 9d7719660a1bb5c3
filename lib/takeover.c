// SPDX-License-Identifier: GPL-2.0
/*
 * The takeover of one family by a new patch, in three acts run from the
 * livepatch callbacks (lib/patch.c):
 *
 *   take     pre_patch: choose how (new family, same version, additive in
 *            place, breaking with twins, tombstone) and take the memory
 *            that needs; no step runs, old code may be writing
 *   finish   post_patch: the transition completed, migrate what new code
 *            has not, free what the old version no longer needs
 *   revert   post_unpatch before post_patch, or a later family's failure
 *            in pre_patch: the predecessor's data as it was
 *
 * Every per-object step is one of lib/migrate.c's, called through the
 * walks below; all of this runs under the registry lock and klp_mutex.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/string.h>

#include "internal.h"

/* struct klpsv_family.mode: what the running takeover did. */
enum {
	TAKE_NONE,
	TAKE_NEW,		/* no live data: a new (or revived) family */
	TAKE_SAME,		/* same version and layout: nothing to do */
	TAKE_ADDITIVE,		/* migrated in place */
	TAKE_BREAKING,		/* twins in a new epoch */
	TAKE_RETIRE,		/* tombstone: free after the transition */
};

/* The walks' per-object functions (klpsv_walk_fn). */

/* pre_patch: a twin's memory, or the patch is refused. */
static int reserve_one(struct klpsv_family *f, struct klpsv_index *index,
		       void *obj, void *arg)
{
	return klpsv_twin_reserve(f, index, obj);
}

/* A forced transition's post_patch: the twins new code did not make. */
static int twin_late_one(struct klpsv_family *f, struct klpsv_index *index,
			 void *obj, void *arg)
{
	void *data;

	klpsv_twin_make(f, index, obj, GFP_KERNEL | __GFP_NOFAIL, &data);
	return 0;
}

/* A walk function of one of lib/migrate.c's per-object functions. */
#define WALK_EACH(name, fn)						\
static int name(struct klpsv_family *f, struct klpsv_index *index,	\
		void *obj, void *arg)					\
{									\
	fn(f, index, obj);						\
	return 0;							\
}

WALK_EACH(migrate_late_one, klpsv_migrate_late)
WALK_EACH(revert_in_place_one, klpsv_revert_in_place)
WALK_EACH(unreserve_one, klpsv_twin_unreserve)
WALK_EACH(twin_finish_one, klpsv_twin_finish)
WALK_EACH(twin_orphan_one, klpsv_twin_drop_orphan)

static int twin_revert_one(struct klpsv_family *f, struct klpsv_index *index,
			   void *obj, void *kept)
{
	*(u64 *)kept += klpsv_twin_revert(f, index, obj, false);
	return 0;
}

/* A forced revert: new code may still hold its twins. */
static int twin_keep_one(struct klpsv_family *f, struct klpsv_index *index,
			 void *obj, void *kept)
{
	*(u64 *)kept += klpsv_twin_revert(f, index, obj, true);
	return 0;
}
WALK_EACH(twin_force_one, klpsv_twin_force_finish)

/* Every twin made, the older instances freed; orphans go. */
static void finish_twins(struct klpsv_family *f, struct klpsv_index *index,
			 klpsv_walk_fn finish_one)
{
	klpsv_walk(f, index, &index->instances, finish_one, NULL);
	klpsv_walk_some(f, index, &index->next, twin_orphan_one, NULL,
			klpsv_hdr_is_twin);
}

/* Bring a twin up to date, with the step of the family given. */
static int twin_refresh_one(struct klpsv_family *f, struct klpsv_index *index,
			    void *obj, void *arg)
{
	void *data;
	int err = klpsv_twin_make(f, index, obj, GFP_KERNEL, &data);

	return err == -ENOENT ? 0 : err;
}

/*
 * A family left in sync by a forced transition is taken over by a newer
 * patch: end that transition first.  Old code that may still run from it
 * no longer sees the data (its accessors find nothing) from here on.
 *
 * Return: 0, or the error of a refresh, before anything is ended.
 */
static int finish_forced(struct klpsv_patch *kp, struct klpsv_family *f,
			 struct klpsv_index *index)
{
	int err;

	pr_warn("%s: family '%s': ending the transition forced by %s: code of older patches still running no longer sees the data\n",
		klpsv_patch_name(kp), f->name, index->owner);
	if (!index->next_size) {
		klpsv_index_free_all(f, index);	/* a forced retirement */
		index->version = index->next_version;
		klpsv_index_set_state(index, KLPSV_INDEX_RETIRED);
		return 0;
	}
	/*
	 * The forcing patch, live until this takeover completes and named
	 * by the index, brings every twin up to date with its own step
	 * first: what old code wrote or created since new code last looked
	 * is kept (forced-out code may be writing meanwhile: the documented
	 * exception of forced transitions).
	 */
	if (index->epoch != index->next_epoch && index->incoming) {
		err = klpsv_walk(index->incoming, index, &index->instances,
				 twin_refresh_one, NULL);
		if (err)
			return err;
	}
	if (index->epoch != index->next_epoch)
		finish_twins(f, index, twin_force_one);
	klpsv_index_promote(f, index);
	return 0;
}

/**
 * __klpsv_revert() - undo the takeover of one family
 * @reg: the registry, locked
 * @f: the family, taken over by __klpsv_take() or not at all
 * @forced: the revert was forced: code of this patch may still run
 *
 * Before or after a failure, or when the transition is reverted: the
 * predecessor's data is left as it was before __klpsv_take().
 */
void __klpsv_revert(struct klpsv_registry *reg, struct klpsv_family *f,
		    bool forced)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index = f->index;
	u64 kept = 0;

	switch (f->mode) {
	case TAKE_NEW:
		/* The raw variables stay as old code left them. */
		klpsv_adopt_end(f, index);
		/* After a forced revert, strays for the next patch to free. */
		if (!forced)
			klpsv_index_free_all(f, index);
		if (index->prev_version) {
			index->version = index->prev_version;
			klpsv_index_set_state(index, KLPSV_INDEX_RETIRED);
		} else {
			__klpsv_index_release(reg, index);
		}
		break;
	case TAKE_ADDITIVE:
		klpsv_walk(f, index, &index->instances, revert_in_place_one,
			   NULL);
		klpsv_index_end(index);
		index->migrations = f->migrations_before;
		break;
	case TAKE_BREAKING:
		klpsv_walk(f, index, &index->instances, unreserve_one, NULL);
		klpsv_walk(f, index, &index->next,
			   forced ? twin_keep_one : twin_revert_one, &kept);
		if (kept)
			pr_warn("%s: family '%s': the revert was forced: %llu v%u instances kept for code that may still run\n",
				klpsv_patch_name(klpsv_this_patch()), f->name,
				kept, klpsv_fver(f));
		klpsv_index_end(index);
		index->migrations = f->migrations_before;
		break;
	case TAKE_RETIRE:
		klpsv_index_end(index);
		break;
	}
	f->mode = TAKE_NONE;
	f->index = NULL;
	klpsv_family_bind(f);
}

/* A tombstone: a live family is freed after the transition. */
static void take_retired(struct klpsv_family *f, struct klpsv_index *index)
{
	/* Already retired (or never seen): carried along, nothing to do. */
	f->mode = TAKE_NONE;
	if (!index || index->state != KLPSV_INDEX_LIVE)
		return;
	f->mode = TAKE_RETIRE;
	klpsv_index_begin(index, f, NULL);
}

/*
 * A family with no klpsv data yet takes over the raw variables of the
 * hand-written patches before it, if it declares them.  Instances stored
 * as klp_shadow variables (format 1) could not be made inside
 * klp_shadow_free_all()'s destructor.
 */
static int take_raw(struct klpsv_patch *kp, struct klpsv_family *f,
		    struct klpsv_index *index)
{
	if (!f->nr_raw)
		return 0;
	if (!klpsv_index_owns(index)) {
		pr_err("%s: family '%s': raw shadow variables can only be adopted into an index of format 2\n",
		       klpsv_patch_name(kp), f->name);
		return -EOPNOTSUPP;
	}
	klpsv_adopt_begin(f, index);
	return 0;
}

/* No live data: a new family, or one revived after a retirement. */
static int take_new(struct klpsv_registry *reg, struct klpsv_patch *kp,
		    struct klpsv_family *f, struct klpsv_index *index)
	__must_hold(&reg->lock)
{
	f->epoch = 0;
	f->alloc_size = klpsv_alloc_size(f);
	f->mode = TAKE_NEW;
	if (!index) {
		index = __klpsv_index_create(reg, f, klpsv_patch_name(kp));
		if (!index) {
			f->mode = TAKE_NONE;	/* nothing to revert */
			return -ENOMEM;
		}
		index->prev_version = 0;
		f->index = index;
		return take_raw(kp, f, index);
	}
	index->prev_version = 0;
	if (index->state == KLPSV_INDEX_RETIRED)
		index->prev_version = index->version;
	/* Strays of code left by a forced transition go. */
	klpsv_index_free_all(f, index);
	f->epoch = (index->epoch + 1) & KLPSV_ID_EPOCH_MASK;
	klpsv_index_restart(index, f);
	f->index = index;
	return take_raw(kp, f, index);
}

/* A newer version: in place when additive, else twins in a new epoch. */
static int take_changed(struct klpsv_patch *kp, struct klpsv_family *f,
			struct klpsv_index *index)
{
	const struct klpsv_step *step = klpsv_step_from(f, index->version);
	bool additive = klpsv_layout_is_prefix(&step->layout, &f->layout) &&
			f->layout.size <= index->alloc_size;
	u64 count, bytes;

	f->migrations_before = index->migrations;
	if (additive) {
		f->epoch = index->epoch;
		f->alloc_size = index->alloc_size;
		f->mode = TAKE_ADDITIVE;
	} else {
		f->epoch = (index->epoch + 1) & KLPSV_ID_EPOCH_MASK;
		f->alloc_size = klpsv_alloc_size(f);
		f->mode = TAKE_BREAKING;
	}
	klpsv_index_begin(index, f, kp->patch->mod);
	klpsv_index_counts(index, &count, &bytes);
	pr_info("%s: family '%s': taking over %llu instances, v%u -> v%u (%s)\n",
		klpsv_patch_name(kp), f->name, count, index->version,
		klpsv_fver(f), additive ? "in place" : "new layout");
	/*
	 * No step runs now: old code may be writing any instance.  In place,
	 * nothing to allocate; a breaking change takes its twins' memory.
	 */
	if (additive)
		return 0;
	return klpsv_walk(f, index, &index->instances, reserve_one, NULL);
}

/**
 * __klpsv_take() - take one family over from the live patch
 * @reg: the registry, locked
 * @kp: the patch taking over, checked by __klpsv_check_live()
 * @f: one of its families
 *
 * Context: process context (pre_patch).
 * Return: 0, or a negative errno after the family was reverted.
 */
static int __klpsv_take(struct klpsv_registry *reg, struct klpsv_patch *kp,
			struct klpsv_family *f)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index = __klpsv_index_find(reg, f->id);
	int err;

	f->mode = TAKE_NONE;
	if (index && index->state == KLPSV_INDEX_FORCED) {
		err = finish_forced(kp, f, index);
		if (err)
			return err;
	}
	if (index)	/* before the module it names can go */
		klpsv_index_set_incoming(index, NULL, NULL);
	f->index = index;
	if (f->retired) {
		take_retired(f, index);
		return 0;
	}
	if (!index || index->state == KLPSV_INDEX_RETIRED ||
	    index->state == KLPSV_INDEX_UNUSED)
		return take_new(reg, kp, f, index);
	if (klpsv_fver(f) == index->version) {
		f->epoch = index->epoch;
		f->alloc_size = index->alloc_size;
		f->mode = TAKE_SAME;
		return 0;
	}
	err = take_changed(kp, f, index);
	if (err)
		__klpsv_revert(reg, f, false);
	return err;
}

/*
 * After a forced transition old code may still run: a breaking change's
 * older instances and a retired family's instances stay, kept in sync as
 * during the transition, until a later patch takes the family over.
 */
static void keep_in_sync(struct klpsv_patch *kp, struct klpsv_family *f,
			 struct klpsv_index *index)
{
	strscpy(index->owner, klpsv_patch_name(kp), sizeof(index->owner));
	klpsv_index_set_state(index, KLPSV_INDEX_FORCED);
	f->mode = TAKE_NONE;
	pr_warn("%s: family '%s': the transition was forced: v%u instances stay in sync with v%u for old code that may still run\n",
		klpsv_patch_name(kp), f->name, index->version,
		index->next_version);
}

static void finish_retire(struct klpsv_patch *kp, struct klpsv_family *f,
			  struct klpsv_index *index)
{
	klpsv_index_free_all(f, index);
	index->version = klpsv_fver(f);
	strscpy(index->owner, klpsv_patch_name(kp), sizeof(index->owner));
	klpsv_index_set_state(index, KLPSV_INDEX_RETIRED);
	pr_info("%s: family '%s' retired at v%u\n", klpsv_patch_name(kp),
		f->name, klpsv_fver(f));
	f->mode = TAKE_NONE;
}

/**
 * __klpsv_finish() - finish the takeover of one family
 * @reg: the registry, locked
 * @kp: the patch whose transition completed
 * @f: one of its families
 * @forced: the transition was forced: old code may still run
 *
 * Context: process context (post_patch).
 */
void __klpsv_finish(struct klpsv_registry *reg, struct klpsv_patch *kp,
		    struct klpsv_family *f, bool forced)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index = f->index;
	u64 count, bytes;

	if (forced && f->mode != TAKE_NONE)
		klpsv_index_mark_forced(index, index->epoch);
	switch (f->mode) {
	case TAKE_NEW:
		/* Old code of a forced transition may still use raw data. */
		if (forced && READ_ONCE(f->adopting))
			pr_warn("%s: family '%s': the transition was forced: the raw shadow variables stay for old code, converted at each access, and are not imported\n",
				klpsv_patch_name(kp), f->name);
		else
			klpsv_adopt_finish(f, index);
		break;
	case TAKE_ADDITIVE:
		klpsv_walk(f, index, &index->instances, migrate_late_one, NULL);
		break;
	case TAKE_BREAKING:
	case TAKE_RETIRE:
		if (forced) {
			if (f->mode == TAKE_BREAKING)
				klpsv_walk(f, index, &index->instances,
					   twin_late_one, NULL);
			keep_in_sync(kp, f, index);
			return;
		}
		if (f->mode == TAKE_RETIRE) {
			finish_retire(kp, f, index);
			return;
		}
		klpsv_index_finishing(index);
		finish_twins(f, index, twin_finish_one);
		break;
	case TAKE_NONE:
		return;
	}
	if (index->state == KLPSV_INDEX_TRANSITION)
		klpsv_index_promote(f, index);
	if (forced)
		klpsv_index_set_incoming(index, f, kp->patch->mod);
	strscpy(index->owner, klpsv_patch_name(kp), sizeof(index->owner));
	klpsv_index_counts(index, &count, &bytes);
	pr_info("%s: family '%s' is at v%u: %llu instances, %llu bytes\n",
		klpsv_patch_name(kp), f->name, index->version, count, bytes);
	f->mode = TAKE_NONE;
}

/* A family whose index a forced transition left in sync. */
static bool __left_forced(struct klpsv_registry *reg, struct klpsv_family *f)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index = __klpsv_index_find(reg, f->id);

	return index && index->state == KLPSV_INDEX_FORCED;
}

/**
 * __klpsv_take_all() - take every family of a patch over, all or nothing
 * @reg: the registry, locked
 * @kp: the patch, checked by __klpsv_check_live()
 *
 * Families a forced transition left in sync are taken last: taking one
 * over ends that transition for good (code of the forced-out patch loses
 * its data), which no later failure could undo.  Only a failure of such a
 * family's own takeover (out of memory) then leaves it ended, which the
 * live patch does not notice: its version is the one made live.
 *
 * Context: process context (pre_patch).
 * Return: 0, or a negative errno after every family was reverted.
 */
int __klpsv_take_all(struct klpsv_registry *reg, struct klpsv_patch *kp)
	__must_hold(&reg->lock)
{
	struct klpsv_family *f;
	unsigned int i;
	int pass, err = 0;

	for_each_family(kp, f, i) {
		f->mode = TAKE_NONE;
		f->index = NULL;
		klpsv_family_bind(f);
	}
	for (pass = 0; pass < 2 && !err; pass++) {
		for_each_family(kp, f, i) {
			if (__left_forced(reg, f) != (pass == 1))
				continue;
			err = __klpsv_take(reg, kp, f);
			if (err)
				break;
		}
	}
	if (!err) {
		for_each_family(kp, f, i)
			klpsv_family_bind(f);
		return 0;
	}
	klpsv_refuse(reg, NULL, "%s: taking over family '%s' failed (%d): the patch is refused, the live data is as it was",
		     klpsv_patch_name(kp), f->name, err);
	/* The failed family is reverted already; those not taken are no-ops. */
	for_each_family(kp, f, i)
		__klpsv_revert(reg, f, false);
	return err;
}
