// SPDX-License-Identifier: GPL-2.0
/*
 * The livepatch entry points: module init and exit, and the callbacks
 * that run the takeover of every family, all or nothing.
 *
 *   klpsv_enable_patch()   module init: static checks, a first check
 *                          against the live data (for a clear message
 *                          before the kernel's own state check), enable
 *   klpsv_pre_patch()      the authoritative check, then the takeover of
 *                          every family, all or nothing; without
 *                          klpsv_enable_patch() (a generated init), the
 *                          static checks too, on the families found in
 *                          the module (lib/discover.c)
 *   klpsv_post_patch()     the transition completed: finish every family
 *   klpsv_post_unpatch()   a reverted transition restores the
 *                          predecessor's data; a real disable frees all
 *
 * Every callback runs under the kernel's klp_mutex, so takeovers never run
 * concurrently; the registry lock orders them against module init checks
 * and debugfs readers.  The core runs callbacks per object: klpsv acts
 * once per patch, and ignores a module object's module coming or going.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/slab.h>

#include "internal.h"

/* The library is compiled into each livepatch module: one patch each. */
static struct klpsv_patch *this_patch;

/**
 * klpsv_this_patch() - the klpsv patch of this module
 *
 * Return: what klpsv_enable_patch() registered, or NULL.
 */
struct klpsv_patch *klpsv_this_patch(void)
{
	return this_patch;
}

/*
 * The checks that need no live data, then the registry, its format
 * checked.
 */
static struct klpsv_registry *check_static(struct klpsv_patch *kp, int *err)
{
	struct klpsv_registry *reg;

	*err = klpsv_patch_validate(kp);
	if (*err)
		return NULL;
	reg = klpsv_registry_get();
	if (!reg || klpsv_census_init()) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = klpsv_format_check(klpsv_patch_name(kp), reg->magic,
				  KLPSV_REGISTRY_MAGIC, reg->format, "registry");
	return *err ? NULL : reg;
}

/*
 * The kernel refuses a patch that lacks a klp_state of the patch it
 * replaces.  klpsv declares one per family only where the live patch did
 * (format-1 code always did): a patch whose init klpsv does not write
 * declares none, and may then replace any other.
 */
static bool states_needed(struct klpsv_registry *reg)
	__must_hold(&reg->lock)
{
	return reg->format < KLPSV_FORMAT || (reg->flags & KLPSV_REG_STATES);
}

/**
 * klpsv_enable_patch() - check a patch's families and enable it
 * @kp: the patch's klpsv description
 *
 * Call from the livepatch module's init function instead of
 * klp_enable_patch().  Checks every family declaration and, against the
 * live data of the patch being replaced, everything the takeover will
 * need, so that a refused patch is refused before the kernel's own state
 * check, with one log line that names the family, the versions and what
 * to do.  Then declares one klp_state per family where the live patch
 * did, and enables the patch.
 *
 * Context: process context (module init).
 * Return: 0, or a negative errno (the module must then fail to load).
 */
int klpsv_enable_patch(struct klpsv_patch *kp)
{
	struct klpsv_registry *reg;
	bool states;
	int err;

	might_sleep();
	if (this_patch) {
		pr_err("%s: %s() called twice\n", klpsv_patch_name(kp), __func__);
		return -EBUSY;
	}
	reg = check_static(kp, &err);
	if (!err)
		err = klpsv_check_wiring(kp, NULL);
	if (!err)
		err = klpsv_check_declared(kp);
	if (err)
		return err;
	mutex_lock(&reg->lock);
	err = __klpsv_check_live(reg, kp);
	states = states_needed(reg);
	mutex_unlock(&reg->lock);
	if (!err && states)
		err = klpsv_states_add(kp);
	if (err)
		return err;

	this_patch = kp;
	klpsv_debugfs_init(kp);
	err = klpsv_compat_enable_patch(kp->patch);
	if (err)
		klpsv_patch_exit(kp);
	else if (!kp->took_over)
		pr_err("%s: enabled, but its pre_patch callback did not call klpsv_pre_patch(): no family was taken over\n",
		       klpsv_patch_name(kp));
	return err;
}

/**
 * klpsv_patch_exit() - forget the patch at module exit
 * @kp: the patch's klpsv description
 *
 * Call from the livepatch module's exit function.  Frees no shadow data:
 * a replaced patch's data belongs to its successor, and a disabled
 * patch's data was freed by klpsv_post_unpatch().
 *
 * Context: process context (module exit).
 */
void klpsv_patch_exit(struct klpsv_patch *kp)
{
	klpsv_debugfs_exit();
	klpsv_states_remove(kp);
	this_patch = NULL;
}

/**
 * klpsv_pre_patch() - take over every family, all or nothing
 * @obj: the klp_object whose callback this is (unused)
 *
 * Re-checks the live data under the registry lock (a patch loaded since
 * klpsv_enable_patch() may have changed it), then takes each family over:
 * an additive change is migrated in place later, a breaking change
 * reserves twins in a new epoch while the old instances stay for old
 * code.  No step runs here: old code may be using any instance.  A
 * failure undoes the families already taken over and refuses the patch;
 * the live patch keeps its data as it was.
 *
 * Without klpsv_enable_patch() (the module's init called
 * klp_enable_patch() itself), the patch's families are those the module
 * declares with KLPSV_FAMILY(), checked here as klpsv_enable_patch()
 * would, and no klp_state is declared.  Runs once per patch: a second
 * object's callback, or a module object's when its module loads later,
 * does nothing.
 *
 * Context: livepatch pre_patch callback (process context, klp_mutex).
 * Return: 0, or a negative errno, which makes the kernel refuse the patch.
 */
int klpsv_pre_patch(struct klp_object *obj)
{
	struct klpsv_patch *kp = this_patch;
	struct klpsv_registry *reg;
	int err;

	might_sleep();
	if (kp && kp->took_over)
		return 0;
	if (!kp) {
		kp = klpsv_generated_patch(obj);
		if (IS_ERR(kp))
			return PTR_ERR(kp);
		reg = check_static(kp, &err);
	} else {
		reg = klpsv_registry_get();
		err = reg ? 0 : -ENOMEM;
	}
	if (!err)
		err = klpsv_check_wiring(kp, obj);
	if (err)
		return err;
	this_patch = kp;
	mutex_lock(&reg->lock);
	err = __klpsv_check_live(reg, kp);
	if (!err)
		err = __klpsv_take_all(reg, kp);
	if (!err) {
		kp->took_over = true;
		kp->finished = false;
	}
	mutex_unlock(&reg->lock);
	return err;
}

/*
 * For a callback that follows a takeover: the registry, locked, or NULL
 * when this patch took nothing over.
 */
static struct klpsv_registry *lock_after_takeover(struct klpsv_patch *kp)
{
	struct klpsv_registry *reg;

	might_sleep();
	if (!kp || !kp->took_over)
		return NULL;
	reg = klpsv_registry_get();
	if (WARN_ON_ONCE(!reg))
		return NULL;
	mutex_lock(&reg->lock);
	return reg;
}

/**
 * klpsv_post_patch() - finish the takeover once no old code runs
 * @obj: the klp_object whose callback this is (unused)
 *
 * Migrates what old code created during the transition, frees the older
 * instances of breaking changes and retired families, and makes this
 * patch's versions the live ones.  Idempotent.
 *
 * Context: livepatch post_patch callback (process context, klp_mutex).
 */
void klpsv_post_patch(struct klp_object *obj)
{
	struct klpsv_patch *kp = this_patch;
	struct klpsv_registry *reg = lock_after_takeover(kp);
	struct klpsv_family *f;
	unsigned int i;
	bool forced;

	if (!reg)
		return;
	if (kp->finished)
		goto out;
	forced = klpsv_compat_transition_forced(kp->patch);
	if (forced)
		reg->flags |= KLPSV_REG_FORCED;
	if (kp->states)
		reg->flags |= KLPSV_REG_STATES;
	else
		reg->flags &= ~KLPSV_REG_STATES;
	for_each_family(kp, f, i) {
		__klpsv_finish(reg, kp, f, forced);
		/* a refusal an earlier patch met no longer applies */
		if (f->index)
			f->index->refusal[0] = '\0';
	}
	/*
	 * No code of an older format runs any more: patches built with it
	 * are refused from now on (their own format check), as the indexes
	 * this patch made are of the current one.  Indexes older code made
	 * keep their format and its way of storing instances.
	 */
	if (!forced && reg->format < KLPSV_FORMAT)
		reg->format = KLPSV_FORMAT;
	kp->finished = true;
out:
	mutex_unlock(&reg->lock);
}

/* A real disable: free every instance, report what could not be. */
static void release_family(struct klpsv_registry *reg, struct klpsv_patch *kp,
			   struct klpsv_family *f)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index = f->index;
	u64 freed;

	if (!index)
		return;
	freed = klpsv_index_free_all(f, index);
	if (index->count + index->next_count)
		pr_err("%s: family '%s': %llu instances leaked at release\n",
		       klpsv_patch_name(kp), f->name,
		       index->count + index->next_count);
	else if (index->state != KLPSV_INDEX_RETIRED)
		pr_info("%s: family '%s' released: %llu instances freed\n",
			klpsv_patch_name(kp), f->name, freed);
	__klpsv_index_release(reg, index);
	f->index = NULL;
	klpsv_family_bind(f);
}

/*
 * A forced disable: code of this patch may still run and hold instances,
 * so none is freed; the index stays, unused, with them.  Code still
 * running keeps its data; the next patch that brings the family back
 * frees them as strays (take_new()), as after any forced transition.
 */
static void keep_family(struct klpsv_patch *kp, struct klpsv_family *f)
{
	struct klpsv_index *index = f->index;
	u64 count, bytes;

	if (!index)
		return;
	klpsv_index_counts(index, &count, &bytes);
	index->version = 0;
	klpsv_index_set_state(index, KLPSV_INDEX_UNUSED);
	pr_warn("%s: family '%s': the disable was forced: %llu instances kept for code that may still run\n",
		klpsv_patch_name(kp), f->name, count);
}

/**
 * klpsv_post_unpatch() - revert a takeover, or free everything
 * @obj: the klp_object whose callback this is (unused)
 *
 * Before post_patch ran, this is a reverted (or failed) enable: the
 * predecessor stays live, so its data is restored as it was (twins and
 * new families are freed; an in-place migration is undone).  After it,
 * this is a real disable, as nothing replaces a patch that is disabled:
 * every instance of every family is freed, its destructor run once, and
 * anything left is reported as a leak.  A forced disable frees nothing
 * that code still running may use (keep_family()).  A module object's
 * module going while the patch stays changes nothing: families belong
 * to the patch.
 *
 * Context: livepatch post_unpatch callback (process context, klp_mutex).
 */
void klpsv_post_unpatch(struct klp_object *obj)
{
	struct klpsv_patch *kp = this_patch;
	struct klpsv_registry *reg;
	struct klpsv_family *f;
	unsigned int i;
	bool forced;

	if (klpsv_compat_object_going(obj))
		return;
	reg = lock_after_takeover(kp);
	if (!reg)
		return;
	/* Writing to "force" during an unpatch marks the patch itself. */
	forced = kp->patch->forced;
	if (forced)
		reg->flags |= KLPSV_REG_FORCED;
	for_each_family(kp, f, i) {
		if (forced && f->index)
			klpsv_index_mark_forced(f->index, f->epoch);
		if (kp->finished && forced)
			keep_family(kp, f);
		else if (kp->finished)
			release_family(reg, kp, f);
		else
			__klpsv_revert(reg, f, forced);
	}
	if (!kp->finished)
		pr_info("%s: transition reverted, live data restored\n",
			klpsv_patch_name(kp));
	else	/* disabled: no patch is live, whose states would bind */
		reg->flags &= ~KLPSV_REG_STATES;
	kp->took_over = false;
	mutex_unlock(&reg->lock);
}
