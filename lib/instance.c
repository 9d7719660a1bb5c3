// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: allocation, lookup with lazy migration, put and free.
 *
 * Rules every function here keeps (Documentation/design.rst):
 * - an instance is in use while it is linked in its index, or pending (a
 *   twin shell whose step has not run); whoever unlinks it, under the
 *   index lock, owns freeing it;
 * - every step runs under the index lock after a fresh lookup, so each
 *   migration happens exactly once;
 * - the index lock is never taken inside a klp_shadow constructor or
 *   destructor, so klp_shadow_* may be called with it held.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>

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
 * klpsv_shadow_new() - allocate an unlinked instance, or find one
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
struct klpsv_hdr *klpsv_shadow_new(void *obj, unsigned long id,
				   u32 alloc_size, unsigned int version,
				   unsigned int flags, gfp_t gfp, bool *created)
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
 * klpsv_find_step() - the step a family declares from a version
 * @family: the family
 * @from: the older version
 *
 * Return: the step, or NULL if the family cannot take over @from.
 */
const struct klpsv_step *klpsv_find_step(const struct klpsv_family *family,
					 unsigned int from)
{
	unsigned int i;

	for (i = 0; i < family->nr_steps; i++) {
		if (klpsv_vnum(family->steps[i].from) == from)
			return &family->steps[i];
	}
	return NULL;
}

/**
 * klpsv_find() - an object's linked instance in an epoch
 * @index: the index, locked
 * @obj: the object
 * @epoch: the epoch
 *
 * Return: the instance's header, or NULL.
 */
struct klpsv_hdr *klpsv_find(struct klpsv_index *index, void *obj, u32 epoch)
	__must_hold(&index->lock)
{
	struct klpsv_table *t = klpsv_table_of(index, epoch);

	lockdep_assert_held(&index->lock);
	return t ? klpsv_table_find(t, obj) : NULL;
}

/**
 * klpsv_lookup() - klpsv_find() without the index lock
 * @index: the index
 * @obj: the object
 * @epoch: the epoch
 *
 * Takes the lock only when it missed while instances moved.
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

	rcu_read_lock();
	seq = klpsv_seq_begin(index);
	t = klpsv_table_of(index, epoch);
	hdr = t ? klpsv_table_find(t, obj) : NULL;
	rcu_read_unlock();
	if (likely(hdr) || !klpsv_seq_retry(index, seq))
		return hdr;
	spin_lock_irqsave(&index->lock, flags);
	hdr = klpsv_find(index, obj, epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	return hdr;
}

/**
 * klpsv_link() - put an instance in its index
 * @index: the index, locked
 * @hdr: the unlinked instance
 * @epoch: its epoch
 *
 * Return: false if the index holds no instance of @epoch any more (old
 * code after a forced transition that a newer patch ended).
 */
bool klpsv_link(struct klpsv_index *index, struct klpsv_hdr *hdr, u32 epoch)
	__must_hold(&index->lock)
{
	struct klpsv_table *t = klpsv_table_of(index, epoch);

	lockdep_assert_held(&index->lock);
	if (!t)
		return false;
	klpsv_table_insert(index, t, hdr);
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
 * klpsv_unlink() - take an instance out of its index, claiming it
 * @index: the index, locked
 * @hdr: the linked instance
 * @epoch: its epoch
 */
void klpsv_unlink(struct klpsv_index *index, struct klpsv_hdr *hdr, u32 epoch)
	__must_hold(&index->lock)
{
	struct klpsv_table *t = klpsv_table_of(index, epoch);

	if (!WARN_ON_ONCE(!t))
		klpsv_unlink_from(index, t, hdr);
}

/**
 * klpsv_unlink_from() - klpsv_unlink() from a given table
 * @index: the index, locked
 * @t: the table holding @hdr
 * @hdr: the linked instance
 */
void klpsv_unlink_from(struct klpsv_index *index, struct klpsv_table *t,
		       struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	lockdep_assert_held(&index->lock);
	klpsv_table_remove(index, t, hdr);
	if (t == &index->next) {
		index->next_count--;
		index->bytes -= klpsv_instance_bytes(index->next_alloc_size);
	} else {
		index->count--;
		index->bytes -= klpsv_instance_bytes(index->alloc_size);
	}
}

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

/**
 * klpsv_in_place_step() - run an additive step on an instance, in place
 * @index: the index, locked
 * @step: the step from the instance's version
 * @hdr: the instance
 *
 * On failure the tail room beyond the source version is zeroed again, as
 * it was, so a failed step leaves no trace of what it wrote.
 *
 * Return: what the step returned.
 */
int klpsv_in_place_step(struct klpsv_index *index,
			const struct klpsv_step *step, struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	u32 from_size = min(step->layout.size, index->alloc_size);
	int err;

	lockdep_assert_held(&index->lock);
	err = klpsv_run_step(step->up, hdr->obj, hdr + 1, hdr + 1);
	if (err)
		memset((char *)(hdr + 1) + from_size, 0,
		       index->alloc_size - from_size);
	return err;
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
	step = klpsv_find_step(family, version);
	if (step && step->release)
		step->release(hdr->obj, hdr + 1);
}

/**
 * klpsv_drop() - release and free an instance claimed by klpsv_unlink()
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

/*
 * Same epoch, older version: migrate in place.  Old code keeps using the
 * members it knows, which an additive step does not move.
 */
static void *migrate_in_place(struct klpsv_family *family,
			      struct klpsv_index *index, void *obj)
	__must_hold(&index->lock)
{
	struct klpsv_hdr *hdr;
	const struct klpsv_step *step;
	unsigned int version;

	hdr = klpsv_find(index, obj, family->epoch);
	if (!hdr)
		return NULL;
	version = klpsv_hdr_version(hdr);
	if (version >= klpsv_fver(family))
		return hdr + 1;
	step = klpsv_find_step(family, version);
	if (!step || klpsv_in_place_step(index, step, hdr))
		return NULL;
	WRITE_ONCE(hdr->version, klpsv_fver(family));
	index->migrations++;
	return hdr + 1;
}

/**
 * klpsv_twin_sync() - bring a twin up to date with its older instance
 * @family: the incoming family of a breaking transition
 * @index: its index, locked
 * @obj: the object
 * @data: set to the twin's data on success
 * @stale: set to the twin if the caller must drop it (already unlinked)
 *
 * A pending twin gets its first conversion; a twin whose older instance
 * changed since (another generation) is converted again; a twin whose
 * older instance is gone belonged to an object old code has freed, and is
 * unlinked for the caller to drop.  A twin that is no longer a twin (the
 * transition finished for it) or that new code created is returned as is.
 *
 * Return: 0, -ENOENT when the object has no instance, or a step's error.
 */
int klpsv_twin_sync(struct klpsv_family *family, struct klpsv_index *index,
		    void *obj, void **data, struct klpsv_hdr **stale)
	__must_hold(&index->lock)
{
	unsigned long id = family->id;
	struct klpsv_hdr *twin, *old;
	const struct klpsv_step *step;
	bool pending;
	u32 gen;
	int err;

	lockdep_assert_held(&index->lock);
	*data = NULL;
	*stale = NULL;
	twin = klpsv_compat_shadow_get(obj, id | family->epoch);
	if (!twin)
		return -ENOENT;
	pending = twin->flags & KLPSV_HDR_PENDING;
	if (!pending) {
		if (!klpsv_hdr_is_linked(twin))
			return -ENOENT;	/* being freed */
		if (!klpsv_hdr_is_twin(twin)) {
			*data = twin + 1;
			return 0;
		}
	}
	old = klpsv_find(index, obj, index->epoch);
	if (!old) {
		if (pending) {
			klpsv_compat_shadow_free(obj, id | family->epoch);
		} else {
			klpsv_unlink(index, twin, family->epoch);
			*stale = twin;
		}
		return -ENOENT;
	}
	/*
	 * The generation is read before the data: old code that writes
	 * while an eager walk converts (only a walk runs outside the
	 * caller's serialization) moves it afterwards, in its put, so a
	 * torn conversion is never taken for an up-to-date one.
	 */
	gen = smp_load_acquire(&old->gen);
	if (!pending && gen == twin->gen) {
		*data = twin + 1;
		return 0;
	}
	step = klpsv_find_step(family, klpsv_hdr_version(old));
	err = step ? klpsv_run_step(step->up, obj, old + 1, twin + 1) : -EINVAL;
	if (err) {
		if (pending)
			klpsv_compat_shadow_free(obj, id | family->epoch);
		return err;
	}
	twin->gen = gen;
	if (pending) {
		twin->flags &= ~KLPSV_HDR_PENDING;
		klpsv_link(index, twin, family->epoch);
		index->migrations++;
	}
	*data = twin + 1;
	return 0;
}

/*
 * The fast path saw a twin, but the transition finished since: it is the
 * live instance now, unless it was dropped.
 */
static void *promoted(struct klpsv_family *family, struct klpsv_index *index,
		      void *obj)
{
	struct klpsv_hdr *hdr;
	unsigned long flags;
	void *data = NULL;

	spin_lock_irqsave(&index->lock, flags);
	hdr = klpsv_find(index, obj, family->epoch);
	if (hdr && !klpsv_hdr_is_twin(hdr) &&
	    klpsv_hdr_version(hdr) == klpsv_fver(family))
		data = hdr + 1;
	spin_unlock_irqrestore(&index->lock, flags);
	return data;
}

/*
 * klpsv_get() when the fast path did not find the data.  @hdr is the
 * object's linked instance in the family's epoch, if any.
 */
static void *get_slow(struct klpsv_family *family, struct klpsv_index *index,
		      void *obj, struct klpsv_hdr *hdr)
{
	struct klpsv_hdr *stale = NULL;
	unsigned long flags;
	bool created;
	void *data;

	if (hdr && !klpsv_hdr_is_twin(hdr) && !(hdr->flags & KLPSV_HDR_PENDING)) {
		/* A newer additive version keeps our members in place. */
		if (klpsv_hdr_version(hdr) >= klpsv_fver(family))
			return hdr + 1;
		spin_lock_irqsave(&index->lock, flags);
		data = migrate_in_place(family, index, obj);
		spin_unlock_irqrestore(&index->lock, flags);
		return data;
	}
	/* Only the incoming patch of a breaking transition makes twins. */
	if (!klpsv_index_syncing(index) ||
	    family->epoch != READ_ONCE(index->next_epoch) ||
	    family->epoch == READ_ONCE(index->epoch))
		return hdr ? promoted(family, index, obj) : NULL;
	if (!hdr && !klpsv_lookup(index, obj, READ_ONCE(index->epoch)))
		return NULL;	/* the object has no data at all */
	if (!hdr) {
		klpsv_table_fit(index, &index->next, GFP_ATOMIC);
		hdr = klpsv_shadow_new(obj, family->id | family->epoch,
				       family->alloc_size,
				       klpsv_fver(family) | KLPSV_HDR_TWIN,
				       KLPSV_HDR_PENDING, GFP_ATOMIC, &created);
		if (!hdr)
			return NULL;
	}
	spin_lock_irqsave(&index->lock, flags);
	klpsv_twin_sync(family, index, obj, &data, &stale);
	spin_unlock_irqrestore(&index->lock, flags);
	if (stale)
		klpsv_drop(family, stale, family->epoch);
	return data;
}

/*
 * klpsv_get() with a lookup that notices instances moving meanwhile, so
 * that a miss can be trusted: klpsv_get() when its own lookup did not
 * find what it wanted, and klpsv_get_or_alloc() before it allocates.
 */
static noinline void *get_checked(struct klpsv_family *family,
				  struct klpsv_index *index, void *obj)
{
	struct klpsv_hdr *hdr = klpsv_lookup(index, obj, family->epoch);

	if (hdr && READ_ONCE(hdr->version) == klpsv_fver(family))
		return hdr + 1;
	if (!hdr && !klpsv_index_syncing(index))
		return NULL;	/* no data, and no transition to make it */
	return get_slow(family, index, obj, hdr);
}

void *klpsv_get(struct klpsv_family *family, void *obj)
{
	struct klpsv_index *index = READ_ONCE(family->index);
	struct klpsv_table *t;
	struct klpsv_hdr *hdr;

	if (unlikely(!index))
		return NULL;
	/*
	 * A hit is right even while instances move between buckets or
	 * tables: it is this object's, and an instance of another epoch
	 * has another version.
	 */
	rcu_read_lock();
	t = klpsv_table_of(index, family->epoch);
	hdr = t ? klpsv_table_find(t, obj) : NULL;
	rcu_read_unlock();
	if (likely(hdr && READ_ONCE(hdr->version) == klpsv_fver(family)))
		return hdr + 1;
	return get_checked(family, index, obj);
}

/**
 * klpsv_get_or_alloc() - find an object's instance, or create it
 * @family: the family
 * @obj: the object
 * @gfp: allocation flags for a new instance
 * @ctor_arg: passed to the family's constructor
 *
 * A new instance is zeroed, then the family's constructor runs on it in
 * the caller's context, outside every lock (so it may sleep when @gfp
 * allows blocking), then it is published in the family's index.  The
 * caller serializes access to @obj's instance, as for klpsv_get().
 *
 * Context: as @gfp allows.
 * Return: the instance's data, or NULL when out of memory, when the
 * constructor failed, or before the patch took the family over.
 */
void *klpsv_get_or_alloc(struct klpsv_family *family, void *obj, gfp_t gfp,
			 void *ctor_arg)
{
	struct klpsv_index *index = READ_ONCE(family->index);
	struct klpsv_table *t;
	struct klpsv_hdr *hdr;
	unsigned long flags;
	bool created, linked;
	void *data;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (unlikely(!index))
		return NULL;
	/*
	 * An instance that get_checked() could not hand out (a migration
	 * failed) is found again below and no second one is made.
	 */
	data = get_checked(family, index, obj);
	if (data)
		return data;
	/*
	 * The object has data in the older epoch that could not be migrated
	 * now (no memory, a failed step): a fresh instance would hide it.
	 */
	if (klpsv_index_syncing(index) &&
	    family->epoch == READ_ONCE(index->next_epoch) &&
	    family->epoch != READ_ONCE(index->epoch) &&
	    klpsv_lookup(index, obj, READ_ONCE(index->epoch)))
		return NULL;

	t = klpsv_table_of(index, family->epoch);
	if (t)
		klpsv_table_fit(index, t, gfp);
	hdr = klpsv_shadow_new(obj, family->id | family->epoch,
			       family->alloc_size, klpsv_fver(family), 0, gfp,
			       &created);
	if (!hdr || !created)
		return NULL;
	if (family->ctor && family->ctor(obj, hdr + 1, ctor_arg)) {
		klpsv_compat_shadow_free(obj, family->id | family->epoch);
		return NULL;
	}
	spin_lock_irqsave(&index->lock, flags);
	hdr->gen = index->gen_seed++;
	linked = klpsv_link(index, hdr, family->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
	if (!linked) {
		/* Old code of a forced transition that a newer patch ended. */
		if (family->dtor)
			family->dtor(obj, hdr + 1);
		klpsv_compat_shadow_free(obj, family->id | family->epoch);
		return NULL;
	}
	return hdr + 1;
}

/**
 * klpsv_put_twin() - klpsv_put() of a twin: write the change through
 * @family: the family
 * @data: the twin's data
 *
 * Context: the caller still serializes access to the instance.
 */
void klpsv_put_twin(struct klpsv_family *family, void *data)
{
	struct klpsv_hdr *hdr = klpsv_hdr_of(data), *old;
	struct klpsv_index *index = READ_ONCE(family->index);
	const struct klpsv_step *step;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	old = klpsv_find(index, hdr->obj, index->epoch);
	if (old && klpsv_hdr_is_twin(hdr)) {
		step = klpsv_find_step(family, klpsv_hdr_version(old));
		if (step && step->down &&
		    !klpsv_run_step(step->down, hdr->obj, data, old + 1)) {
			/* The written-through data, then the generation. */
			smp_store_release(&old->gen, old->gen + 1);
			hdr->gen = old->gen;
		}
	}
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_free() - free an object's instance, in every version it has
 * @family: the family
 * @obj: the object
 *
 * Runs the family's destructor (or, for an older version's instance, the
 * step's release) outside every lock, then frees the memory.  The caller
 * serializes access to @obj's instance.  Nothing happens if there is none.
 *
 * Context: process or caller context; the destructor decides.
 */
void klpsv_free(struct klpsv_family *family, void *obj)
{
	struct klpsv_index *index = READ_ONCE(family->index);
	struct klpsv_hdr *found[2];
	u32 epochs[2], e;
	unsigned long flags;
	int n = 0, i;

	if (!index)
		return;
	spin_lock_irqsave(&index->lock, flags);
	epochs[0] = index->epoch;
	epochs[1] = index->next_epoch;
	for (i = 0; i < 2; i++) {
		struct klpsv_hdr *hdr;

		e = epochs[i];
		if (i == 1 && (e == epochs[0] || !klpsv_index_syncing(index)))
			break;
		/* Only a twin of the next epoch can be pending, unlinked. */
		hdr = i ? klpsv_compat_shadow_get(obj, family->id | e) :
			  klpsv_find(index, obj, e);
		if (!hdr)
			continue;
		if (hdr->flags & KLPSV_HDR_PENDING) {
			klpsv_compat_shadow_free(obj, family->id | e);
		} else if (klpsv_hdr_is_linked(hdr)) {
			klpsv_unlink(index, hdr, e);
			epochs[n] = e;
			found[n++] = hdr;
		}
	}
	spin_unlock_irqrestore(&index->lock, flags);
	for (i = 0; i < n; i++)
		klpsv_drop(family, found[i], epochs[i]);
	/* A family that shrank a lot gives memory back. */
	if (n)
		klpsv_table_fit(index, &index->instances, GFP_ATOMIC);
}
