// SPDX-License-Identifier: GPL-2.0
/*
 * The accessors patched code calls: get (with lazy migration), get or
 * alloc, put's out-of-line twin path, and free.
 *
 * The fast path of a get is a lookup in the family's own index and a
 * compare; everything else (an instance in an older version, a twin to
 * make or refresh, a miss to confirm) is out of line, and every step it
 * runs is one of lib/migrate.c's.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "internal.h"

/*
 * The fast path saw a twin, but the transition finished since: it is the
 * live instance now, unless it was dropped.
 */
static void *twin_if_promoted(struct klpsv_family *family,
			      struct klpsv_index *index, void *obj)
{
	struct klpsv_hdr *hdr;
	unsigned long flags;
	void *data = NULL;

	spin_lock_irqsave(&index->lock, flags);
	hdr = __klpsv_find(index, obj, family->epoch);
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
	void *data;

	if (hdr && !klpsv_hdr_is_twin(hdr) && !(hdr->flags & KLPSV_HDR_PENDING)) {
		/* A newer additive version keeps our members in place. */
		if (klpsv_hdr_version(hdr) >= klpsv_fver(family))
			return hdr + 1;
		if (!klpsv_compat_may_lock())
			return NULL;
		klpsv_migrate_in_place(family, index, obj, &data);
		return data;
	}
	/* Hard IRQ on PREEMPT_RT: only what needs no lock (Contexts). */
	if (!klpsv_compat_may_lock())
		return NULL;
	if (!klpsv_makes_twins(family, index))
		return hdr ? twin_if_promoted(family, index, obj) : NULL;
	if (!hdr && !klpsv_lookup(index, obj, READ_ONCE(index->epoch)))
		return NULL;	/* the object has no data at all */
	klpsv_twin_make(family, index, obj, GFP_ATOMIC, &data);
	return data;
}

/*
 * klpsv_get() with a lookup that notices instances moving meanwhile, so
 * that a miss can be trusted: klpsv_get() when its own lookup did not
 * find what it wanted, and klpsv_get_or_alloc() before it allocates.
 */
static noinline void *get_checked(struct klpsv_family *family,
				  struct klpsv_index *index, void *obj,
				  bool *seen)
{
	struct klpsv_hdr *hdr;
	void *data;

	/* Raw variables of older patches taken over: converted each time. */
	if (unlikely(READ_ONCE(family->adopting)) &&
	    klpsv_adopt_get(family, index, obj, &data, seen))
		return data;
	hdr = klpsv_lookup(index, obj, family->epoch);
	*seen = hdr;
	/* Pairs with the release that published the version's data. */
	if (hdr && smp_load_acquire(&hdr->version) == klpsv_fver(family))
		return hdr + 1;
	if (!hdr && !klpsv_index_syncing(index))
		return NULL;	/* no data, and no transition to make it */
	return get_slow(family, index, obj, hdr);
}

/*
 * Patched code used a family that no takeover bound, nor any check saw:
 * the patch's klpsv callbacks never ran.  Said once; the access fails.
 */
static void __cold unbound(const struct klpsv_family *family)
{
	if (!family->fingerprint && !family->retired)
		pr_err_once("%s: family '%s' used before any takeover: the patch's klpsv callbacks did not run (wire KLPSV_CALLBACKS on the vmlinux object)\n",
			    module_name(THIS_MODULE), family->name);
}

/**
 * klpsv_get_slow() - klpsv_get() where its inlined hit path did not hit
 * @family: the family
 * @obj: the object
 *
 * Context: as klpsv_get().
 * Return: the instance's data, or NULL if @obj has none.
 */
void *klpsv_get_slow(struct klpsv_family *family, void *obj)
{
	struct klpsv_index *index = READ_ONCE(family->index);
	bool seen;

	if (unlikely(!index)) {
		unbound(family);
		return NULL;
	}
	return get_checked(family, index, obj, &seen);
}

/*
 * An instance a walk published where the caller was about to make one is
 * handed out instead: linked at the family's version or a newer one in
 * place, not a twin, not one a failed step left older.
 */
static bool __hands_out(struct klpsv_family *family, struct klpsv_index *index,
			struct klpsv_hdr *hdr)
	__must_hold(&index->lock)
{
	return __klpsv_find(index, hdr->obj, family->epoch) == hdr &&
	       !klpsv_hdr_is_twin(hdr) &&
	       klpsv_hdr_version(hdr) >= klpsv_fver(family);
}

/*
 * The caller's allocation found an instance it did not make: a walk's
 * pending shell (the revert walk's shell to send a new-only object back,
 * or a twin pre_patch reserved) of an object the caller has since freed,
 * or one a walk just published.  The caller, who serializes access to the object,
 * claims a shell: frees it under the index lock, where the walk looks it
 * up again and finds it gone.
 *
 * Return: true to allocate again (the obstacle is gone); false with
 * @found set to a published instance, or NULL.
 */
static bool resolve_found(struct klpsv_family *family,
			  struct klpsv_index *index, void *obj,
			  struct klpsv_hdr *hdr, struct klpsv_hdr **found)
{
	struct klpsv_hdr *cur;
	unsigned long flags;
	bool again = true;

	*found = NULL;
	spin_lock_irqsave(&index->lock, flags);
	cur = __klpsv_claimed(index, obj, family->epoch);
	if (cur == hdr && (READ_ONCE(hdr->flags) & KLPSV_HDR_PENDING)) {
		__klpsv_instance_free(index, hdr, family->epoch);
	} else if (cur == hdr) {
		again = false;
		if (__hands_out(family, index, hdr))
			*found = hdr;
	}
	spin_unlock_irqrestore(&index->lock, flags);
	return again;
}

/*
 * A new, unlinked instance of the family's version (@created set), an
 * instance a walk published meanwhile, or NULL.
 */
static struct klpsv_hdr *alloc_new(struct klpsv_family *family,
				   struct klpsv_index *index, void *obj,
				   gfp_t gfp, bool *created)
{
	struct klpsv_table *t = klpsv_table_of(index, family->epoch);
	struct klpsv_hdr *hdr, *found;
	int tries = 4;

	if (t)
		klpsv_table_fit(index, t, gfp);
	if (klpsv_index_owns(index)) {
		/* Claimed only when published (__publish_new()). */
		*created = true;
		return klpsv_instance_alloc(index, obj, family->epoch,
					    family->alloc_size,
					    klpsv_fver(family), gfp);
	}
	do {
		hdr = klpsv_instance_new(index, obj, family->epoch,
					 family->alloc_size, klpsv_fver(family),
					 0, gfp, created);
		if (!hdr || *created)
			return hdr;
	} while (--tries && resolve_found(family, index, obj, hdr, &found));
	return tries ? found : NULL;
}

/*
 * Link the caller's new instance.  In an index that owns its instances
 * it was claimed by no one until now: a walk's pending shell of the
 * object gives way to it; an instance a walk published meanwhile is
 * handed out instead (@found), or nothing when it is not at the
 * family's version.
 */
static bool __publish_new(struct klpsv_family *family,
			  struct klpsv_index *index, struct klpsv_hdr *hdr,
			  struct klpsv_hdr **found)
	__must_hold(&index->lock)
{
	struct klpsv_hdr *cur;

	if (klpsv_index_owns(index) && !(hdr->flags & KLPSV_HDR_CLAIMED)) {
		cur = __klpsv_claimed(index, hdr->obj, family->epoch);
		if (cur && (cur->flags & KLPSV_HDR_PENDING)) {
			__klpsv_instance_free(index, cur, family->epoch);
		} else if (cur) {
			if (__hands_out(family, index, cur))
				*found = cur;
			return false;
		}
	}
	return __klpsv_link_new(index, hdr, family->epoch);
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
 * Context: as @gfp allows, where a spinlock_t may be taken (on PREEMPT_RT
 * not in hard IRQ context: a warning, and NULL).
 * Return: the instance's data, or NULL when out of memory, when the
 * constructor failed, or before the patch took the family over.
 */
void *klpsv_get_or_alloc(struct klpsv_family *family, void *obj, gfp_t gfp,
			 void *ctor_arg)
{
	struct klpsv_index *index = READ_ONCE(family->index);
	struct klpsv_hdr *hdr, *found = NULL;
	unsigned long flags;
	bool created, linked, seen;
	void *data;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (unlikely(!index)) {
		unbound(family);
		return NULL;
	}
	if (WARN_ONCE(!klpsv_compat_may_lock(),
		      "klpsv: %s: %s() where a spinlock_t cannot be taken\n",
		      family->name, __func__))
		return NULL;
	/*
	 * An instance that get_checked() could not hand out (a migration
	 * failed) gets no second one beside it.
	 */
	data = get_checked(family, index, obj, &seen);
	if (data || seen)
		return data;
	/*
	 * The object has data in the older epoch that could not be migrated
	 * now (no memory, a failed step): a fresh instance would hide it.
	 */
	if (klpsv_makes_twins(family, index) &&
	    klpsv_lookup(index, obj, READ_ONCE(index->epoch)))
		return NULL;

	hdr = alloc_new(family, index, obj, gfp, &created);
	if (!hdr || !created)
		return hdr ? hdr + 1 : NULL;
	if (family->ctor && family->ctor(obj, hdr + 1, ctor_arg)) {
		klpsv_instance_free(index, hdr, family->epoch);
		return NULL;
	}
	spin_lock_irqsave(&index->lock, flags);
	linked = __publish_new(family, index, hdr, &found);
	spin_unlock_irqrestore(&index->lock, flags);
	if (!linked) {
		/*
		 * Old code of a forced transition that a newer patch ended,
		 * or a walk published the object's instance meanwhile.
		 */
		if (family->dtor)
			family->dtor(obj, hdr + 1);
		klpsv_instance_free(index, hdr, family->epoch);
		return found ? found + 1 : NULL;
	}
	/* Old code still running sees it too, when the family can tell it. */
	if (klpsv_makes_twins(family, index))
		klpsv_twin_share(family, index, hdr, gfp);
	else if (unlikely(READ_ONCE(family->adopting)))
		klpsv_adopt_share(family, index, hdr, gfp);
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
	struct klpsv_index *index = READ_ONCE(family->index);
	unsigned long flags;

	if (!index || WARN_ONCE(!klpsv_compat_may_lock(),
				"klpsv: %s: klpsv_put() of a twin where a spinlock_t cannot be taken\n",
				family->name))
		return;
	spin_lock_irqsave(&index->lock, flags);
	if (!__klpsv_adopt_put(family, index, klpsv_hdr_of(data)))
		__klpsv_twin_write_through(family, index, klpsv_hdr_of(data));
	spin_unlock_irqrestore(&index->lock, flags);
}

/*
 * Who releases an instance klpsv_free() unlinked: the caller's family
 * knows its own version and older ones; a newer one (new code migrated it
 * in place, or a twin) is the incoming family's, whose module is pinned
 * for the call.  Returns the module to put, if any.
 */
static struct module *__releaser(struct klpsv_family *family,
				 struct klpsv_index *index,
				 struct klpsv_hdr *hdr,
				 const struct klpsv_family **by)
	__must_hold(&index->lock)
{
	struct klpsv_family *in = index->incoming;

	*by = family;
	if (klpsv_hdr_version(hdr) <= klpsv_fver(family) || !in ||
	    in == family || !try_module_get(index->incoming_mod))
		return NULL;
	*by = in;
	return index->incoming_mod;
}

/**
 * klpsv_free() - free an object's instance, in every version it has
 * @family: the family
 * @obj: the object
 *
 * Runs the destructor of the instance's version outside every lock (the
 * family's, a step's release for an older version, or during a
 * transition the incoming family's for a newer one), then frees the
 * memory.  The caller serializes access to @obj's instance.  Nothing
 * happens if there is none.
 *
 * Context: process or caller context, the destructor decides; where a
 * spinlock_t may be taken (on PREEMPT_RT not in hard IRQ: a warning, and
 * nothing freed).
 */
void klpsv_free(struct klpsv_family *family, void *obj)
{
	struct klpsv_index *index = READ_ONCE(family->index);
	const struct klpsv_family *by[2];
	struct module *pinned[2] = { NULL, NULL };
	struct klpsv_hdr *found[2];
	u32 epochs[2], e;
	unsigned long flags;
	int n = 0, i;

	if (!index || WARN_ONCE(!klpsv_compat_may_lock(),
				"klpsv: %s: %s() where a spinlock_t cannot be taken: the instance is leaked\n",
				family->name, __func__))
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
		hdr = i ? __klpsv_claimed(index, obj, e) :
			  __klpsv_find(index, obj, e);
		if (!hdr)
			continue;
		if (hdr->flags & KLPSV_HDR_PENDING) {
			__klpsv_instance_free(index, hdr, e);
		} else if (klpsv_hdr_is_linked(hdr)) {
			__klpsv_unlink(index, hdr, e);
			pinned[n] = __releaser(family, index, hdr, &by[n]);
			epochs[n] = e;
			found[n++] = hdr;
		}
	}
	/* Old code still running no longer sees the object either. */
	__klpsv_adopt_free(family, index, obj);
	spin_unlock_irqrestore(&index->lock, flags);
	for (i = 0; i < n; i++) {
		klpsv_drop(by[i], index, found[i], epochs[i]);
		module_put(pinned[i]);
	}
	/* A family that shrank a lot gives memory back. */
	if (n)
		klpsv_table_fit(index, &index->instances, GFP_ATOMIC);
}
