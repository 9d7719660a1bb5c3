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

#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
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
 * @instances: struct klpsv_hdr of epoch @epoch
 * @next: struct klpsv_hdr of epoch @next_epoch when it differs (twins)
 * @lock: protects the lists, the counters and every step run; IRQ-safe,
 *	because patched code may run in any context
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
	struct list_head instances;
	struct list_head next;
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

static inline size_t klpsv_instance_bytes(u32 alloc_size)
{
	return sizeof(struct klpsv_hdr) + alloc_size;
}

#define KLPSV_HDR_PENDING	0x0001	/* twin shell: its step has not run */

/* Objects a walk handles between two cond_resched() calls. */
#define KLPSV_BATCH		256

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
void klpsv_link(struct klpsv_index *index, struct klpsv_hdr *hdr, u32 epoch);
void klpsv_unlink(struct klpsv_index *index, struct klpsv_hdr *hdr, u32 epoch);
int klpsv_twin_sync(struct klpsv_family *family, struct klpsv_index *index,
		    void *obj, void **data, struct klpsv_hdr **stale);
void klpsv_drop(const struct klpsv_family *family, struct klpsv_hdr *hdr,
		u32 epoch);
int klpsv_walk_some(struct klpsv_family *family, struct klpsv_index *index,
		    struct list_head *list, klpsv_walk_fn fn, void *arg,
		    bool (*want)(const struct klpsv_hdr *hdr));

/* Call @fn for every instance in @list (see klpsv_walk_some()). */
static inline int klpsv_walk(struct klpsv_family *family,
			     struct klpsv_index *index, struct list_head *list,
			     klpsv_walk_fn fn, void *arg)
{
	return klpsv_walk_some(family, index, list, fn, arg, NULL);
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
