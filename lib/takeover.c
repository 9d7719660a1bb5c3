// SPDX-License-Identifier: GPL-2.0
/*
 * Handover between cumulative patches: the checks that refuse a patch
 * before harm, and the four livepatch callbacks.
 *
 *   klpsv_enable_patch()  module init: static checks, a first check
 *                          against the live data (for a clear message
 *                          before the kernel's own state check), enable
 *   klpsv_pre_patch()      the authoritative check, then the takeover of
 *                          every family, all or nothing
 *   klpsv_post_patch()     the transition completed: finish migrations,
 *                          free what old versions no longer need
 *   klpsv_post_unpatch()   a reverted transition restores the
 *                          predecessor's data; a real disable frees all
 *
 * Every callback runs under the kernel's klp_mutex, so takeovers never run
 * concurrently; the registry lock orders them against module init checks.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/* The library is compiled into each livepatch module: one patch each. */
static struct klpsv_patch *this_patch;

/* struct klpsv_family.mode: what the running takeover did. */
enum {
	TAKE_NONE,
	TAKE_NEW,		/* no live data: a new (or revived) family */
	TAKE_SAME,		/* same version and layout: nothing to do */
	TAKE_ADDITIVE,		/* migrated in place */
	TAKE_BREAKING,		/* twins in a new epoch */
	TAKE_RETIRE,		/* tombstone: free after the transition */
};

#define for_each_family(kp, f, i) \
	for ((i) = 0; ((f) = (kp)->families[i]); (i)++)

/**
 * klpsv_this_patch() - the klpsv patch of this module
 *
 * Return: what klpsv_enable_patch() registered, or NULL.
 */
struct klpsv_patch *klpsv_this_patch(void)
{
	return this_patch;
}

static const char *pname(const struct klpsv_patch *kp)
{
	return klpsv_compat_patch_name(kp->patch);
}

static unsigned long id_ns(unsigned long id)
{
	return (id >> KLPSV_ID_NS_SHIFT) & ((1UL << KLPSV_ID_NS_BITS) - 1);
}

static int validate_family(struct klpsv_patch *kp, struct klpsv_family *f)
{
	const char *p = pname(kp);
	unsigned int i, j;

	if (!f->name || !f->name[0] || strlen(f->name) >= KLPSV_NAME_LEN)
		return klpsv_refuse(NULL, NULL, "%s: a family needs a name of 1 to %d characters",
				    p, KLPSV_NAME_LEN - 1);
	if (f->id >> KLPSV_ID_MAGIC_SHIFT != KLPSV_ID_MAGIC ||
	    (f->id & KLPSV_ID_EPOCH_MASK) || !id_ns(f->id))
		return klpsv_refuse(NULL, NULL, "%s: family '%s': id %#lx is not a KLPSV_ID(ns, n) with ns >= 1",
				    p, f->name, f->id);
	if (!klpsv_fver(f) || klpsv_fver(f) > KLPSV_VERSION_MAX)
		return klpsv_refuse(NULL, NULL, "%s: family '%s': version %u is outside 1..%u",
				    p, f->name, klpsv_fver(f), KLPSV_VERSION_MAX);
	if (!f->retired) {
		if (!f->layout.size || !f->layout.nr_fields ||
		    (f->type_size && f->layout.size != f->type_size))
			return klpsv_refuse(NULL, NULL, "%s: family '%s': its layout describes %u bytes but its type has %zu: describe the type with KLPSV_LAYOUT()",
					    p, f->name, f->layout.size,
					    f->type_size);
		for (i = 0; i < f->layout.nr_fields; i++) {
			const struct klpsv_field *fl = &f->layout.fields[i];

			if (fl->offset + fl->size > f->layout.size)
				return klpsv_refuse(NULL, NULL, "%s: family '%s': member '%s' lies outside the struct",
						    p, f->name, fl->name);
		}
	}
	for (i = 0; i < f->nr_steps; i++) {
		const struct klpsv_step *s = &f->steps[i];

		if (!klpsv_vnum(s->from) || klpsv_vnum(s->from) >= klpsv_fver(f))
			return klpsv_refuse(NULL, NULL, "%s: family '%s': a step from v%u cannot lead to v%u: steps come from older versions",
					    p, f->name, klpsv_vnum(s->from), klpsv_fver(f));
		if (!f->retired && !s->up)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': the step from v%u has no .up function",
					    p, f->name, klpsv_vnum(s->from));
		if (!s->layout.size || !s->layout.nr_fields)
			return klpsv_refuse(NULL, NULL, "%s: family '%s': the step from v%u needs the .layout of v%u",
					    p, f->name, klpsv_vnum(s->from), klpsv_vnum(s->from));
		for (j = 0; j < i; j++) {
			if (klpsv_vnum(f->steps[j].from) == klpsv_vnum(s->from))
				return klpsv_refuse(NULL, NULL, "%s: family '%s': two steps from v%u",
						    p, f->name, klpsv_vnum(s->from));
		}
	}
	if (!f->retired)
		f->fingerprint = klpsv_layout_fingerprint(&f->layout);
	return 0;
}

/* Give the patch one klp_state per family, after its own states. */
static int add_states(struct klpsv_patch *kp)
{
	struct klp_state *own = kp->patch->states, *states;
	struct klpsv_family *f;
	unsigned int n_own = 0, n, i, j;

	for_each_family(kp, f, n)
		;
	while (own && own[n_own].id)
		n_own++;
	for (i = 0; i < n_own; i++) {
		for_each_family(kp, f, j) {
			if (own[i].id == f->id)
				return klpsv_refuse(NULL, NULL, "%s: family '%s': its id %#lx is also one of the patch's own klp_states: use another KLPSV_ID()",
						    pname(kp), f->name, f->id);
		}
	}
	states = kcalloc(n_own + n + 1, sizeof(*states), GFP_KERNEL);
	if (!states)
		return -ENOMEM;
	for (i = 0; i < n_own; i++)
		states[i] = own[i];
	for_each_family(kp, f, j)
		klpsv_compat_set_state(&states[n_own + j], f->id, klpsv_fver(f));
	kp->states = states;
	klpsv_compat_set_states(kp->patch, states);
	return 0;
}

static int validate_patch(struct klpsv_patch *kp)
{
	struct klpsv_family *f, *g;
	unsigned int i, j;
	int err;

	if (!kp->patch || !kp->families || !kp->families[0]) {
		pr_err("a struct klpsv_patch needs .patch and at least one family\n");
		return -EINVAL;
	}
	if (!klpsv_compat_is_replace(kp->patch))
		return klpsv_refuse(NULL, NULL, "%s: not a cumulative patch: set .replace = true in its struct klp_patch, klpsv hands data on by atomic replace",
				    pname(kp));
	for_each_family(kp, f, i) {
		err = validate_family(kp, f);
		if (err)
			return err;
		for (j = 0; j < i; j++) {
			g = kp->families[j];
			if (g->id == f->id)
				return klpsv_refuse(NULL, NULL, "%s: families '%s' and '%s' both use id %#lx: give each family its own KLPSV_ID()",
						    pname(kp), g->name, f->name,
						    f->id);
		}
	}
	return 0;
}

static bool declares(const struct klpsv_patch *kp, unsigned long id)
{
	struct klpsv_family *f;
	unsigned int i;

	for_each_family(kp, f, i) {
		if (f->id == id)
			return true;
	}
	return false;
}

/*
 * What a new patch takes over from an index: after a forced transition the
 * incoming version of the forcing patch is the live one (or, for a
 * tombstone, the family is retired).
 */
static void effective(const struct klpsv_index *index, unsigned int *state,
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

/* Can this patch take @f over from the live @index? */
static int check_family(struct klpsv_registry *reg, struct klpsv_patch *kp,
			struct klpsv_family *f, struct klpsv_index *index)
	__must_hold(&reg->lock)
{
	const char *p = pname(kp);
	const struct klpsv_step *step;
	unsigned int state, v;
	u32 layout, live;
	int err;

	if (!index)
		return 0;
	err = klpsv_format_check(p, index->magic, KLPSV_INDEX_MAGIC,
				 index->format, f->name);
	if (err)
		return err;
	effective(index, &state, &v, &live);
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
	if (klpsv_fver(f) == v) {
		if (f->retired)
			return klpsv_refuse(reg, index, "%s: family '%s': a tombstone needs a version above the live v%u",
					    p, f->name, v);
		if (f->fingerprint != live)
			return klpsv_refuse(reg, index, "%s: family '%s': v%u has layout %08x here but %08x live (%s): a changed layout needs a new version and a step from v%u",
					    p, f->name, klpsv_fver(f),
					    f->fingerprint, live,
					    index->owner, v);
		return 0;
	}
	step = klpsv_find_step(f, v);
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

static int check_live(struct klpsv_registry *reg, struct klpsv_patch *kp)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index;
	struct klpsv_family *f;
	unsigned int i;
	int err;

	for_each_family(kp, f, i) {
		err = check_family(reg, kp, f, klpsv_index_find(reg, f->id));
		if (err)
			return err;
	}
	list_for_each_entry(index, &reg->families, node) {
		if (index->state != KLPSV_INDEX_UNUSED && !declares(kp, index->id))
			return klpsv_refuse(reg, index, "%s: live family '%s' (v%u, %s) is not declared by this patch: declare it, or retire it with a tombstone (.retired = true)",
					    pname(kp), index->name,
					    index->version, index->owner);
	}
	return 0;
}

/* Eager in-place migration, one object (klpsv_walk_fn). */
static int in_place_one(struct klpsv_family *f, struct klpsv_index *index,
			void *obj, void *arg)
{
	const struct klpsv_step *step;
	struct klpsv_hdr *hdr;
	unsigned long flags;
	unsigned int version;
	int err = 0;

	spin_lock_irqsave(&index->lock, flags);
	hdr = klpsv_find(index, obj, f->epoch);
	if (!hdr)
		goto out;
	version = klpsv_hdr_version(hdr);
	if (version >= klpsv_fver(f))
		goto out;
	step = klpsv_find_step(f, version);
	err = step ? klpsv_in_place_step(index, step, hdr) : -EINVAL;
	if (!err) {
		WRITE_ONCE(hdr->version, klpsv_fver(f));
		index->migrations++;
	}
out:
	spin_unlock_irqrestore(&index->lock, flags);
	if (err)
		pr_err("%s: family '%s': migrating an instance from v%u to v%u failed (%d)\n",
		       pname(this_patch), f->name, version, klpsv_fver(f), err);
	return err;
}

/* After the transition: a failed step leaves the instance as it was, to
 * be migrated on its next access; the walk goes on.
 */
static int in_place_finish_one(struct klpsv_family *f,
			       struct klpsv_index *index, void *obj, void *arg)
{
	in_place_one(f, index, obj, arg);
	return 0;
}

/* Undo in_place_one(): the predecessor's bytes, its tail room zeroed. */
static int in_place_revert_one(struct klpsv_family *f,
			       struct klpsv_index *index, void *obj, void *arg)
{
	struct klpsv_hdr *hdr;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	hdr = klpsv_find(index, obj, f->epoch);
	if (hdr && klpsv_hdr_version(hdr) > index->prev_version) {
		memset((char *)(hdr + 1) + index->size, 0,
		       index->alloc_size - index->size);
		WRITE_ONCE(hdr->version, index->prev_version);
	}
	spin_unlock_irqrestore(&index->lock, flags);
	return 0;
}

/* Make or refresh the twin of one object (klpsv_walk_fn); @arg set
 * means the allocation must not fail (after the transition).
 */
static int twin_one(struct klpsv_family *f, struct klpsv_index *index,
		    void *obj, void *arg)
{
	gfp_t gfp = arg ? GFP_KERNEL | __GFP_NOFAIL : GFP_KERNEL;
	struct klpsv_hdr *twin, *stale = NULL;
	unsigned long flags;
	bool created;
	void *data;
	int err;

	klpsv_table_fit(index, &index->next, GFP_KERNEL);
	twin = klpsv_shadow_new(obj, f->id | f->epoch, f->alloc_size,
				klpsv_fver(f) | KLPSV_HDR_TWIN, KLPSV_HDR_PENDING,
				gfp, &created);
	if (!twin)
		return -ENOMEM;
	spin_lock_irqsave(&index->lock, flags);
	err = klpsv_twin_sync(f, index, obj, &data, &stale);
	spin_unlock_irqrestore(&index->lock, flags);
	if (stale)
		klpsv_drop(f, stale, f->epoch);
	if (err == -ENOENT)
		return 0;	/* old code freed the object meanwhile */
	if (err)
		pr_err("%s: family '%s': a step to v%u failed (%d)\n",
		       pname(this_patch), f->name, klpsv_fver(f), err);
	return err;
}

/* After the transition: the twin takes over, the older instance goes.
 * A twin that cannot be brought up to date is lost with it, and counted.
 */
static int twin_finish_one(struct klpsv_family *f, struct klpsv_index *index,
			   void *obj, void *arg)
{
	struct klpsv_hdr *twin, *old, *stale = NULL;
	bool lost = false, synced = false;
	unsigned long flags;
	int err = 0;
	u32 gen;

	for (;;) {
		spin_lock_irqsave(&index->lock, flags);
		old = klpsv_find(index, obj, index->epoch);
		if (!old) {
			spin_unlock_irqrestore(&index->lock, flags);
			return 0;
		}
		twin = klpsv_find(index, obj, f->epoch);
		if (synced)
			break;
		/* Pairs with klpsv_put()'s release: what old code wrote before. */
		gen = smp_load_acquire(&old->gen);
		/* Most twins are still in sync: old code did not write since. */
		if (twin && klpsv_hdr_is_twin(twin) && twin->gen == gen)
			break;
		spin_unlock_irqrestore(&index->lock, flags);
		err = twin_one(f, index, obj, (void *)1);
		synced = true;
	}
	if (twin && !err) {
		WRITE_ONCE(twin->version, klpsv_fver(f));
	} else {
		lost = true;
		index->lost++;
		if (twin) {
			klpsv_unlink(index, twin, f->epoch);
			stale = twin;
		}
	}
	klpsv_unlink(index, old, index->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	if (lost)
		pr_err("%s: family '%s': an instance could not be migrated from v%u after the transition and is freed\n",
		       pname(this_patch), f->name, klpsv_hdr_version(old));
	if (stale)
		klpsv_drop(f, stale, f->epoch);
	klpsv_drop(f, old, index->epoch);
	return 0;
}

/* What free_one() frees: the instances of a table, of an epoch. */
struct free_arg {
	struct klpsv_table *t;
	u32 epoch;
};

/* Free one object's instance in a table (klpsv_walk_fn). */
static int free_one(struct klpsv_family *f, struct klpsv_index *index,
		    void *obj, void *arg)
{
	struct free_arg *a = arg;
	struct klpsv_hdr *hdr;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	hdr = klpsv_table_find(a->t, obj);
	if (hdr)
		klpsv_unlink_from(index, a->t, hdr);
	spin_unlock_irqrestore(&index->lock, flags);
	if (hdr)
		klpsv_drop(f, hdr, a->epoch);
	return 0;
}

/* After the transition, a twin still marked as one lost its older
 * instance to old code during the transition: the object is gone.
 */
static int free_stale_one(struct klpsv_family *f, struct klpsv_index *index,
			  void *obj, void *arg)
{
	u32 epoch = index->next_epoch;
	struct klpsv_hdr *hdr;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	hdr = klpsv_find(index, obj, epoch);
	if (hdr && klpsv_hdr_is_twin(hdr))
		klpsv_unlink(index, hdr, epoch);
	else
		hdr = NULL;
	spin_unlock_irqrestore(&index->lock, flags);
	if (hdr)
		klpsv_drop(f, hdr, epoch);
	return 0;
}

/* Revert of a breaking change: objects only new code saw go back with
 * the down step, if there is one; every twin is freed.
 */
static int twin_revert_one(struct klpsv_family *f, struct klpsv_index *index,
			   void *obj, void *arg)
{
	const struct klpsv_step *step = klpsv_find_step(f, index->prev_version);
	struct klpsv_hdr *twin, *old = NULL;
	unsigned long flags;
	bool created = false;

	/*
	 * The shell is marked a twin, so old code's fast path does not take
	 * it before the down step has filled it.
	 */
	if (step && step->down)
		old = klpsv_shadow_new(obj, f->id | index->epoch,
				       index->alloc_size,
				       index->prev_version | KLPSV_HDR_TWIN,
				       KLPSV_HDR_PENDING,
				       GFP_KERNEL | __GFP_NOFAIL, &created);
	spin_lock_irqsave(&index->lock, flags);
	twin = klpsv_find(index, obj, f->epoch);
	if (twin) {
		if (created && !klpsv_hdr_is_twin(twin) &&
		    !klpsv_run_step(step->down, obj, twin + 1, old + 1)) {
			old->flags &= ~KLPSV_HDR_PENDING;
			old->gen = index->gen_seed++;
			klpsv_link(index, old, index->epoch);
			WRITE_ONCE(old->version, index->prev_version);
			created = false;
		}
		klpsv_unlink(index, twin, f->epoch);
	}
	/* Only our own shell, if old code did not free and remake it. */
	if (created && klpsv_compat_shadow_get(obj, f->id | index->epoch) == old &&
	    (old->flags & KLPSV_HDR_PENDING))
		klpsv_compat_shadow_free(obj, f->id | index->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	if (twin)
		klpsv_drop(f, twin, f->epoch);
	return 0;
}

static void set_state(struct klpsv_index *index, unsigned int state)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	WRITE_ONCE(index->state, state);
	spin_unlock_irqrestore(&index->lock, flags);
}

/* Free every instance; return how many were freed. */
static u64 free_all(struct klpsv_family *f, struct klpsv_index *index)
{
	struct free_arg cur = { &index->instances, index->epoch };
	struct free_arg next = { &index->next, index->next_epoch };
	u64 before = index->count + index->next_count;

	klpsv_walk(f, index, cur.t, free_one, &cur);
	klpsv_walk(f, index, next.t, free_one, &next);
	return before - (index->count + index->next_count);
}

/*
 * An index no patch uses any more.  After a forced transition, code of an
 * old patch may still run and reach it through its family declaration:
 * it is kept, empty, for the kernel's lifetime (a few hundred bytes).
 */
static void release_index(struct klpsv_registry *reg, struct klpsv_index *index)
	__must_hold(&reg->lock)
{
	if (reg->flags & KLPSV_REG_FORCED) {
		index->version = 0;
		set_state(index, KLPSV_INDEX_UNUSED);
		return;
	}
	klpsv_index_destroy(index);
}

/*
 * The incoming version becomes the live one.  For a breaking change the
 * tables swap: the twins' becomes the live one; the older epoch's is left
 * in @next, where nothing reaches it any more, with whatever old code of
 * a forced transition added after the last walk (freed by the caller).
 */
static void index_promote(struct klpsv_index *index)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	klpsv_seq_write_begin(index);
	if (index->epoch != index->next_epoch) {
		swap(index->instances, index->next);
		swap(index->count, index->next_count);
	}
	index->version = index->next_version;
	index->layout = index->next_layout;
	index->epoch = index->next_epoch;
	index->size = index->next_size;
	index->alloc_size = index->next_alloc_size;
	index->state = KLPSV_INDEX_LIVE;
	klpsv_seq_write_end(index);
	spin_unlock_irqrestore(&index->lock, flags);
}

/*
 * index_promote(), then free what it left behind in the older epoch's
 * table, and give that table back its memory.
 */
static void promote(struct klpsv_family *f, struct klpsv_index *index)
{
	struct free_arg old = { &index->next, index->epoch };
	bool breaking = index->epoch != index->next_epoch;
	unsigned long flags;

	index_promote(index);
	if (!breaking)
		return;
	if (index->next_count) {
		klpsv_walk(f, index, old.t, free_one, &old);
		spin_lock_irqsave(&index->lock, flags);
		index->next_count = 0;
		index->bytes = index->count *
			       klpsv_instance_bytes(index->alloc_size);
		spin_unlock_irqrestore(&index->lock, flags);
	}
	klpsv_table_reset(index, old.t);
}

/* Drop an older instance whose twin takes over (klpsv_walk_fn). */
static int forced_drop_one(struct klpsv_family *f, struct klpsv_index *index,
			   void *obj, void *arg)
{
	struct klpsv_hdr *old, *twin;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	old = klpsv_find(index, obj, index->epoch);
	if (!old) {
		spin_unlock_irqrestore(&index->lock, flags);
		return 0;
	}
	twin = klpsv_find(index, obj, index->next_epoch);
	if (twin)
		WRITE_ONCE(twin->version, index->next_version);
	klpsv_unlink(index, old, index->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	klpsv_drop(f, old, index->epoch);
	return 0;
}

/*
 * A family left in sync by a forced transition is taken over by a newer
 * patch: end that transition first.  Old code that may still run from it
 * no longer sees the data (its accessors find nothing) from here on.
 */
static void finish_forced(struct klpsv_patch *kp, struct klpsv_family *f,
			  struct klpsv_index *index)
{
	pr_warn("%s: family '%s': ending the transition forced by %s: code of older patches still running no longer sees the data\n",
		pname(kp), f->name, index->owner);
	if (!index->next_size) {
		free_all(f, index);	/* a forced retirement */
		index->version = index->next_version;
		set_state(index, KLPSV_INDEX_RETIRED);
		return;
	}
	if (index->epoch != index->next_epoch) {
		klpsv_walk(f, index, &index->instances, forced_drop_one, NULL);
		klpsv_walk_some(f, index, &index->next, free_stale_one, NULL,
				klpsv_hdr_is_twin);
	}
	promote(f, index);
}

/* Undo the takeover of one family, before or after a failure. */
static void revert_family(struct klpsv_registry *reg, struct klpsv_patch *kp,
			  struct klpsv_family *f)
{
	struct klpsv_index *index = f->index;

	switch (f->mode) {
	case TAKE_NEW:
		free_all(f, index);
		if (index->prev_version) {
			index->version = index->prev_version;
			set_state(index, KLPSV_INDEX_RETIRED);
		} else {
			release_index(reg, index);
		}
		break;
	case TAKE_ADDITIVE:
		klpsv_walk(f, index, &index->instances, in_place_revert_one,
			   NULL);
		set_state(index, KLPSV_INDEX_LIVE);
		index->migrations = f->migrations_before;
		break;
	case TAKE_BREAKING:
		klpsv_walk(f, index, &index->next, twin_revert_one, NULL);
		set_state(index, KLPSV_INDEX_LIVE);
		index->next_epoch = index->epoch;
		index->migrations = f->migrations_before;
		break;
	case TAKE_RETIRE:
		set_state(index, KLPSV_INDEX_LIVE);
		break;
	}
	f->mode = TAKE_NONE;
	f->index = NULL;
}

static u32 alloc_size_for(const struct klpsv_family *f)
{
	return ALIGN(f->layout.size + f->reserve, sizeof(u64));
}

static int takeover(struct klpsv_registry *reg, struct klpsv_patch *kp,
		    struct klpsv_family *f)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index = klpsv_index_find(reg, f->id);
	const struct klpsv_step *step;
	bool additive;
	int err;

	if (index && index->state == KLPSV_INDEX_FORCED)
		finish_forced(kp, f, index);
	f->index = index;
	if (f->retired) {
		/* Already retired (or never seen): carried along, nothing to do. */
		f->mode = TAKE_NONE;
		if (index && index->state == KLPSV_INDEX_LIVE) {
			f->mode = TAKE_RETIRE;
			index->prev_version = index->version;
			index->next_version = klpsv_fver(f);
			index->next_epoch = index->epoch;
			index->next_size = 0;	/* marks a retirement */
			index->next_layout = 0;
			set_state(index, KLPSV_INDEX_TRANSITION);
		}
		return 0;
	}
	if (!index || index->state == KLPSV_INDEX_RETIRED ||
	    index->state == KLPSV_INDEX_UNUSED) {
		f->epoch = 0;
		f->alloc_size = alloc_size_for(f);
		f->mode = TAKE_NEW;
		if (!index) {
			index = klpsv_index_create(reg, f, pname(kp));
			if (!index)
				return -ENOMEM;
			index->prev_version = 0;
		} else {
			index->prev_version = 0;
			if (index->state == KLPSV_INDEX_RETIRED)
				index->prev_version = index->version;
			/* Strays of code left by a forced transition go. */
			free_all(f, index);
			f->epoch = (index->epoch + 1) & KLPSV_ID_EPOCH_MASK;
			index->version = klpsv_fver(f);
			index->layout = f->fingerprint;
			index->epoch = index->next_epoch = f->epoch;
			index->size = f->layout.size;
			index->alloc_size = f->alloc_size;
			set_state(index, KLPSV_INDEX_LIVE);
		}
		f->index = index;
		return 0;
	}
	if (klpsv_fver(f) == index->version) {
		f->epoch = index->epoch;
		f->alloc_size = index->alloc_size;
		f->mode = TAKE_SAME;
		return 0;
	}

	f->migrations_before = index->migrations;
	step = klpsv_find_step(f, index->version);
	additive = klpsv_layout_is_prefix(&step->layout, &f->layout) &&
		   f->layout.size <= index->alloc_size;
	index->prev_version = index->version;
	index->next_version = klpsv_fver(f);
	index->next_layout = f->fingerprint;
	index->next_size = f->layout.size;
	if (additive) {
		f->epoch = index->epoch;
		f->alloc_size = index->alloc_size;
		f->mode = TAKE_ADDITIVE;
	} else {
		f->epoch = (index->epoch + 1) & KLPSV_ID_EPOCH_MASK;
		f->alloc_size = alloc_size_for(f);
		f->mode = TAKE_BREAKING;
	}
	index->next_epoch = f->epoch;
	index->next_alloc_size = f->alloc_size;
	set_state(index, KLPSV_INDEX_TRANSITION);

	pr_info("%s: family '%s': taking over %llu instances, v%u -> v%u (%s)\n",
		pname(kp), f->name, index->count, index->version, klpsv_fver(f),
		additive ? "in place" : "new layout");
	err = klpsv_walk(f, index, &index->instances,
			 additive ? in_place_one : twin_one, NULL);
	if (err)
		revert_family(reg, kp, f);
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
	strscpy(index->owner, pname(kp), sizeof(index->owner));
	set_state(index, KLPSV_INDEX_FORCED);
	f->mode = TAKE_NONE;
	pr_warn("%s: family '%s': the transition was forced: v%u instances stay in sync with v%u for old code that may still run\n",
		pname(kp), f->name, index->version, index->next_version);
}

static void finish_family(struct klpsv_patch *kp, struct klpsv_family *f,
			  bool forced)
{
	struct klpsv_index *index = f->index;

	switch (f->mode) {
	case TAKE_ADDITIVE:
		klpsv_walk(f, index, &index->instances, in_place_finish_one,
			   NULL);
		break;
	case TAKE_BREAKING:
		if (forced) {
			keep_in_sync(kp, f, index);
			return;
		}
		klpsv_walk(f, index, &index->instances, twin_finish_one, NULL);
		klpsv_walk_some(f, index, &index->next, free_stale_one, NULL,
				klpsv_hdr_is_twin);
		break;
	case TAKE_RETIRE:
		if (forced) {
			keep_in_sync(kp, f, index);
			return;
		}
		free_all(f, index);
		index->version = klpsv_fver(f);
		strscpy(index->owner, pname(kp), sizeof(index->owner));
		set_state(index, KLPSV_INDEX_RETIRED);
		pr_info("%s: family '%s' retired at v%u\n", pname(kp),
			f->name, klpsv_fver(f));
		f->mode = TAKE_NONE;
		return;
	case TAKE_NONE:
		return;
	}
	if (index->state == KLPSV_INDEX_TRANSITION)
		promote(f, index);
	strscpy(index->owner, pname(kp), sizeof(index->owner));
	pr_info("%s: family '%s' is at v%u: %llu instances, %llu bytes\n",
		pname(kp), f->name, index->version, index->count,
		index->bytes);
	f->mode = TAKE_NONE;
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
 * to do.  Then declares one klp_state per family and enables the patch.
 *
 * Context: process context (module init).
 * Return: 0, or a negative errno (the module must then fail to load).
 */
int klpsv_enable_patch(struct klpsv_patch *kp)
{
	struct klpsv_registry *reg;
	int err;

	might_sleep();
	if (this_patch) {
		pr_err("%s: %s() called twice\n", pname(kp), __func__);
		return -EBUSY;
	}
	err = validate_patch(kp);
	if (err)
		return err;
	reg = klpsv_registry_get();
	if (!reg)
		return -ENOMEM;
	err = klpsv_format_check(pname(kp), reg->magic, KLPSV_REGISTRY_MAGIC,
				 reg->format, "registry");
	if (err)
		return err;
	mutex_lock(&reg->lock);
	err = check_live(reg, kp);
	mutex_unlock(&reg->lock);
	if (err)
		return err;
	err = add_states(kp);
	if (err)
		return err;

	this_patch = kp;
	klpsv_debugfs_init(kp);
	err = klpsv_compat_enable_patch(kp->patch);
	if (err)
		klpsv_patch_exit(kp);
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
	klpsv_compat_set_states(kp->patch, NULL);
	kfree(kp->states);
	kp->states = NULL;
	this_patch = NULL;
}

/**
 * klpsv_pre_patch() - take over every family, all or nothing
 * @obj: the klp_object whose callback this is (unused)
 *
 * Re-checks the live data under the registry lock (a patch loaded since
 * klpsv_enable_patch() may have changed it), then takes each family over:
 * an additive change migrates in place, a breaking change makes twins in
 * a new epoch while the old instances stay for old code.  A failure
 * undoes the families already taken over and refuses the patch; the live
 * patch keeps its data as it was.
 *
 * Context: livepatch pre_patch callback (process context, klp_mutex).
 * Return: 0, or a negative errno, which makes the kernel refuse the patch.
 */
int klpsv_pre_patch(struct klp_object *obj)
{
	struct klpsv_patch *kp = this_patch;
	struct klpsv_registry *reg;
	struct klpsv_family *f;
	unsigned int i;
	int err;

	might_sleep();
	if (!kp)
		return -EINVAL;
	reg = klpsv_registry_get();
	if (!reg)
		return -ENOMEM;
	mutex_lock(&reg->lock);
	err = check_live(reg, kp);
	for (i = 0; !err && (f = kp->families[i]); i++) {
		err = takeover(reg, kp, f);
		if (err) {
			klpsv_refuse(reg, NULL, "%s: taking over family '%s' failed (%d): the patch is refused, the live data is as it was",
				     pname(kp), f->name, err);
			while (i--)
				revert_family(reg, kp, kp->families[i]);
		}
	}
	if (!err) {
		kp->took_over = true;
		kp->finished = false;
	}
	mutex_unlock(&reg->lock);
	return err;
}

/* The registry, for a callback that follows a takeover, or NULL. */
static struct klpsv_registry *after_takeover(struct klpsv_patch *kp)
{
	struct klpsv_registry *reg;

	might_sleep();
	if (!kp || !kp->took_over)
		return NULL;
	reg = klpsv_registry_get();
	return WARN_ON_ONCE(!reg) ? NULL : reg;
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
	struct klpsv_registry *reg;
	struct klpsv_family *f;
	unsigned int i;
	bool forced;

	reg = after_takeover(kp);
	if (!reg)
		return;
	forced = klpsv_compat_transition_forced(kp->patch);
	mutex_lock(&reg->lock);
	if (forced)
		reg->flags |= KLPSV_REG_FORCED;
	for_each_family(kp, f, i)
		finish_family(kp, f, forced);
	kp->finished = true;
	mutex_unlock(&reg->lock);
}

/**
 * klpsv_pre_unpatch() - the patch is about to be disabled
 * @obj: the klp_object whose callback this is (unused)
 *
 * Nothing to do yet: patched code runs until the transition completes,
 * and the data is freed in klpsv_post_unpatch().  Call it anyway, so a
 * later klpsv can act here.
 *
 * Context: livepatch pre_unpatch callback (process context, klp_mutex).
 */
void klpsv_pre_unpatch(struct klp_object *obj)
{
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
 * anything left is reported as a leak.
 *
 * Context: livepatch post_unpatch callback (process context, klp_mutex).
 */
void klpsv_post_unpatch(struct klp_object *obj)
{
	struct klpsv_patch *kp = this_patch;
	struct klpsv_registry *reg;
	struct klpsv_family *f;
	unsigned int i;
	u64 freed;

	reg = after_takeover(kp);
	if (!reg)
		return;
	mutex_lock(&reg->lock);
	for_each_family(kp, f, i) {
		struct klpsv_index *index = f->index;

		if (!kp->finished) {
			revert_family(reg, kp, f);
			continue;
		}
		if (!index)
			continue;
		freed = free_all(f, index);
		if (index->count + index->next_count)
			pr_err("%s: family '%s': %llu instances leaked at release\n",
			       pname(kp), f->name,
			       index->count + index->next_count);
		else if (index->state != KLPSV_INDEX_RETIRED)
			pr_info("%s: family '%s' released: %llu instances freed\n",
				pname(kp), f->name, freed);
		release_index(reg, index);
		f->index = NULL;
	}
	if (!kp->finished)
		pr_info("%s: transition reverted, live data restored\n",
			pname(kp));
	kp->took_over = false;
	mutex_unlock(&reg->lock);
}
