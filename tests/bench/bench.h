/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpsv benchmarks: what the benchmark modules (objs.c, v1.c, v2.c, with
 * kbench.h) and the userspace twin (twin/) share.
 *
 *   klpsv_bench_objs   the objects shadow data is attached to, the same
 *                      addresses for every patch
 *   klpsv_bench_v1     livepatch, family "bench" v1; the lookup and
 *                      allocation loops, raw klp_shadow_* and klpsv side by
 *                      side, and the raw takeover loop
 *   klpsv_bench_v2     livepatch, family "bench" v2 (a breaking change),
 *                      whose callbacks time klpsv's takeover of v1
 *
 * Only klpsv's public API is used (KLPSV_FAMILY() accessors,
 * klpsv_enable_patch(), the callbacks, a step's up and release), so the
 * benchmark measures whatever lib/ does.  Raw and klpsv loops come from
 * the same macro below, so they differ only in the operation they time.
 * Documentation/performance.rst describes every figure.
 */
#ifndef _KLPSV_BENCH_H
#define _KLPSV_BENCH_H

#include <klpsv.h>

/* Namespace of the benchmark's klpsv ids. */
#define BENCH_NS		0xbe7c
#define BENCH_ID		KLPSV_ID(BENCH_NS, 1)

/*
 * Ids of the raw klp_shadow variables the raw loops use: plain numbers, as
 * hand-written patches use, far from klpsv's ids.
 */
#define BENCH_RAW_V1		0x62310001UL
#define BENCH_RAW_V2		0x62320001UL

/*
 * What a raw shadow variable costs, for bytes_per_instance: upstream's
 * struct klp_shadow (kernel/livepatch/shadow.c keeps it private, the same
 * in 6.1 .. 6.19), which klp_shadow_alloc() allocates with the data
 * behind it in one kzalloc(), and its table of 1 << BENCH_RAW_HASH_BITS
 * buckets, a static array every shadow variable on the system shares.
 * The kernel's layout spelled out, so the twin, whose struct rcu_head is
 * liburcu's, counts what the kernel allocates (v1.c checks the size).
 */
struct bench_klp_shadow {
	struct hlist_node node;
	struct {			/* struct rcu_head */
		void *next;
		void (*func)(void *head);
	} rcu_head;
	void *obj;
	unsigned long id;
	char data[];
};

#define BENCH_RAW_HASH_BITS	12
#define BENCH_RAW_TABLE_BYTES	((1UL << BENCH_RAW_HASH_BITS) *		\
				 sizeof(struct hlist_head))

/*
 * One raw variable of @size bytes of data, as the allocator rounds it
 * (the includer provides kmalloc_size_roundup(): the kernel's, or the
 * shim's copy of its size classes).
 */
#define BENCH_RAW_BYTES(size)						\
	kmalloc_size_roundup(sizeof(struct bench_klp_shadow) + (size))

/* An object shadow data is attached to: 64 bytes, like a small struct. */
struct bench_obj {
	unsigned long words[8];
};

/* Version 1 of the shadow struct: 32 bytes. */
struct bench_v1 {
	u64 key;
	u32 hits;
	u32 flags;
	u64 stamp;
	u64 cookie;
};

#define BENCH_V1_LAYOUT KLPSV_LAYOUT(struct bench_v1,			\
	KLPSV_FIELD(struct bench_v1, key),				\
	KLPSV_FIELD(struct bench_v1, hits),				\
	KLPSV_FIELD(struct bench_v1, flags),				\
	KLPSV_FIELD(struct bench_v1, stamp),				\
	KLPSV_FIELD(struct bench_v1, cookie))

/*
 * Version 2: hits widened to 64 bits and moved first, a new member: a
 * breaking change (new layout epoch, a twin per instance).  40 bytes.
 */
struct bench_v2 {
	u64 hits;
	u64 key;
	u64 stamp;
	u64 cookie;
	u32 flags;
	u32 origin;
};

#define BENCH_V2_LAYOUT KLPSV_LAYOUT(struct bench_v2,			\
	KLPSV_FIELD(struct bench_v2, hits),				\
	KLPSV_FIELD(struct bench_v2, key),				\
	KLPSV_FIELD(struct bench_v2, stamp),				\
	KLPSV_FIELD(struct bench_v2, cookie),				\
	KLPSV_FIELD(struct bench_v2, flags),				\
	KLPSV_FIELD(struct bench_v2, origin))

/* The conversion both takeovers run: klpsv's step and the raw loop. */
static inline void bench_v1_to_v2(const struct bench_v1 *from,
				  struct bench_v2 *to)
{
	to->hits = from->hits;
	to->key = from->key;
	to->stamp = from->stamp;
	to->cookie = from->cookie;
	to->flags = from->flags;
	to->origin = 1;
}

/* What a new instance holds, so a lookup reads something real. */
static inline void bench_v1_init(struct bench_v1 *d, unsigned long i)
{
	d->key = i;
	d->hits = 1;
	d->flags = 0;
	d->stamp = i * 3;
	d->cookie = ~(u64)i;
}

/* xorshift64*: a fixed seed gives every run the same lookup order. */
#define BENCH_SEED		0x9e3779b97f4a7c15ULL

static inline u64 bench_rand(u64 *s)
{
	u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n) without a division. */
static inline u32 bench_pick(u64 *s, u32 n)
{
	return (u32)(((bench_rand(s) >> 32) * (u64)n) >> 32);
}

/*
 * The timed lookup loop, over @seq[@from .. @to): object indices in random
 * order.  @op is an expression of @o (the object) yielding the data or
 * NULL; @use ends an access to @d.  What a caller of a lookup does, the
 * loop does: it reads a member of the data.  The including file defines
 * bench_resched().  A macro, so each side inlines its own operation: no
 * indirect call in the loop, the same code around it.
 */
#define BENCH_LOOKUP_LOOP(seq, from, to, objs, sink, op, use)		\
	do {								\
		unsigned int __i;					\
									\
		for (__i = (from); __i < (to); __i++) {			\
			void *o = &(objs)[(seq)[__i]];			\
			void *d = (op);					\
									\
			if (likely(d)) {				\
				(sink) += READ_ONCE(((struct bench_v1 *)d)->key); \
				use;					\
			}						\
			if (!(__i & 1023))				\
				bench_resched();			\
		}							\
	} while (0)

/*
 * A timed pass is cut into at most BENCH_BLOCKS blocks of consecutive
 * operations, each timed on its own.  A measurement runs several passes
 * over the same sequence and adds up, block by block, the fastest time
 * seen: noise (the host taking the CPU away from the VM, an interrupt)
 * only ever adds time, and is rarely in the same block in every pass.
 */
#define BENCH_BLOCKS		1024

/*
 * Per-instance windows of a takeover: the time between two consecutive
 * marks, one mark per instance (from the step or the release function on
 * klpsv's side, from the loop on the raw side).  Every lock hold and
 * IRQs-off stretch the takeover spends on one instance lies inside that
 * instance's window, give or take a few list operations
 * (Documentation/performance.rst), as long as a hold covers one instance
 * (as in lib/ today), so a window bounds the holds in it.  A window in which the CPU also ran something else (an
 * interrupt, a softirq, another task) is *dirty*: counted, but kept out of
 * the statistics, which would otherwise measure the interruption.  1 us
 * buckets up to BENCH_HIST_US, then one overflow bucket; maxima exact.
 */
#define BENCH_HIST_US		4096

struct bench_windows {
	u64 last;		/* time of the last mark, ns */
	unsigned long sig;	/* interruption signature at the last mark */
	u64 n;			/* windows */
	u64 dirty;		/* of which interrupted */
	u64 sum;		/* clean windows: total, ns */
	u64 sum_all;		/* every window: total, ns */
	u64 max;		/* clean windows: longest, ns */
	u64 max_all;		/* every window: longest, ns */
	u32 hist[BENCH_HIST_US + 1];	/* clean windows */
};

#endif /* _KLPSV_BENCH_H */
