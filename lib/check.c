// SPDX-License-Identifier: GPL-2.0
/*
 * Refusal before harm: can this patch take over every live family?  Run
 * at module init, for a clear message before the kernel's own state check,
 * and again in pre_patch, under the registry lock, where it decides.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include "internal.h"

/*
 * What a new patch takes over from an index: after a forced transition the
 * incoming version of the forcing patch is the live one (or, for a
 * tombstone, the family is retired).
 */
static void live_view(const struct klpsv_index *index, unsigned int *state,
		      unsigned int *version, u32 *layout)
{
	*state = index->state;
	*version = index->version;
	*layout = index->layout;
	if (*state == KLPSV_INDEX_FORCED) {
		*state = index->next_size ? KLPSV_INDEX_LIVE :
					    KLPSV_INDEX_RETIRED;
		*version = index->next_version;
		*layout = index->next_layout;
	}
}

/* @f is newer than the live v@v: it needs a step that matches the data. */
static int check_step(struct klpsv_registry *reg, const char *p,
		      const struct klpsv_family *f, struct klpsv_index *index,
		      unsigned int v, u32 live)
{
	const struct klpsv_step *step = klpsv_step_from(f, v);
	u32 layout;

	if (!step)
		return klpsv_refuse(reg, index, "%s: family '%s': no step from live v%u (%s) to v%u: add a struct klpsv_step with .from = %u",
				    p, f->name, v, index->owner,
				    klpsv_fver(f), v);
	layout = klpsv_layout_fingerprint(&step->layout);
	if (layout != live)
		return klpsv_refuse(reg, index, "%s: family '%s': the step from v%u expects layout %08x but live v%u (%s) has %08x: describe the live v%u exactly",
				    p, f->name, klpsv_vnum(step->from), layout,
				    v, index->owner, live, v);
	return 0;
}

/*
 * The epoch a takeover of @index by @f moves the family to, or -1 when it
 * keeps the live one (as __klpsv_take() will decide).
 */
static int next_epoch_of(const struct klpsv_family *f,
			 const struct klpsv_index *index)
{
	bool forced = index->state == KLPSV_INDEX_FORCED;
	u32 epoch = forced ? index->next_epoch : index->epoch;
	unsigned int state, v;
	const struct klpsv_step *step;
	u32 live;

	live_view(index, &state, &v, &live);
	if (f->retired)
		return -1;
	if (state == KLPSV_INDEX_LIVE) {
		if (klpsv_fver(f) == v)
			return -1;
		step = klpsv_step_from(f, v);
		if (step && klpsv_layout_is_prefix(&step->layout, &f->layout) &&
		    f->layout.size <= (forced ? index->next_alloc_size :
						index->alloc_size))
			return -1;
	}
	return (epoch + 1) & KLPSV_ID_EPOCH_MASK;
}

/*
 * The epoch has four bits: a family that keeps changing layout comes back
 * to an epoch after sixteen takeovers, where code a forced transition left
 * running could find data of another layout.  Refused instead.
 */
static int check_epoch(struct klpsv_registry *reg, const char *p,
		       const struct klpsv_family *f, struct klpsv_index *index)
{
	int epoch = next_epoch_of(f, index);

	if (epoch < 0 || !(index->forced_epochs & BIT(epoch)))
		return 0;
	return klpsv_refuse(reg, index, "%s: family '%s': its next layout epoch, %d, may still be used by code a forced transition left running: reboot before changing its layout again",
			    p, f->name, epoch);
}

/* Do @f's version and layout fit the live @index? */
static int check_versions(struct klpsv_registry *reg, struct klpsv_patch *kp,
			struct klpsv_family *f, struct klpsv_index *index)
	__must_hold(&reg->lock)
{
	const char *p = klpsv_patch_name(kp);
	unsigned int state, v;
	u32 live;
	int err;

	if (!index)
		return 0;
	err = klpsv_format_check(p, index->magic, KLPSV_INDEX_MAGIC,
				 index->format, f->name);
	if (err)
		return err;
	live_view(index, &state, &v, &live);
	if (state == KLPSV_INDEX_TRANSITION || state == KLPSV_INDEX_UNUSED)
		return 0;	/* the kernel refuses a second transition */
	if (state == KLPSV_INDEX_RETIRED) {
		if (klpsv_fver(f) <= v && !f->retired)
			return klpsv_refuse(reg, index, "%s: family '%s' was retired at v%u by %s: reviving it needs a version above %u",
					    p, f->name, v, index->owner, v);
		return 0;
	}
	if (klpsv_fver(f) < v)
		return klpsv_refuse(reg, index, "%s: family '%s': refusing downgrade from live v%u (%s) to v%u: to undo v%u, ship a patch with version %u or more",
				    p, f->name, v, index->owner,
				    klpsv_fver(f), v, v + 1);
	if (klpsv_fver(f) > v)
		return check_step(reg, p, f, index, v, live);
	if (f->retired)
		return klpsv_refuse(reg, index, "%s: family '%s': a tombstone needs a version above the live v%u",
				    p, f->name, v);
	if (f->fingerprint != live)
		return klpsv_refuse(reg, index, "%s: family '%s': v%u has layout %08x here but %08x live (%s): a changed layout needs a new version and a step from v%u",
				    p, f->name, klpsv_fver(f), f->fingerprint,
				    live, index->owner, v);
	return 0;
}

/* Can this patch take @f over from the live @index? */
static int check_family(struct klpsv_registry *reg, struct klpsv_patch *kp,
			struct klpsv_family *f, struct klpsv_index *index)
	__must_hold(&reg->lock)
{
	int err = check_versions(reg, kp, f, index);

	if (err || !index || index->state == KLPSV_INDEX_TRANSITION)
		return err;
	return check_epoch(reg, klpsv_patch_name(kp), f, index);
}

/**
 * __klpsv_check_live() - can a patch take over every live family?
 * @reg: the registry, locked
 * @kp: the patch
 *
 * Every family the patch declares must be able to take over its live
 * data, and every live family must be declared (or retired).
 *
 * Return: 0, or -EINVAL after logging the first reason to refuse.
 */
int __klpsv_check_live(struct klpsv_registry *reg, struct klpsv_patch *kp)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index;
	struct klpsv_family *f;
	unsigned int i;
	int err;

	lockdep_assert_held(&reg->lock);
	for_each_family(kp, f, i) {
		err = check_family(reg, kp, f, __klpsv_index_find(reg, f->id));
		if (err)
			return err;
	}
	list_for_each_entry(index, &reg->families, node) {
		if (index->state != KLPSV_INDEX_UNUSED &&
		    !klpsv_patch_declares(kp, index->id))
			return klpsv_refuse(reg, index, "%s: live family '%s' (v%u, %s) is not declared by this patch: declare it, or retire it with a tombstone (.retired = true)",
					    klpsv_patch_name(kp), index->name,
					    index->version, index->owner);
	}
	return 0;
}
