// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: allocation, the lookup slow path with lazy migration, put,
 * free, and the batched walk the callbacks use.
 *
 * Rules every function here keeps (Documentation/design.rst):
 * - an instance is in use while it is linked in its index, or pending (a
 *   twin shell whose step has not run); whoever unlinks it, under the
 *   index lock, owns freeing it;
 * - every step runs under the index lock after a fresh klp_shadow lookup,
 *   so each migration happens exactly once;
 * - the index lock is never taken inside a klp_shadow constructor or
 *   destructor, so klp_shadow_* may be called with it held.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/lockdep.h>
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

	INIT_LIST_HEAD(&hdr->link);
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

static bool is_next_epoch(const struct klpsv_index *index, u32 epoch)
{
	return klpsv_index_syncing(index) &&
	       epoch == index->next_epoch && epoch != index->epoch;
}

/**
 * klpsv_link() - put an instance in its index
 * @index: the index, locked
 * @hdr: the unlinked instance
 * @epoch: its epoch
 */
void klpsv_link(struct klpsv_index *index, struct klpsv_hdr *hdr, u32 epoch)
	__must_hold(&index->lock)
{
	lockdep_assert_held(&index->lock);
	if (is_next_epoch(index, epoch)) {
		list_add(&hdr->link, &index->next);
		index->next_count++;
		index->bytes += klpsv_instance_bytes(index->next_alloc_size);
	} else {
		list_add(&hdr->link, &index->instances);
		index->count++;
		index->bytes += klpsv_instance_bytes(index->alloc_size);
	}
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
	lockdep_assert_held(&index->lock);
	list_del_init(&hdr->link);
	if (is_next_epoch(index, epoch)) {
		index->next_count--;
		index->bytes -= klpsv_instance_bytes(index->next_alloc_size);
	} else {
		index->count--;
		index->bytes -= klpsv_instance_bytes(index->alloc_size);
	}
}

static bool is_linked(const struct klpsv_hdr *hdr)
{
	return hdr && !list_empty(&hdr->link);
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

	hdr = klpsv_compat_shadow_get(obj, family->id | family->epoch);
	if (!is_linked(hdr))
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
		if (!is_linked(twin))
			return -ENOENT;	/* being freed */
		if (!klpsv_hdr_is_twin(twin)) {
			*data = twin + 1;
			return 0;
		}
	}
	old = klpsv_compat_shadow_get(obj, id | index->epoch);
	if (!is_linked(old)) {
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
	hdr = klpsv_compat_shadow_get(obj, family->id | family->epoch);
	if (is_linked(hdr) && !klpsv_hdr_is_twin(hdr) &&
	    klpsv_hdr_version(hdr) == klpsv_fver(family))
		data = hdr + 1;
	spin_unlock_irqrestore(&index->lock, flags);
	return data;
}

/**
 * klpsv_get_slow() - klpsv_get() when the fast path did not find the data
 * @family: the family
 * @obj: the object
 * @shadow: what klp_shadow_get() returned for the family's epoch
 *
 * Return: the instance's data, or NULL.
 */
void *klpsv_get_slow(struct klpsv_family *family, void *obj, void *shadow)
{
	struct klpsv_index *index = READ_ONCE(family->index);
	struct klpsv_hdr *hdr = shadow, *stale = NULL;
	unsigned long flags;
	bool created;
	void *data;

	if (!index)
		return NULL;
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
	if (!hdr && !klpsv_compat_shadow_get(obj, family->id | index->epoch))
		return NULL;	/* the object has no data at all */
	if (!hdr) {
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
	struct klpsv_hdr *hdr;
	unsigned long flags;
	bool created;
	void *data;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (!index)
		return klpsv_get(family, obj);
	if (unlikely(klpsv_index_syncing(index))) {
		data = klpsv_get(family, obj);
		if (data)
			return data;
		/*
		 * The object has data in the older epoch that could not be
		 * migrated now (no memory, a failed step): a fresh instance
		 * would hide it.
		 */
		if (family->epoch == READ_ONCE(index->next_epoch) &&
		    family->epoch != READ_ONCE(index->epoch) &&
		    klpsv_compat_shadow_get(obj,
					    family->id | READ_ONCE(index->epoch)))
			return NULL;
	}
	/* One lookup when the instance exists, as klp_shadow_get_or_alloc(). */
	hdr = klpsv_shadow_new(obj, family->id | family->epoch,
			       family->alloc_size, klpsv_fver(family), 0, gfp,
			       &created);
	if (!hdr)
		return NULL;
	if (!created) {
		if (likely(hdr->version == klpsv_vnum(family->version)))
			return hdr + 1;
		return klpsv_get_slow(family, obj, hdr);
	}
	if (family->ctor && family->ctor(obj, hdr + 1, ctor_arg)) {
		klpsv_compat_shadow_free(obj, family->id | family->epoch);
		return NULL;
	}
	spin_lock_irqsave(&index->lock, flags);
	hdr->gen = index->gen_seed++;
	klpsv_link(index, hdr, family->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
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
	old = klpsv_compat_shadow_get(hdr->obj, family->id | index->epoch);
	if (is_linked(old) && klpsv_hdr_is_twin(hdr)) {
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
		hdr = klpsv_compat_shadow_get(obj, family->id | e);
		if (!hdr)
			continue;
		if (hdr->flags & KLPSV_HDR_PENDING) {
			klpsv_compat_shadow_free(obj, family->id | e);
		} else if (is_linked(hdr)) {
			klpsv_unlink(index, hdr, e);
			epochs[n] = e;
			found[n++] = hdr;
		}
	}
	spin_unlock_irqrestore(&index->lock, flags);
	for (i = 0; i < n; i++)
		klpsv_drop(family, found[i], epochs[i]);
}

/**
 * klpsv_walk_some() - call @fn for each object with an instance in @list
 * @family: passed to @fn
 * @index: the index owning @list
 * @list: &index->instances or &index->next
 * @fn: called without the lock held; takes it itself as needed
 * @arg: passed to @fn
 * @want: if set, @fn is called only for the instances it accepts; it runs
 *	under the lock and may only read the header
 *
 * The lock is held only to step a cursor along the list, one instance at
 * a time, with cond_resched() every KLPSV_BATCH objects: no lock is held
 * for a time that grows with the number of instances.  Instances added
 * behind the cursor meanwhile are not visited; @fn may unlink any.
 *
 * Context: process context; takes the index lock.
 * Return: 0, or the first error @fn returned (which stops the walk).
 */
int klpsv_walk_some(struct klpsv_family *family, struct klpsv_index *index,
		    struct list_head *list, klpsv_walk_fn fn, void *arg,
		    bool (*want)(const struct klpsv_hdr *hdr))
{
	struct list_head cursor;
	unsigned long flags, n = 0;
	int err = 0;

	might_sleep();
	spin_lock_irqsave(&index->lock, flags);
	list_add(&cursor, list);
	while (cursor.next != list) {
		struct klpsv_hdr *hdr;
		void *obj;

		hdr = list_entry(cursor.next, struct klpsv_hdr, link);
		obj = hdr->obj;
		list_move(&cursor, &hdr->link);
		if (want && !want(hdr)) {
			if (++n % KLPSV_BATCH == 0) {
				spin_unlock_irqrestore(&index->lock, flags);
				cond_resched();
				spin_lock_irqsave(&index->lock, flags);
			}
			continue;
		}
		spin_unlock_irqrestore(&index->lock, flags);

		err = fn(family, index, obj, arg);
		if (++n % KLPSV_BATCH == 0)
			cond_resched();

		spin_lock_irqsave(&index->lock, flags);
		if (err)
			break;
	}
	list_del(&cursor);
	spin_unlock_irqrestore(&index->lock, flags);
	return err;
}
