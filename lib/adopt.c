// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption: the first klpsv patch of a family takes over the raw
 * klp_shadow variables that older, hand-written patches left
 * (struct klpsv_raw).
 *
 * During the transition old code keeps using an object's raw variable.
 * New code works on an instance converted from it with up, marked a
 * twin so that klpsv_get()'s fast path never takes it: a raw variable
 * has no generation, so every access of new code converts it again, and
 * klpsv_put() writes new code's changes back with down.  After the
 * transition klp_shadow_free_all() hands every raw variable left to a
 * destructor that imports it: the only walk the kernel offers.
 *
 * Lock order: the index lock, then klp_shadow's (as for format 1).  The
 * import holds the index lock across klp_shadow_free_all(), so new code
 * never sees an object between its raw variable and its instance.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/livepatch.h>
#include <linux/string.h>

#include "internal.h"

/* The raw variable of an object, in the first raw id that has one. */
static const struct klpsv_raw *raw_of(const struct klpsv_family *f,
				      void *obj, void **data)
{
	unsigned int i;

	for (i = 0; i < f->nr_raw; i++) {
		*data = klp_shadow_get(obj, f->raw[i].id);
		if (*data)
			return &f->raw[i];
	}
	return NULL;
}

/*
 * An instance converted from a raw variable (marked a twin) that no new
 * code holds: the import converts it one last time, or drops it.
 */
static bool converted_idle(const struct klpsv_hdr *hdr)
{
	return klpsv_hdr_is_twin(hdr) && !(hdr->flags & KLPSV_HDR_HELD);
}

/**
 * klpsv_adopt_begin() - start taking a family's raw variables over
 * @f: the family, taken over as new (no klpsv data yet)
 * @index: its index, owning its instances
 */
void klpsv_adopt_begin(struct klpsv_family *f, struct klpsv_index *index)
{
	unsigned long flags;
	unsigned int i;

	if (!f->nr_raw || !klpsv_index_owns(index))
		return;
	spin_lock_irqsave(&index->lock, flags);
	WRITE_ONCE(f->adopting, true);
	spin_unlock_irqrestore(&index->lock, flags);
	for (i = 0; i < f->nr_raw; i++)
		pr_info("%s: family '%s': adopting raw shadow id %#lx\n",
			klpsv_patch_name(klpsv_this_patch()), f->name,
			f->raw[i].id);
}

/**
 * klpsv_adopt_end() - stop converting raw variables, importing none
 * @f: the family
 * @index: its index
 *
 * A reverted transition: the raw variables stay as old code left them.
 */
void klpsv_adopt_end(struct klpsv_family *f, struct klpsv_index *index)
{
	unsigned long flags;

	if (!READ_ONCE(f->adopting))
		return;
	spin_lock_irqsave(&index->lock, flags);
	WRITE_ONCE(f->adopting, false);
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_adopt_get() - new code's access to an object while adopting
 * @f: the family
 * @index: its index
 * @obj: the object
 * @data: set to the instance's data, or NULL
 * @seen: set when the object has data, even if it could not be handed out
 *
 * An object with a raw variable gets an instance converted from it
 * again; an instance new code made itself is handed out as it is; an
 * instance converted earlier whose raw variable old code has freed since
 * goes with it.
 *
 * Return: false when the family no longer adopts: the caller looks up
 * the instance as usual.
 */
bool klpsv_adopt_get(struct klpsv_family *f, struct klpsv_index *index,
		     void *obj, void **data, bool *seen)
{
	struct klpsv_hdr *hdr, *fresh = NULL, *gone = NULL;
	const struct klpsv_raw *raw;
	unsigned long flags;
	void *rdata;

	*data = NULL;
	*seen = false;
	/* Hard IRQ on PREEMPT_RT: a conversion needs the lock. */
	if (!klpsv_compat_may_lock())
		return true;
again:
	spin_lock_irqsave(&index->lock, flags);
	if (!f->adopting) {
		spin_unlock_irqrestore(&index->lock, flags);
		if (fresh)
			klpsv_instance_free(index, fresh, f->epoch);
		return false;
	}
	hdr = __klpsv_find(index, obj, f->epoch);
	raw = raw_of(f, obj, &rdata);
	if (hdr && !klpsv_hdr_is_twin(hdr)) {
		/* New code's own: it wins over a raw variable made later. */
		*seen = true;
		*data = hdr + 1;
	} else if (!raw && hdr) {
		__klpsv_unlink(index, hdr, f->epoch);
		gone = hdr;
	} else if (raw && !hdr && !fresh) {
		spin_unlock_irqrestore(&index->lock, flags);
		fresh = klpsv_instance_alloc(index, obj, f->epoch,
					     f->alloc_size,
					     klpsv_fver(f) | KLPSV_HDR_TWIN,
					     GFP_ATOMIC);
		if (!fresh) {
			*seen = true;	/* no memory: no second instance */
			return true;
		}
		goto again;
	} else if (raw && hdr && (hdr->flags & KLPSV_HDR_HELD)) {
		/* A nested get: old code cannot have written since the first. */
		*seen = true;
		*data = hdr + 1;
	} else if (raw) {
		*seen = true;
		if (!hdr) {
			hdr = fresh;
			fresh = NULL;
		}
		/* A failed step leaves the instance as it was. */
		if (klpsv_run_step(raw->up, obj, rdata, hdr + 1)) {
			if (!klpsv_hdr_is_linked(hdr))
				fresh = hdr;
		} else {
			if (!klpsv_hdr_is_linked(hdr))
				__klpsv_link_new(index, hdr, f->epoch);
			WRITE_ONCE(hdr->flags, hdr->flags | KLPSV_HDR_HELD);
			*data = hdr + 1;
		}
	}
	spin_unlock_irqrestore(&index->lock, flags);
	if (fresh)
		klpsv_instance_free(index, fresh, f->epoch);
	if (gone)
		klpsv_drop(f, index, gone, f->epoch);
	return true;
}

/* Sets *ctor_data: the raw variable is new. */
static int raw_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	*(bool *)ctor_data = true;
	return 0;
}

/**
 * klpsv_adopt_share() - give an object new code created a raw variable
 * @f: the family, adopting
 * @index: its index
 * @hdr: the instance new code just created and linked
 * @gfp: how to allocate the raw variable
 *
 * With a down step, old code still running sees the object's data too;
 * the instance becomes a converted one, kept in sync as the others.
 */
void klpsv_adopt_share(struct klpsv_family *f, struct klpsv_index *index,
		       struct klpsv_hdr *hdr, gfp_t gfp)
{
	const struct klpsv_raw *raw = NULL;
	unsigned long flags;
	bool created = false;
	void *rdata;
	unsigned int i;

	for (i = 0; i < f->nr_raw && !raw; i++)
		if (f->raw[i].down)
			raw = &f->raw[i];
	if (!raw)
		return;
	rdata = klp_shadow_get_or_alloc(hdr->obj, raw->id, raw->size, gfp,
					raw_ctor, &created);
	if (!rdata || !created)
		return;	/* old code's own, made meanwhile: left alone */
	spin_lock_irqsave(&index->lock, flags);
	if (f->adopting && __klpsv_find(index, hdr->obj, f->epoch) == hdr &&
	    !klpsv_hdr_is_twin(hdr) &&
	    !klpsv_run_step(raw->down, hdr->obj, hdr + 1, rdata)) {
		/* The caller holds it; converted from now on. */
		WRITE_ONCE(hdr->flags, hdr->flags | KLPSV_HDR_HELD);
		/* What down wrote, then the mark. */
		smp_store_release(&hdr->version,
				  klpsv_fver(f) | KLPSV_HDR_TWIN);
		created = false;
	}
	if (created)
		klp_shadow_free(hdr->obj, raw->id, NULL);
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * __klpsv_adopt_put() - write new code's change through to the raw variable
 * @f: the family
 * @index: its index, locked
 * @hdr: the instance new code just changed
 *
 * An instance the import found held (it left it to us) becomes live.
 *
 * Return: false when the instance is none of adoption's.
 */
bool __klpsv_adopt_put(struct klpsv_family *f, struct klpsv_index *index,
		       struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	const struct klpsv_raw *raw;
	void *rdata;

	bool held = hdr->flags & KLPSV_HDR_HELD;

	if (held)
		WRITE_ONCE(hdr->flags, hdr->flags & ~KLPSV_HDR_HELD);
	if (!f->adopting) {
		if (!held)
			return false;
		/* What new code wrote, then the version that makes it live. */
		smp_store_release(&hdr->version, klpsv_fver(f));
		return true;
	}
	raw = raw_of(f, hdr->obj, &rdata);
	if (raw && raw->down && __klpsv_find(index, hdr->obj, f->epoch) == hdr)
		klpsv_run_step(raw->down, hdr->obj, hdr + 1, rdata);
	return true;
}

/**
 * __klpsv_adopt_free() - new code frees an object: its raw variables go too
 * @f: the family
 * @index: its index, locked
 * @obj: the object
 */
void __klpsv_adopt_free(struct klpsv_family *f, struct klpsv_index *index,
			void *obj)
	__must_hold(&index->lock)
{
	unsigned int i;

	if (!f->adopting)
		return;
	for (i = 0; i < f->nr_raw; i++)
		klp_shadow_free(obj, f->raw[i].id, f->raw[i].release);
}

/* The import running, for its destructor: under the registry lock. */
static struct {
	struct klpsv_family *f;
	struct klpsv_index *index;
	const struct klpsv_raw *raw;
	u64 imported;
	u64 lost;
} import;

/*
 * klp_shadow_free_all()'s destructor, under klp_shadow's lock and the
 * index lock: the raw variable becomes the object's live instance,
 * unless new code made its own.  An instance new code holds is as new as
 * the raw variable (old code, serialized with it, cannot have written
 * since its get, and its last put wrote through): no step may run on it
 * now, and its put makes it live.
 */
static void import_one(void *obj, void *rdata)
{
	struct klpsv_family *f = import.f;
	struct klpsv_index *index = import.index;
	struct klpsv_hdr *hdr = __klpsv_find(index, obj, f->epoch);
	bool fresh = !hdr;

	if (hdr && !converted_idle(hdr))
		goto release;
	/* The only allocation that cannot wait: a failure is counted. */
	if (fresh)
		hdr = klpsv_instance_alloc(index, obj, f->epoch, f->alloc_size,
					   klpsv_fver(f), GFP_ATOMIC);
	if (!hdr || klpsv_run_step(import.raw->up, obj, rdata, hdr + 1)) {
		/* A converted instance left a twin is dropped after. */
		import.lost++;
		if (hdr && fresh)
			__klpsv_instance_free(index, hdr, f->epoch);
		goto release;
	}
	if (fresh)
		__klpsv_link_new(index, hdr, f->epoch);
	/* What up wrote, then the version that makes it live. */
	smp_store_release(&hdr->version, klpsv_fver(f));
	import.imported++;
release:
	if (import.raw->release)
		import.raw->release(obj, rdata);
}

/* Converted instances whose raw variable old code freed: they go too. */
static int drop_converted_one(struct klpsv_family *f,
			      struct klpsv_index *index, void *obj, void *arg)
{
	struct klpsv_hdr *hdr;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	hdr = __klpsv_find(index, obj, f->epoch);
	if (hdr && converted_idle(hdr))
		__klpsv_unlink(index, hdr, f->epoch);
	else
		hdr = NULL;
	spin_unlock_irqrestore(&index->lock, flags);
	if (hdr)
		klpsv_drop(f, index, hdr, f->epoch);
	return 0;
}

/**
 * klpsv_adopt_finish() - import every raw variable left, and free it
 * @f: the family, adopting, its transition complete
 * @index: its index
 *
 * No old code runs any more.  The import holds the index lock, so new
 * code finds each object's data either still raw or imported.
 *
 * Context: process context, the registry lock held.
 */
void klpsv_adopt_finish(struct klpsv_family *f, struct klpsv_index *index)
{
	unsigned long flags;
	unsigned int i;

	if (!READ_ONCE(f->adopting))
		return;
	import.f = f;
	import.index = index;
	for (i = 0; i < f->nr_raw; i++) {
		import.raw = &f->raw[i];
		import.imported = 0;
		import.lost = 0;
		spin_lock_irqsave(&index->lock, flags);
		klp_shadow_free_all(import.raw->id, import_one);
		if (i == f->nr_raw - 1)
			WRITE_ONCE(f->adopting, false);
		index->lost += import.lost;
		spin_unlock_irqrestore(&index->lock, flags);
		pr_info("%s: family '%s': imported %llu raw variables of id %#lx\n",
			klpsv_patch_name(klpsv_this_patch()), f->name,
			import.imported, import.raw->id);
		if (import.lost)
			pr_err("%s: family '%s': %llu raw variables of id %#lx lost: no memory or a failed step\n",
			       klpsv_patch_name(klpsv_this_patch()), f->name,
			       import.lost, import.raw->id);
	}
	klpsv_walk_some(f, index, &index->instances, drop_converted_one, NULL,
			klpsv_hdr_is_twin);
	klpsv_table_fit(index, &index->instances, GFP_KERNEL);
	memset(&import, 0, sizeof(import));
}
