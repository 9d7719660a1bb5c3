/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpsv internals: the shared format and the functions the library's
 * files call each other through.
 *
 * The registry and the family indexes are shared by every klpsv-using
 * livepatch on the system, possibly built with different klpsv releases:
 * their layout is an ABI (Documentation/format.rst).  Each starts with a
 * prefix of plain fixed-width data that reads the same on every kernel
 * configuration, followed by kernel objects (lists, locks).  No pointer
 * into a module's text or data is ever stored in them.
 */
#ifndef _KLPSV_INTERNAL_H
#define _KLPSV_INTERNAL_H

#include <linux/hash.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <klpsv.h>

#define KLPSV_FORMAT		1	/* shared format this code writes */

#define KLPSV_REGISTRY_MAGIC	0x4b4c5352	/* "KLSR" */
#define KLPSV_INDEX_MAGIC	0x4b4c5349	/* "KLSI" */

/* The registry is shadow data on this key, which every module can see. */
#define KLPSV_REGISTRY_OBJ	klpsv_compat_registry_key()
#define KLPSV_REGISTRY_ID	KLPSV_ID(0, 0)

#define KLPSV_NAME_LEN		32
#define KLPSV_OWNER_LEN		56
#define KLPSV_REFUSAL_LEN	160

/* struct klpsv_index.state */
enum klpsv_index_state {
	KLPSV_INDEX_LIVE = 1,		/* one epoch, one version */
	KLPSV_INDEX_TRANSITION = 2,	/* next_* describe the incoming version */
	KLPSV_INDEX_RETIRED = 3,	/* dropped by a tombstone; no instances */
	/* after a forced transition: old and new kept in sync, as in 2 */
	KLPSV_INDEX_FORCED = 4,
	/* kept, empty, after a disable: old code may still reach it */
	KLPSV_INDEX_UNUSED = 5,
};

/* struct klpsv_registry.flags */
/* A transition was forced: indexes are never freed again. */
#define KLPSV_REG_FORCED	0x0001


/**
 * struct klpsv_buckets - the buckets of a table
 * @rcu: frees an array a resize emptied, after lockless readers left it
 * @shift: log2 of the number of buckets
 * @head: the chains, through struct klpsv_hdr.chain
 */
struct klpsv_buckets {
	struct rcu_head rcu;
	u32 shift;
	struct klpsv_hdr __rcu *head[];
};

/*
 * The smallest table: 1024 buckets (8 KB), so that a family of a few
 * hundred instances has chains of one.
 */
#define KLPSV_TABLE_MIN_SHIFT	10

/**
 * struct klpsv_table - the instances of one epoch, by object (table.c)
 * @buckets: where instances are added
 * @old: the array @buckets replaces, while its buckets move
 * @moved: buckets of @old moved so far
 * @walkers: walks in progress, during which the table keeps its size
 * @nr: instances in the table
 */
struct klpsv_table {
	struct klpsv_buckets __rcu *buckets;
	struct klpsv_buckets __rcu *old;
	u32 moved;
	u32 walkers;
	u64 nr;
};

static inline struct klpsv_hdr __rcu **klpsv_bucket_of(struct klpsv_buckets *b,
						       const void *obj)
{
	return &b->head[hash_ptr(obj, b->shift)];
}

static inline struct klpsv_hdr *klpsv_chain_find(struct klpsv_buckets *b,
						 const void *obj)
{
	struct klpsv_hdr *hdr;

	for (hdr = rcu_dereference_raw(*klpsv_bucket_of(b, obj)); hdr;
	     hdr = rcu_dereference_raw(hdr->chain)) {
		if (hdr->obj == obj)
			return hdr;
	}
	return NULL;
}

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

/**
 * struct klpsv_index - one family's live data, shared by every patch
 * @magic: KLPSV_INDEX_MAGIC
 * @format: KLPSV_FORMAT of the code that created it
 * @state: enum klpsv_index_state
 * @id: family id (epoch bits clear)
 * @name: family name, copied from the creating patch
 * @owner: name of the patch module that last took the family over
 * @version: live version
 * @layout: live layout fingerprint
 * @epoch: live layout epoch (low bits of the shadow id)
 * @size: live struct size
 * @alloc_size: bytes of data allocated per instance in @epoch
 * @next_version: incoming version (state TRANSITION)
 * @next_layout: incoming fingerprint
 * @next_epoch: incoming epoch; equal to @epoch for an additive change
 * @next_size: incoming struct size
 * @next_alloc_size: incoming allocation size
 * @prev_version: version before the running transition, for a revert
 * @gen_seed: first generation of the next new instance, so an instance
 *	allocated again at a recycled object address never looks unchanged
 * @count: instances in @instances
 * @bytes: bytes they use, headers included
 * @next_count: instances in @next (breaking transition only)
 * @migrations: instances migrated so far, over the family's life
 * @lost: instances freed because a step failed after a transition
 * @refusal: the last refusal concerning this family
 * @node: entry in the registry's list
 * @instances: the instances of epoch @epoch
 * @next: the instances of epoch @next_epoch when it differs (twins)
 * @seq: sequence count, odd while instances move between buckets or
 *	tables: a lockless lookup that missed meanwhile looks again
 * @lock: protects the tables, the counters and every step run;
 *	IRQ-safe, because patched code may run in any context
 * @lock_key: lockdep class of @lock, in shared memory (see
 *	klpsv_index_create())
 */
struct klpsv_index {
	u32 magic;
	u16 format;
	u16 state;
	u64 id;
	char name[KLPSV_NAME_LEN];
	char owner[KLPSV_OWNER_LEN];
	u32 version;
	u32 layout;
	u32 epoch;
	u32 size;
	u32 alloc_size;
	u32 next_version;
	u32 next_layout;
	u32 next_epoch;
	u32 next_size;
	u32 next_alloc_size;
	u32 prev_version;
	u32 gen_seed;
	u64 count;
	u64 bytes;
	u64 next_count;
	u64 migrations;
	u64 lost;
	char refusal[KLPSV_REFUSAL_LEN];
	/* end of the fixed prefix; kernel objects follow */
	struct list_head node;
	struct klpsv_table instances;
	struct klpsv_table next;
	u32 seq;
	spinlock_t lock;
	struct lock_class_key lock_key;
};

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
 * (its class key would live in the module that made the index) and
 * without spinning: a reader that sees it odd takes the lock instead,
 * which on PREEMPT_RT waits for a preempted writer.
 */
static inline void klpsv_seq_write_begin(struct klpsv_index *index)
	__must_hold(&index->lock)
{
	WRITE_ONCE(index->seq, index->seq + 1);
	smp_wmb();	/* the count, then the changes */
}

static inline void klpsv_seq_write_end(struct klpsv_index *index)
	__must_hold(&index->lock)
{
	smp_wmb();	/* the changes, then the count */
	WRITE_ONCE(index->seq, index->seq + 1);
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

/**
 * struct klpsv_registry - every klpsv family on the system
 * @magic: KLPSV_REGISTRY_MAGIC
 * @format: KLPSV_FORMAT of the code that created it
 * @flags: KLPSV_REG_* bits
 * @refusal: the last refusal of any klpsv patch
 * @families: struct klpsv_index, by node
 * @lock: serializes takeovers against the checks of patches being loaded
 *	and against debugfs readers
 * @lock_key: lockdep class of @lock, in shared memory
 * @lock_name: lockdep name of @lock, in shared memory
 *
 * Created by the first klpsv patch loaded, as shadow data on
 * KLPSV_REGISTRY_OBJ; it stays for the kernel's lifetime (a few hundred
 * bytes) so that no patch can free it under another one's feet.
 */
struct klpsv_registry {
	u32 magic;
	u16 format;
	u16 flags;
	char refusal[KLPSV_REFUSAL_LEN];
	/* end of the fixed prefix */
	struct list_head families;
	struct mutex lock;
	struct lock_class_key lock_key;
	char lock_name[16];
};

/* layout.c */
u32 klpsv_layout_fingerprint(const struct klpsv_layout *layout);
bool klpsv_layout_is_prefix(const struct klpsv_layout *old,
			    const struct klpsv_layout *new);

/* registry.c */
struct klpsv_registry *klpsv_registry_get(void);
struct klpsv_index *klpsv_index_find(struct klpsv_registry *reg,
				     unsigned long id);
struct klpsv_index *klpsv_index_create(struct klpsv_registry *reg,
				       struct klpsv_family *family,
				       const char *owner);
void klpsv_index_destroy(struct klpsv_index *index);
int klpsv_format_check(const char *patch, u32 magic, u32 want_magic,
		       unsigned int format, const char *what);
int klpsv_refuse(struct klpsv_registry *reg, struct klpsv_index *index,
		 const char *fmt, ...) __printf(3, 4);

/* instance.c */
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

#define KLPSV_HDR_PENDING	0x0001	/* twin shell: its step has not run */
#define KLPSV_HDR_LINKED	0x0002	/* in its index's table */

/* In its index's table (not a pending twin, not being freed). */
static inline bool klpsv_hdr_is_linked(const struct klpsv_hdr *hdr)
{
	return hdr && (READ_ONCE(hdr->flags) & KLPSV_HDR_LINKED);
}

static inline size_t klpsv_instance_bytes(u32 alloc_size)
{
	return sizeof(struct klpsv_hdr) + alloc_size;
}


/*
 * Objects a walk copies out per hold of the index lock (on its stack),
 * and buckets it moves per hold while finishing a resize; cond_resched()
 * runs between two batches.
 */
#define KLPSV_BATCH		32

typedef int (*klpsv_walk_fn)(struct klpsv_family *family,
			     struct klpsv_index *index, void *obj, void *arg);

const struct klpsv_step *klpsv_find_step(const struct klpsv_family *family,
					 unsigned int from);
struct klpsv_hdr *klpsv_shadow_new(void *obj, unsigned long id,
				   u32 alloc_size, unsigned int version,
				   unsigned int flags, gfp_t gfp, bool *created);
int klpsv_run_step(klpsv_step_fn fn, void *obj, const void *from, void *to);
int klpsv_in_place_step(struct klpsv_index *index,
			const struct klpsv_step *step, struct klpsv_hdr *hdr);
struct klpsv_hdr *klpsv_find(struct klpsv_index *index, void *obj, u32 epoch);
struct klpsv_hdr *klpsv_lookup(struct klpsv_index *index, void *obj,
			       u32 epoch);
bool klpsv_link(struct klpsv_index *index, struct klpsv_hdr *hdr, u32 epoch);
void klpsv_unlink(struct klpsv_index *index, struct klpsv_hdr *hdr, u32 epoch);
void klpsv_unlink_from(struct klpsv_index *index, struct klpsv_table *t,
		       struct klpsv_hdr *hdr);
int klpsv_twin_sync(struct klpsv_family *family, struct klpsv_index *index,
		    void *obj, void **data, struct klpsv_hdr **stale);
void klpsv_drop(const struct klpsv_family *family, struct klpsv_hdr *hdr,
		u32 epoch);

/* table.c */
int klpsv_table_init(struct klpsv_table *t);
void klpsv_table_destroy(struct klpsv_table *t);
void klpsv_table_insert(struct klpsv_index *index, struct klpsv_table *t,
			struct klpsv_hdr *hdr);
void klpsv_table_remove(struct klpsv_index *index, struct klpsv_table *t,
			struct klpsv_hdr *hdr);
void klpsv_table_fit(struct klpsv_index *index, struct klpsv_table *t,
		     gfp_t gfp);
void klpsv_table_reset(struct klpsv_index *index, struct klpsv_table *t);
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

/* takeover.c */
struct klpsv_patch *klpsv_this_patch(void);

/* debugfs.c */
void klpsv_debugfs_init(struct klpsv_patch *kp);
void klpsv_debugfs_exit(void);

/* fault.c: failure injection, compiled in for this tree's test builds */
struct dentry;
#ifdef KLPSV_FAULT_INJECTION
static inline bool klpsv_fault_enabled(void) { return true; }
bool klpsv_fault_alloc(void);
bool klpsv_fault_step(void);
void klpsv_fault_debugfs(struct dentry *dir);
#else
static inline bool klpsv_fault_enabled(void) { return false; }
static inline bool klpsv_fault_alloc(void) { return false; }
static inline bool klpsv_fault_step(void) { return false; }
static inline void klpsv_fault_debugfs(struct dentry *dir) { }
#endif

#endif /* _KLPSV_INTERNAL_H */
