// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a family's index: created by the first patch that declares
 * the family, its state switched by takeovers, its incoming version made
 * the live one at the end of a transition (promotion), emptied when the
 * last patch is disabled, and destroyed -- unless a forced transition
 * means old code may still reach it.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/**
 * __klpsv_index_create() - add an empty index for a family
 * @reg: the registry, locked
 * @family: the family, epoch and allocation size already chosen
 * @owner: name of the patch module creating it
 *
 * The index lock gets a lockdep class of its own, registered in the
 * index's memory: a class key in a module would dangle once that module
 * is replaced and unloaded.
 *
 * Context: process context.
 * Return: the index, or NULL when out of memory.
 */
struct klpsv_index *__klpsv_index_create(struct klpsv_registry *reg,
					 struct klpsv_family *family,
					 const char *owner)
	__must_hold(&reg->lock)
{
	unsigned int format = klpsv_fault_format() ?: KLPSV_FORMAT;
	struct klpsv_index *index;

	if (klpsv_fault_alloc())
		return NULL;
	/*
	 * An index of format 1, as older code makes it, ends before claims;
	 * format 2's claims tables start zeroed, without buckets.
	 */
	index = kzalloc(format >= 2 ? sizeof(*index) :
			offsetof(struct klpsv_index, claims), GFP_KERNEL);
	if (!index)
		return NULL;
	index->magic = KLPSV_INDEX_MAGIC;
	index->format = format;
	index->state = KLPSV_INDEX_LIVE;
	index->id = family->id;
	strscpy(index->name, family->name, sizeof(index->name));
	strscpy(index->owner, owner, sizeof(index->owner));
	index->version = klpsv_fver(family);
	index->layout = family->fingerprint;
	index->epoch = family->epoch;
	index->size = family->layout.size;
	index->alloc_size = family->alloc_size;
	index->next_epoch = family->epoch;
	if (klpsv_table_init(&index->instances) ||
	    klpsv_table_init(&index->next)) {
		klpsv_table_destroy(&index->instances);
		klpsv_table_destroy(&index->next);
		kfree(index);
		return NULL;
	}
	spin_lock_init(&index->lock);
	lockdep_register_key(&index->lock_key);
	lockdep_set_class_and_name(&index->lock, &index->lock_key, index->name);
	list_add_tail(&index->node, &reg->families);
	return index;
}

/**
 * __klpsv_index_destroy() - remove an index with no instances left
 * @reg: the registry holding it, locked
 * @index: the index
 */
void __klpsv_index_destroy(struct klpsv_registry *reg,
			   struct klpsv_index *index)
	__must_hold(&reg->lock)
{
	list_del(&index->node);
	if (klpsv_index_owns(index)) {
		klpsv_claims_free_all(index, &index->claims, index->epoch);
		klpsv_claims_free_all(index, &index->next_claims,
				      index->next_epoch);
		klpsv_table_destroy(&index->claims);
		klpsv_table_destroy(&index->next_claims);
	}
	lockdep_unregister_key(&index->lock_key);
	klpsv_table_destroy(&index->instances);
	klpsv_table_destroy(&index->next);
	kfree(index);
}

/**
 * klpsv_index_set_state() - switch an index's state
 * @index: the index
 * @state: enum klpsv_index_state
 *
 * Under the index lock, so a lockless reader sees the state change
 * between two of the index's own updates, never in the middle of one.
 */
void klpsv_index_set_state(struct klpsv_index *index, unsigned int state)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	WRITE_ONCE(index->state, state);
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_index_begin() - announce the incoming version of a transition
 * @index: the index, live
 * @f: the incoming family, its epoch and allocation size chosen; a
 *	tombstone keeps the live epoch and announces size 0
 * @mod: its module
 *
 * Under the index lock, with the state, so an accessor that reads them
 * under the lock sees all of them or none.
 */
void klpsv_index_begin(struct klpsv_index *index, struct klpsv_family *f,
		       struct module *mod)
{
	bool retire = f->retired;
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	index->prev_version = index->version;
	index->next_version = klpsv_fver(f);
	index->next_layout = retire ? 0 : f->fingerprint;
	index->next_size = retire ? 0 : f->layout.size;
	WRITE_ONCE(index->next_epoch, retire ? index->epoch : f->epoch);
	index->next_alloc_size = retire ? 0 : f->alloc_size;
	index->incoming = retire ? NULL : f;
	index->incoming_mod = retire ? NULL : mod;
	WRITE_ONCE(index->state, KLPSV_INDEX_TRANSITION);
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_index_restart() - a family live again, empty, in a new epoch
 * @index: the index, retired or unused, without instances
 * @f: the family that revives it, its epoch and allocation size chosen
 */
void klpsv_index_restart(struct klpsv_index *index,
			 const struct klpsv_family *f)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	index->version = klpsv_fver(f);
	index->layout = f->fingerprint;
	WRITE_ONCE(index->epoch, f->epoch);
	WRITE_ONCE(index->next_epoch, f->epoch);
	index->size = f->layout.size;
	index->alloc_size = f->alloc_size;
	WRITE_ONCE(index->state, KLPSV_INDEX_LIVE);
	spin_unlock_irqrestore(&index->lock, flags);
}

/*
 * Only walks' shells are claimed, during transitions: once one has ended,
 * the claims tables give their buckets back (a table still holding a
 * claim keeps them; a claim to come gets buckets again).
 */
static void claims_unload(struct klpsv_index *index)
{
	if (!klpsv_index_owns(index))
		return;
	klpsv_table_unload(index, &index->claims);
	klpsv_table_unload(index, &index->next_claims);
}

/**
 * klpsv_index_end() - a reverted transition: the live version stays
 * @index: the index, in transition
 */
void klpsv_index_end(struct klpsv_index *index)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	WRITE_ONCE(index->state, KLPSV_INDEX_LIVE);
	WRITE_ONCE(index->next_epoch, index->epoch);
	index->incoming = NULL;
	index->incoming_mod = NULL;
	index->finishing = false;
	spin_unlock_irqrestore(&index->lock, flags);
	claims_unload(index);
}

/**
 * klpsv_index_finishing() - the walks after a completed transition begin
 * @index: the index, in a breaking transition
 *
 * From here on no old code runs: klpsv_twin_share() stops, so that no
 * older instance appears behind the walk that drops them.
 */
void klpsv_index_finishing(struct klpsv_index *index)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	index->finishing = true;
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_index_mark_forced() - code of a forced transition may use an epoch
 * @index: the index
 * @epoch: the epoch that code's family declarations use
 */
void klpsv_index_mark_forced(struct klpsv_index *index, u32 epoch)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	index->forced_epochs |= BIT(epoch & KLPSV_ID_EPOCH_MASK);
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_index_set_incoming() - name the family old code's leftovers need
 * @index: the index
 * @f: the live patch's family after an additive transition was forced,
 *	or NULL when a newer patch takes the family over
 * @mod: its module, loaded while its patch is live
 *
 * Code of the forced-out patch may still free an instance migrated to a
 * version it does not know; klpsv_free() then needs @f's destructor.  A
 * newer patch clears it before the module of @f can go.
 */
void klpsv_index_set_incoming(struct klpsv_index *index,
			      struct klpsv_family *f, struct module *mod)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	index->incoming = f;
	index->incoming_mod = mod;
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_index_counts() - an index's instance count and bytes, for a log
 * @index: the index
 * @count: set to its instances (both epochs)
 * @bytes: set to their bytes
 */
void klpsv_index_counts(struct klpsv_index *index, u64 *count, u64 *bytes)
{
	unsigned long flags;

	spin_lock_irqsave(&index->lock, flags);
	*count = index->count + index->next_count;
	*bytes = index->bytes;
	spin_unlock_irqrestore(&index->lock, flags);
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
		__klpsv_unlink_from(index, a->t, hdr);
	spin_unlock_irqrestore(&index->lock, flags);
	if (hdr)
		klpsv_drop(f, index, hdr, a->epoch);
	return 0;
}

/**
 * klpsv_index_free_all() - free every instance of a family
 * @f: the family whose destructor (or step release) runs
 * @index: its index
 *
 * Context: process context.
 * Return: how many instances were freed.
 */
u64 klpsv_index_free_all(struct klpsv_family *f, struct klpsv_index *index)
{
	struct free_arg cur = { &index->instances, index->epoch };
	struct free_arg next = { &index->next, index->next_epoch };
	u64 before = index->count + index->next_count;

	klpsv_walk(f, index, cur.t, free_one, &cur);
	klpsv_walk(f, index, next.t, free_one, &next);
	return before - (index->count + index->next_count);
}

/**
 * __klpsv_index_release() - an index no patch uses any more
 * @reg: the registry, locked
 * @index: the index, empty
 *
 * After a forced transition, code of an old patch may still run and reach
 * the index through its family declaration: it is kept, empty, for the
 * kernel's lifetime (a few hundred bytes).  Otherwise it is destroyed.
 */
void __klpsv_index_release(struct klpsv_registry *reg,
			   struct klpsv_index *index)
	__must_hold(&reg->lock)
{
	if (reg->flags & KLPSV_REG_FORCED) {
		index->version = 0;
		klpsv_index_set_state(index, KLPSV_INDEX_UNUSED);
		return;
	}
	__klpsv_index_destroy(reg, index);
}

/*
 * The incoming version becomes the live one.  For a breaking change the
 * tables swap: the twins' becomes the live one; the older epoch's is left
 * in @next, where nothing reaches it any more, with whatever old code of
 * a forced transition added after the last walk (freed by the caller).
 */
static void switch_to_next(struct klpsv_index *index)
{
	unsigned long flags, seq_flags;

	spin_lock_irqsave(&index->lock, flags);
	seq_flags = klpsv_seq_write_begin(index);
	if (index->epoch != index->next_epoch) {
		__klpsv_table_swap(index, &index->instances, &index->next);
		if (klpsv_index_owns(index))
			__klpsv_table_swap(index, &index->claims,
					   &index->next_claims);
		swap(index->count, index->next_count);
	}
	index->version = index->next_version;
	index->layout = index->next_layout;
	WRITE_ONCE(index->epoch, index->next_epoch);
	index->size = index->next_size;
	index->alloc_size = index->next_alloc_size;
	WRITE_ONCE(index->state, KLPSV_INDEX_LIVE);
	index->incoming = NULL;
	index->incoming_mod = NULL;
	index->finishing = false;
	klpsv_seq_write_end(index, seq_flags);
	spin_unlock_irqrestore(&index->lock, flags);
}

/**
 * klpsv_family_bind() - point a family's inlined lookups at its table
 * @f: the family, its index and epoch set (or its index NULL)
 *
 * klpsv_get() looks for a hit in the table of @f's epoch, and takes it
 * while that epoch is the index's live one; with no index, or no table of
 * that epoch, it goes straight to the library.
 */
void klpsv_family_bind(struct klpsv_family *f)
{
	struct klpsv_table *t = NULL;

	if (f->index && !f->retired) {
		/* Set before its code runs, for the life of its module. */
		f->live_epoch = &f->index->epoch;
		t = klpsv_table_of(f->index, f->epoch);
	}
	WRITE_ONCE(f->table, t);
}

/**
 * klpsv_index_promote() - make the incoming version the live one
 * @f: the family, whose release runs on what the older epoch still holds
 * @index: its index, in transition
 *
 * Frees what promotion left behind in the older epoch's table, and gives
 * that table back its memory.
 *
 * Context: process context.
 */
void klpsv_index_promote(struct klpsv_family *f, struct klpsv_index *index)
{
	struct free_arg old = { &index->next, index->epoch };
	bool breaking = index->epoch != index->next_epoch;
	unsigned long flags;

	switch_to_next(index);
	klpsv_family_bind(f);	/* its epoch's instances moved with the swap */
	claims_unload(index);
	if (!breaking)
		return;
	if (index->next_count) {
		klpsv_walk(f, index, old.t, free_one, &old);
		spin_lock_irqsave(&index->lock, flags);
		index->next_count = 0;
		index->bytes = index->count *
			       klpsv_instance_bytes(index, index->alloc_size);
		spin_unlock_irqrestore(&index->lock, flags);
	}
	klpsv_table_reset(index, old.t);
}
