/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every version of the stress test's shadow struct, as the patches of a
 * cumulative series keep them (see stress.h for the history).
 */
#ifndef _KLPSV_STRESS_SCHEMAS_H
#define _KLPSV_STRESS_SCHEMAS_H

#include <linux/slab.h>

#include <klpsv.h>

#include "stress.h"

#define COUNTER_ID	KLPSV_ID(STRESS_NS, STRESS_LOCAL)

/* Tail room so the counter can grow in place once (v1 -> v2, 8 -> 24). */
#define COUNTER_RESERVE	16

/**
 * struct stress_buf - a buffer an instance owns (v2 and v3)
 * @magic: STRESS_BUF_MAGIC while allocated, STRESS_BUF_FREED once freed
 *	(and SLUB's poison after that, with slub_debug=P)
 * @oid: the owner's oid
 * @count: a copy of the owner's counter, as code that knows the buffer
 *	last wrote it (v1 code, during the additive transition, does not)
 * @owner: the instance that owns it: a buffer two instances share (a
 *	step that copied the pointer, not the buffer) shows here
 *
 * Patched code replaces it every STRESS_BUF_REPLACE counts (kmalloc a new
 * one, copy, kfree the old one) under the object's lock; steps deep-copy
 * it (up, down) or free it (release, the dtor, the additive down).
 */
struct stress_buf {
	u32 magic;
	u32 oid;
	u64 count;
	const void *owner;
};

#define STRESS_BUF_MAGIC	0x53425546u	/* "SBUF" */
#define STRESS_BUF_FREED	0x46524545u	/* "FREE" */
#define STRESS_BUF_REPLACE	64

/*
 * Every allocation is GFP_ATOMIC: patched code holds the object's
 * spinlock, and steps run under klpsv's index spinlock with IRQs off.
 */
static inline struct stress_buf *stress_buf_new(const void *owner, u32 oid,
						u64 count)
{
	struct stress_buf *b = kmalloc(sizeof(*b), GFP_ATOMIC);

	if (!b)
		return NULL;
	b->magic = STRESS_BUF_MAGIC;
	b->oid = oid;
	b->count = count;
	b->owner = owner;
	atomic64_inc(&stress_ctl.bufs_alloc);
	return b;
}

static inline void stress_buf_free(struct stress_buf *b)
{
	if (!b)
		return;
	b->magic = STRESS_BUF_FREED;
	kfree(b);
	atomic64_inc(&stress_ctl.bufs_freed);
}

/* A buffer seen in a bad state: counted, and the test fails. */
static inline void stress_buf_bad(void)
{
	atomic64_inc(&stress_ctl.bufs_bad);
	atomic64_inc(&stress_ctl.corrupt);
}

/*
 * Is @b a live buffer of @owner's, for @oid?  Counts it bad if not.  A
 * bad buffer is neither written nor freed (it may be freed memory).
 */
static inline bool stress_buf_check(const struct stress_buf *b,
				    const void *owner, u32 oid)
{
	if (b && READ_ONCE(b->magic) == STRESS_BUF_MAGIC &&
	    b->owner == owner && b->oid == oid)
		return true;
	stress_buf_bad();
	return false;
}

/* Free a buffer that @owner owns, unless it is not its own. */
static inline void stress_buf_release(struct stress_buf **bp,
				      const void *owner, u32 oid)
{
	if (*bp && stress_buf_check(*bp, owner, oid))
		stress_buf_free(*bp);
	*bp = NULL;
}

/*
 * Deep-copy @src into @owner's buffer *@dst, allocating it if @owner has
 * none yet (a zeroed twin or shell); never shares @src.  @count is what
 * the copy must say: the owner's counter, which a step derives from the
 * source's.  With @src_owner set, a @src that is missing or not
 * @src_owner's own is counted bad, and only @oid and @count are taken.
 *
 * Return: 0, or -ENOMEM (nothing changed then).
 */
static inline int stress_buf_copy(struct stress_buf **dst, const void *owner,
				  const struct stress_buf *src,
				  const void *src_owner, u32 oid, u64 count)
{
	struct stress_buf *b = *dst;

	if (src_owner && !stress_buf_check(src, src_owner, oid))
		src = NULL;
	if (!b) {
		b = stress_buf_new(owner, oid, count);
		if (!b)
			return -ENOMEM;
		*dst = b;
	} else if (!stress_buf_check(b, owner, oid)) {
		return 0;
	}
	if (src)
		*b = *src;
	b->magic = STRESS_BUF_MAGIC;
	b->owner = owner;
	b->oid = oid;
	b->count = count;
	return 0;
}

struct counter_v1 {
	u32 count;
	u32 oid;
};

#define COUNTER_V1_LAYOUT KLPSV_LAYOUT(struct counter_v1,		\
	KLPSV_FIELD(struct counter_v1, count),				\
	KLPSV_FIELD(struct counter_v1, oid))

/*
 * v2: additive, a stamp of the last update and an owned buffer (both new
 * members, beyond v1's bytes: the in-place up allocates the buffer, the
 * in-place down of a reverted transition frees it).
 */
struct counter_v2 {
	u32 count;
	u32 oid;
	u32 stamp;
	struct stress_buf *buf;
};

#define COUNTER_V2_LAYOUT KLPSV_LAYOUT(struct counter_v2,		\
	KLPSV_FIELD(struct counter_v2, count),				\
	KLPSV_FIELD(struct counter_v2, oid),				\
	KLPSV_FIELD(struct counter_v2, stamp),				\
	KLPSV_FIELD(struct counter_v2, buf))

/*
 * v3: breaking, the count becomes 64-bit and moves; the twin owns its own
 * buffer (up and down deep-copy it).
 */
struct counter_v3 {
	u32 oid;
	u32 stamp;
	u64 count;
	struct stress_buf *buf;
};

#define COUNTER_V3_LAYOUT KLPSV_LAYOUT(struct counter_v3,		\
	KLPSV_FIELD(struct counter_v3, oid),				\
	KLPSV_FIELD(struct counter_v3, stamp),				\
	KLPSV_FIELD(struct counter_v3, count),				\
	KLPSV_FIELD(struct counter_v3, buf))

/*
 * The raw shadow data of the adoption test (33-adopt.sh): what a
 * hand-written livepatch (p0.c) keeps with klp_shadow_*() under a
 * SUSE-style id (STRESS_RAW_ID, stress.h), before any klpsv patch.  It owns a buffer like v2 and
 * v3 do (released by its klp_shadow destructor); a1.c adopts it into the
 * counter family at v2.
 */
struct stress_raw {
	u32 oid;
	u32 flags;
	u64 hits;
	struct stress_buf *buf;
};

#define STRESS_RAW_LAYOUT KLPSV_LAYOUT(struct stress_raw,		\
	KLPSV_FIELD(struct stress_raw, oid),				\
	KLPSV_FIELD(struct stress_raw, flags),				\
	KLPSV_FIELD(struct stress_raw, hits),				\
	KLPSV_FIELD(struct stress_raw, buf))

static inline u32 stress_oid(const void *obj)
{
	return ((const struct stress_obj *)obj)->id + 1;
}

#endif /* _KLPSV_STRESS_SCHEMAS_H */
