/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpsv internals: the functions the library's files call each other
 * through, in the order the calls flow (Documentation/design.rst, "Map of
 * the sources"): declarations and checks, then the index and its
 * instances, then migration, then the accessors and the takeover, then
 * the livepatch entry points.
 *
 * Naming: a function whose name starts with "__" must be called with the
 * lock of the structure it works on held: the index lock for those taking
 * a struct klpsv_index, the registry lock for those taking a struct
 * klpsv_registry.  Everything else takes the locks it needs itself.
 */
#ifndef _KLPSV_INTERNAL_H
#define _KLPSV_INTERNAL_H

#include <linux/hash.h>
#include <linux/lockdep.h>

#include "format.h"

/**
 * klpsv_table_find() - the instance of an object in a table
 * @t: the table
 * @obj: the object
 *
 * Context: under rcu_read_lock() or the index lock.  Without the lock, a
 * miss is only right if the index's sequence count did not move meanwhile.
 * Return: the instance's header, or NULL.
 */
static inline struct klpsv_hdr *klpsv_table_find(struct klpsv_table *t,
						 const void *obj)
{
	struct klpsv_buckets *b = rcu_dereference_raw(t->buckets);
	struct klpsv_hdr *hdr = klpsv_chain_find(b, obj);

	if (likely(hdr))
		return hdr;
	b = rcu_dereference_raw(t->old);
	return b ? klpsv_chain_find(b, obj) : NULL;
}

/*
 * Format 2: the index owns its instances and has claims tables.  An index
 * older code made (format 1) is shorter: it ends before them.
 */
static inline bool klpsv_index_owns(const struct klpsv_index *index)
{
	return index->format >= 2;
}

/* Old and new instances are kept in sync (a transition, or a forced one). */
static inline bool klpsv_index_syncing(const struct klpsv_index *index)
{
	unsigned int state = READ_ONCE(index->state);

	return state == KLPSV_INDEX_TRANSITION || state == KLPSV_INDEX_FORCED;
}

/**
 * klpsv_table_of() - the table of an index that holds an epoch
 * @index: the index
 * @epoch: the epoch
 *
 * Return: the table, or NULL when no instance of @epoch may exist now.
 */
static inline struct klpsv_table *klpsv_table_of(struct klpsv_index *index,
						 u32 epoch)
{
	if (likely(epoch == READ_ONCE(index->epoch)))
		return &index->instances;
	if (klpsv_index_syncing(index) &&
	    epoch == READ_ONCE(index->next_epoch))
		return &index->next;
	return NULL;
}

/*
 * The index's sequence count, as a seqcount_t but without a lockdep map
 * (its class key would live in the module that made the index).  A
 * reader that sees it odd takes the lock instead, which on PREEMPT_RT
 * waits for a preempted writer; where it may not take the lock (hard IRQ
 * on PREEMPT_RT) it looks again: the writer moves pointers only, with
 * hard IRQs off, so it is not preempted and soon done.
 */
static inline unsigned long klpsv_seq_write_begin(struct klpsv_index *index)
	__must_hold(&index->lock)
{
	unsigned long flags;

	local_irq_save(flags);
	WRITE_ONCE(index->seq, index->seq + 1);
	smp_wmb();	/* the count, then the changes */
	return flags;
}

static inline void klpsv_seq_write_end(struct klpsv_index *index,
				       unsigned long flags)
	__must_hold(&index->lock)
{
	smp_wmb();	/* the changes, then the count */
	WRITE_ONCE(index->seq, index->seq + 1);
	local_irq_restore(flags);
}

static inline u32 klpsv_seq_begin(const struct klpsv_index *index)
{
	u32 seq = READ_ONCE(index->seq);

	smp_rmb();	/* the count, then the tables */
	return seq;
}

static inline bool klpsv_seq_retry(const struct klpsv_index *index, u32 seq)
{
	smp_rmb();	/* the tables, then the count */
	return (seq & 1) || READ_ONCE(index->seq) != seq;
}

#define for_each_family(kp, f, i) \
	for ((i) = 0; ((f) = (kp)->families[i]); (i)++)

static inline const char *klpsv_patch_name(const struct klpsv_patch *kp)
{
	return klpsv_compat_patch_name(kp->patch);
}

/*
 * @family is the incoming side of a breaking transition: it makes twins
 * of the older epoch's instances.
 */
static inline bool klpsv_makes_twins(const struct klpsv_family *family,
				     struct klpsv_index *index)
{
	return klpsv_index_syncing(index) &&
	       family->epoch == READ_ONCE(index->next_epoch) &&
	       family->epoch != READ_ONCE(index->epoch);
}

/* Instance headers. */
static inline struct klpsv_hdr *klpsv_hdr_of(void *data)
{
	return (struct klpsv_hdr *)data - 1;
}

static inline unsigned int klpsv_hdr_version(const struct klpsv_hdr *hdr)
{
	return READ_ONCE(hdr->version) & KLPSV_VERSION_MAX;
}

static inline bool klpsv_hdr_is_twin(const struct klpsv_hdr *hdr)
{
	return READ_ONCE(hdr->version) & KLPSV_HDR_TWIN;
}

/* In its index's table (not a pending twin, not being freed). */
static inline bool klpsv_hdr_is_linked(const struct klpsv_hdr *hdr)
{
	return hdr && (READ_ONCE(hdr->flags) & KLPSV_HDR_LINKED);
}

/*
 * Objects a walk copies out per hold of the index lock (on its stack),
 * and buckets it moves per hold while finishing a resize; cond_resched()
 * runs between two batches.
 */
#define KLPSV_BATCH		32

typedef int (*klpsv_walk_fn)(struct klpsv_family *family,
			     struct klpsv_index *index, void *obj, void *arg);

/* layout.c: fingerprints */
u32 klpsv_layout_fingerprint(const struct klpsv_layout *layout);
bool klpsv_layout_is_prefix(const struct klpsv_layout *old,
			    const struct klpsv_layout *new);

/* family.c: declarations */
int klpsv_patch_validate(struct klpsv_patch *kp);
bool klpsv_patch_declares(const struct klpsv_patch *kp, unsigned long id);
/* lib/discover.c: the module's families and its klp_patch */
#define KLPSV_MAX_FAMILIES	64
int klpsv_check_declared(struct klpsv_patch *kp);
int klpsv_check_wiring(struct klpsv_patch *kp, struct klp_object *obj);
struct klpsv_patch *klpsv_generated_patch(struct klp_object *obj);

int klpsv_states_add(struct klpsv_patch *kp);
void klpsv_states_remove(struct klpsv_patch *kp);
const struct klpsv_step *klpsv_step_from(const struct klpsv_family *family,
					 unsigned int from);
u32 klpsv_alloc_size(const struct klpsv_family *family);

/* registry.c: the registry, refusals */
struct klpsv_registry *klpsv_registry_get(void);
struct klpsv_index *__klpsv_index_find(struct klpsv_registry *reg,
				       unsigned long id);
int klpsv_format_check(const char *patch, u32 magic, u32 want_magic,
		       unsigned int format, const char *what);
int klpsv_refuse(struct klpsv_registry *reg, struct klpsv_index *index,
		 const char *fmt, ...) __printf(3, 4);

/* check.c: refusal before harm */
int __klpsv_check_live(struct klpsv_registry *reg, struct klpsv_patch *kp);

/* table.c: the instances of one epoch, by object */
int klpsv_table_init(struct klpsv_table *t);
void klpsv_table_destroy(struct klpsv_table *t);
void __klpsv_table_insert(struct klpsv_index *index, struct klpsv_table *t,
			  struct klpsv_hdr *hdr);
void __klpsv_table_remove(struct klpsv_index *index, struct klpsv_table *t,
			  struct klpsv_hdr *hdr);
void __klpsv_table_swap(struct klpsv_index *index, struct klpsv_table *a,
			struct klpsv_table *b);
void klpsv_table_fit(struct klpsv_index *index, struct klpsv_table *t,
		     gfp_t gfp);
void klpsv_table_reset(struct klpsv_index *index, struct klpsv_table *t);
void klpsv_table_unload(struct klpsv_index *index, struct klpsv_table *t);
size_t klpsv_table_bytes(struct klpsv_index *index, struct klpsv_table *t);
int klpsv_walk_some(struct klpsv_family *family, struct klpsv_index *index,
		    struct klpsv_table *t, klpsv_walk_fn fn, void *arg,
		    bool (*want)(const struct klpsv_hdr *hdr));

/* Call @fn for every instance in @t (see klpsv_walk_some()). */
static inline int klpsv_walk(struct klpsv_family *family,
			     struct klpsv_index *index, struct klpsv_table *t,
			     klpsv_walk_fn fn, void *arg)
{
	return klpsv_walk_some(family, index, t, fn, arg, NULL);
}

/* index.c: an index's life */
struct klpsv_index *__klpsv_index_create(struct klpsv_registry *reg,
					 struct klpsv_family *family,
					 const char *owner);
void __klpsv_index_destroy(struct klpsv_registry *reg,
			   struct klpsv_index *index);
void __klpsv_index_release(struct klpsv_registry *reg,
			   struct klpsv_index *index);
void klpsv_index_set_state(struct klpsv_index *index, unsigned int state);
void klpsv_index_begin(struct klpsv_index *index, struct klpsv_family *f,
		       struct module *mod);
void klpsv_index_end(struct klpsv_index *index);
void klpsv_index_mark_forced(struct klpsv_index *index, u32 epoch);
void klpsv_index_finishing(struct klpsv_index *index);
void klpsv_index_set_incoming(struct klpsv_index *index,
			      struct klpsv_family *f, struct module *mod);
void klpsv_index_restart(struct klpsv_index *index,
			 const struct klpsv_family *f);
void klpsv_index_counts(struct klpsv_index *index, u64 *count, u64 *bytes);
u64 klpsv_index_free_all(struct klpsv_family *f, struct klpsv_index *index);
void klpsv_index_promote(struct klpsv_family *f, struct klpsv_index *index);
void klpsv_family_bind(struct klpsv_family *f);

/* store.c: where instances live; instance.c: in their index */
size_t klpsv_instance_bytes(const struct klpsv_index *index, u32 alloc_size);
struct klpsv_hdr *__klpsv_claimed(struct klpsv_index *index, void *obj,
				  u32 epoch);
struct klpsv_hdr *klpsv_instance_alloc(struct klpsv_index *index, void *obj,
				       u32 epoch, u32 alloc_size,
				       unsigned int version, gfp_t gfp);
struct klpsv_hdr *klpsv_instance_new(struct klpsv_index *index, void *obj,
				     u32 epoch, u32 alloc_size,
				     unsigned int version, unsigned int flags,
				     gfp_t gfp, bool *created);
bool __klpsv_instance_claim(struct klpsv_index *index, struct klpsv_hdr *hdr,
			    u32 epoch);
void __klpsv_unclaim(struct klpsv_index *index, struct klpsv_hdr *hdr,
		     u32 epoch);
void klpsv_claims_fit(struct klpsv_index *index, u32 epoch, gfp_t gfp);
void __klpsv_instance_free(struct klpsv_index *index, struct klpsv_hdr *hdr,
			   u32 epoch);
void klpsv_instance_free(struct klpsv_index *index, struct klpsv_hdr *hdr,
			 u32 epoch);
struct klpsv_hdr *__klpsv_find(struct klpsv_index *index, void *obj,
			       u32 epoch);
struct klpsv_hdr *klpsv_lookup(struct klpsv_index *index, void *obj,
			       u32 epoch);
bool __klpsv_link(struct klpsv_index *index, struct klpsv_hdr *hdr,
		  u32 epoch);
bool __klpsv_link_new(struct klpsv_index *index, struct klpsv_hdr *hdr,
		      u32 epoch);
void __klpsv_unlink(struct klpsv_index *index, struct klpsv_hdr *hdr,
		    u32 epoch);
void __klpsv_unlink_from(struct klpsv_index *index, struct klpsv_table *t,
			 struct klpsv_hdr *hdr);
void klpsv_drop(const struct klpsv_family *family, struct klpsv_index *index,
		struct klpsv_hdr *hdr, u32 epoch);
void klpsv_claims_free_all(struct klpsv_index *index, struct klpsv_table *t,
			   u32 epoch);

/* migrate.c: every step run */
int klpsv_run_step(klpsv_step_fn fn, void *obj, const void *from, void *to);
int klpsv_migrate_in_place(struct klpsv_family *family,
			   struct klpsv_index *index, void *obj, void **data);
void klpsv_migrate_late(struct klpsv_family *family, struct klpsv_index *index,
			void *obj);
void klpsv_revert_in_place(struct klpsv_family *family,
			   struct klpsv_index *index, void *obj);
int __klpsv_twin_sync(struct klpsv_family *family, struct klpsv_index *index,
		      void *obj, void **data, struct klpsv_hdr **stale);
int klpsv_twin_reserve(struct klpsv_family *family, struct klpsv_index *index,
		       void *obj);
void klpsv_twin_unreserve(struct klpsv_family *family,
			  struct klpsv_index *index, void *obj);
int klpsv_twin_make(struct klpsv_family *family, struct klpsv_index *index,
		    void *obj, gfp_t gfp, void **data);
void klpsv_twin_finish(struct klpsv_family *family, struct klpsv_index *index,
		       void *obj);
void klpsv_twin_drop_orphan(struct klpsv_family *family,
			    struct klpsv_index *index, void *obj);
void klpsv_twin_force_finish(struct klpsv_family *family,
			     struct klpsv_index *index, void *obj);
bool klpsv_twin_revert(struct klpsv_family *family, struct klpsv_index *index,
		       void *obj, bool keep);
void klpsv_twin_share(struct klpsv_family *family, struct klpsv_index *index,
		      struct klpsv_hdr *twin, gfp_t gfp);
void __klpsv_twin_write_through(struct klpsv_family *family,
				struct klpsv_index *index,
				struct klpsv_hdr *twin);

/* adopt.c: raw klp_shadow variables of older patches taken over */
void klpsv_adopt_begin(struct klpsv_family *f, struct klpsv_index *index);
void klpsv_adopt_end(struct klpsv_family *f, struct klpsv_index *index);
bool klpsv_adopt_get(struct klpsv_family *f, struct klpsv_index *index,
		     void *obj, void **data, bool *seen);
void klpsv_adopt_share(struct klpsv_family *f, struct klpsv_index *index,
		       struct klpsv_hdr *hdr, gfp_t gfp);
bool __klpsv_adopt_put(struct klpsv_family *f, struct klpsv_index *index,
		       struct klpsv_hdr *hdr);
void __klpsv_adopt_free(struct klpsv_family *f, struct klpsv_index *index,
			void *obj);
void klpsv_adopt_finish(struct klpsv_family *f, struct klpsv_index *index);

/* takeover.c: one family's take, finish, revert */
int __klpsv_take_all(struct klpsv_registry *reg, struct klpsv_patch *kp);
void __klpsv_finish(struct klpsv_registry *reg, struct klpsv_patch *kp,
		    struct klpsv_family *f, bool forced);
void __klpsv_revert(struct klpsv_registry *reg, struct klpsv_family *f,
		    bool forced);

/* patch.c: the livepatch entry points */
struct klpsv_patch *klpsv_this_patch(void);

/* debugfs.c */
void klpsv_debugfs_init(struct klpsv_patch *kp);
void klpsv_debugfs_exit(void);

/*
 * The userspace test harness (tests/unit, tests/fuzz) builds the library
 * with KLPSV_HARNESS and provides these.
 */
#ifdef KLPSV_HARNESS
void klpsv_harness_census(unsigned long id, struct klpsv_hdr *hdr, int delta);
void klpsv_harness_claimed(unsigned long id, struct klpsv_hdr *hdr);
unsigned int klpsv_harness_index_format(void);
#endif

/* fault.c: failure injection, compiled in for this tree's test builds */
struct dentry;
#ifdef KLPSV_FAULT_INJECTION
static inline bool klpsv_fault_enabled(void) { return true; }
bool klpsv_fault_alloc(void);
bool klpsv_fault_step(void);
unsigned int klpsv_fault_format(void);
void klpsv_fault_debugfs(struct dentry *dir);
#else
static inline bool klpsv_fault_enabled(void) { return false; }
static inline bool klpsv_fault_alloc(void) { return false; }
static inline bool klpsv_fault_step(void) { return false; }
static inline unsigned int klpsv_fault_format(void)
{
#ifdef KLPSV_HARNESS
	return klpsv_harness_index_format();
#else
	return 0;
#endif
}
static inline void klpsv_fault_debugfs(struct dentry *dir) { }
#endif

/* census.c: klpsv-owned instances, counted apart from the index (tests) */
#if defined(KLPSV_CENSUS)
void klpsv_census_add(unsigned long id, struct klpsv_hdr *hdr, int delta);
int klpsv_census_init(void);
void klpsv_census_debugfs(struct dentry *dir);
#else
static inline void klpsv_census_add(unsigned long id, struct klpsv_hdr *hdr,
				    int delta)
{
#ifdef KLPSV_HARNESS
	klpsv_harness_census(id, hdr, delta);
#endif
}
static inline int klpsv_census_init(void) { return 0; }
static inline void klpsv_census_debugfs(struct dentry *dir) { }
#endif

#endif /* _KLPSV_INTERNAL_H */
