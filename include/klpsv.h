/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpsv: versioned shadow-variable schemas for cumulative livepatches.
 *
 * A livepatch declares each kind of shadow data it uses as a *family*: an
 * id, a version, a layout, and the steps that take over the versions older
 * patches left behind.  The library, compiled into every livepatch module
 * (see klpsv.kbuild), hands the data of every family from the live patch
 * to its cumulative successor in the livepatch callbacks: all or nothing,
 * refusing before harm what it cannot take over.
 *
 * See Documentation/api.rst for a walk-through and Documentation/design.rst
 * for why each guarantee holds.
 */
#ifndef _KLPSV_H
#define _KLPSV_H

#include <asm/barrier.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/stddef.h>
#include <linux/types.h>

/*
 * Shadow and state ids live in one global space shared by every livepatch
 * on the system.  klpsv ids carry a marker in the top bits so they cannot
 * meet the small numbers hand-written patches use, a namespace (a vendor
 * or bug number), a local number, and four low bits the library keeps for
 * the layout epoch of a family.  Namespace 0 is klpsv's own.
 */
#define KLPSV_ID_MAGIC		0x6b7376UL	/* "ksv" */
#define KLPSV_ID_MAGIC_SHIFT	40
#define KLPSV_ID_NS_BITS	24
#define KLPSV_ID_NS_SHIFT	16
#define KLPSV_ID_LOCAL_BITS	12
#define KLPSV_ID_LOCAL_SHIFT	4
#define KLPSV_ID_EPOCH_MASK	0xfUL

/**
 * KLPSV_ID() - build a namespaced klpsv id at compile time
 * @ns: namespace, 1 .. 2^24 - 1 (for example a bug or vendor number);
 *	0 is reserved for klpsv itself
 * @n: local number inside @ns, 0 .. 4095
 *
 * Out-of-range arguments break the build.  Usable in static initializers.
 *
 * Return: the id, with the epoch bits clear.
 */
#define KLPSV_ID(ns, n)							\
	(BUILD_BUG_ON_ZERO((unsigned long)(ns) >> KLPSV_ID_NS_BITS ||	\
			   (unsigned long)(n) >> KLPSV_ID_LOCAL_BITS) +	\
	 ((KLPSV_ID_MAGIC << KLPSV_ID_MAGIC_SHIFT) |			\
	  ((unsigned long)(ns) << KLPSV_ID_NS_SHIFT) |			\
	  ((unsigned long)(n) << KLPSV_ID_LOCAL_SHIFT)))

/**
 * typedef klpsv_version_t - a family version, not to be mixed with integers
 *
 * Written KLPSV_V(n); sparse refuses a plain integer where a version is
 * expected, so a version cannot be confused with an id, an epoch or a
 * count.
 */
typedef unsigned int __bitwise klpsv_version_t;

/**
 * KLPSV_V() - a family version
 * @n: the version number, 1 .. KLPSV_VERSION_MAX
 */
#define KLPSV_V(n)	((__force klpsv_version_t)(n))

/**
 * klpsv_vnum() - the number of a version
 * @v: the version
 *
 * Return: @v as a plain integer.
 */
static inline unsigned int klpsv_vnum(klpsv_version_t v)
{
	return (__force unsigned int)v;
}

/**
 * struct klpsv_field - one member of a shadow struct, for its fingerprint
 * @name: member name
 * @offset: offsetof() the member
 * @size: sizeof() the member
 */
struct klpsv_field {
	const char *name;
	u32 offset;
	u32 size;
};

/**
 * KLPSV_FIELD() - describe a member of a shadow struct
 * @type: the struct type, for example ``struct conn_v2``
 * @member: the member name
 */
#define KLPSV_FIELD(type, member)					\
	{ #member, offsetof(type, member), sizeof_field(type, member) }

/**
 * struct klpsv_layout - the layout of one version of a shadow struct
 * @size: sizeof() the struct
 * @nr_fields: number of entries in @fields
 * @fields: every member, in order
 *
 * Two versions with the same members at the same offsets have the same
 * fingerprint.  When every member of an older layout is still at its
 * place in a newer one, the change is *additive*: instances migrate in
 * place, with no copy, and old code keeps working on them meanwhile.
 */
struct klpsv_layout {
	u32 size;
	u32 nr_fields;
	const struct klpsv_field *fields;
};

/**
 * KLPSV_LAYOUT() - describe the layout of a shadow struct
 * @type: the struct type
 * @...: one KLPSV_FIELD() per member, in order
 */
#define KLPSV_LAYOUT(type, ...)						\
	{								\
		.size = sizeof(type),					\
		.nr_fields = ARRAY_SIZE(((const struct klpsv_field[])	\
					{ __VA_ARGS__ })),		\
		.fields = (const struct klpsv_field[]){ __VA_ARGS__ },	\
	}

/**
 * typedef klpsv_ctor_t - initialize a new instance
 * @obj: the object the shadow data is attached to
 * @data: the new instance, zeroed
 * @arg: what the caller passed to the get-or-alloc accessor
 *
 * Runs in the caller's context, outside any klpsv or klp_shadow lock: it
 * may sleep exactly when the caller's gfp flags allow blocking.
 *
 * Return: 0, or a negative errno to abandon the allocation.
 */
typedef int (*klpsv_ctor_t)(void *obj, void *data, void *arg);

/**
 * typedef klpsv_dtor_t - release what an instance owns before it is freed
 * @obj: the object the shadow data is attached to
 * @data: the instance
 *
 * Runs outside any klpsv or klp_shadow lock.  From klpsv_free() it runs in
 * the caller's context; from the callbacks it runs in process context.
 */
typedef void (*klpsv_dtor_t)(void *obj, void *data);

/**
 * typedef klpsv_step_fn - convert an instance between two versions
 * @obj: the object the shadow data is attached to
 * @from: the instance in the source version
 * @to: the instance in the target version
 *
 * For an additive change @from and @to are the same memory: write only
 * the new members.  Otherwise @to is zeroed on the first conversion; a
 * step may be run again on the same @to to bring it up to date with
 * @from, so it sets every member it derives from @from and keeps the
 * others.
 *
 * Context: IRQs off, under the family's spinlock: that is what makes each
 * migration happen exactly once.  Must not sleep; allocate, if at all,
 * with GFP_ATOMIC.
 * A step runs only where no other context uses the instance: in new
 * code's accessor (which the caller serializes with old code's) or after
 * the transition, never in pre_patch (Documentation/design.rst, "The
 * invariant").
 *
 * A step that fails must leave nothing allocated: klpsv frees a target
 * it made for the step (a twin, a shell) without a destructor, and zeroes
 * again the tail room an in-place step wrote.
 *
 * Return: 0, or a negative errno.  During the transition the accessor
 * then returns NULL and the instance stays as it was; after it, the
 * instance is freed and counted as lost.  A step never refuses a patch.
 */
typedef int (*klpsv_step_fn)(void *obj, const void *from, void *to);

/**
 * struct klpsv_step - how a family takes over an older version
 * @from: the older version taken over, KLPSV_V(n)
 * @layout: that version's layout; must match the live data exactly
 * @up: converts a @from instance into the family's version
 * @down: optional; converts back, used when the transition to the new
 *	patch is reverted for objects that only the new code had seen, and
 *	to write new code's changes through to the older instance.  For an
 *	additive change it runs in place when the transition is reverted:
 *	it releases what @up or the constructor put in the new members and
 *	must touch nothing else (old code keeps using the older members)
 * @release: optional; releases what a @from instance owns when it is
 *	freed by this patch's code or callbacks: after the transition (it
 *	was migrated, or its step failed), or when new code frees the
 *	object during the transition
 */
struct klpsv_step {
	klpsv_version_t from;
	struct klpsv_layout layout;
	klpsv_step_fn up;
	klpsv_step_fn down;
	klpsv_dtor_t release;
};

/**
 * struct klpsv_raw - raw klp_shadow variables a family adopts
 * @id: the shadow id that older, hand-written patches use with
 *	klp_shadow_*() (0, 1, SUSE's KLP_SHADOW_ID(bsc, n), ...); never a
 *	KLPSV_ID()
 * @size: the bytes those patches allocate for it (the kernel keeps no
 *	size): at least @layout.size
 * @layout: the raw data's layout, KLPSV_LAYOUT() of a struct that
 *	describes it
 * @up: converts a raw variable into the family's version (@from is the
 *	raw data); run again on the same instance at every access of new
 *	code while the transition lasts, so it sets every member it derives
 *	from the raw data and keeps the others
 * @down: optional; converts back: at klpsv_put() during the transition
 *	it writes new code's changes through to the raw variable, and an
 *	object new code creates then gets a raw variable that old code sees
 * @release: optional; releases what a raw variable owns when klpsv frees
 *	it: after its data was imported, or when new code frees the object.
 *	It runs as the kernel's klp_shadow destructors do, under
 *	klp_shadow's spinlock with IRQs off: it must not sleep
 *
 * The first klpsv patch of a family whose objects carry raw shadow data
 * takes it over (Documentation/api.rst, "Moving an existing chain to
 * klpsv"): during the transition new code works on an instance converted
 * from the raw variable, which old code keeps using; after it, every
 * raw variable left of @id is imported and freed.  A later klpsv patch
 * may keep the declaration: it is ignored once the family has data.
 */
struct klpsv_raw {
	unsigned long id;
	size_t size;
	struct klpsv_layout layout;
	klpsv_step_fn up;
	klpsv_step_fn down;
	klpsv_dtor_t release;
};

/**
 * KLPSV_RAW() - fill the raw predecessors of a family declaration
 * @...: struct klpsv_raw initializers
 */
#define KLPSV_RAW(...)							\
	.raw = (const struct klpsv_raw[]){ __VA_ARGS__ },		\
	.nr_raw = ARRAY_SIZE(((const struct klpsv_raw[]){ __VA_ARGS__ }))

struct klpsv_index;
struct klpsv_table;

/**
 * struct klpsv_family - a versioned kind of shadow data, as one patch knows it
 * @name: short name for logs and debugfs (at most 31 characters)
 * @id: KLPSV_ID() of the family, the same in every patch
 * @version: this patch's version of the family, KLPSV_V(1) or more
 * @layout: this version's layout (KLPSV_LAYOUT())
 * @reserve: bytes of tail room allocated after the struct, so later
 *	additive versions can grow in place
 * @ctor: optional; initializes a new instance (see &klpsv_ctor_t)
 * @dtor: optional; releases an instance (see &klpsv_dtor_t)
 * @steps: how to take over each older version this patch supports
 * @nr_steps: number of entries in @steps
 * @retired: a tombstone: the patch drops the family; instances left by
 *	the predecessor are freed after the transition with @steps' release
 * @raw: raw klp_shadow variables of older, hand-written patches that the
 *	family takes over when it has no data yet (see &struct klpsv_raw)
 * @nr_raw: number of entries in @raw
 *
 * Declare it with KLPSV_FAMILY(), which also generates typed accessors.
 * The members after the "private:" marker belong to the library.
 */
struct klpsv_family {
	const char *name;
	unsigned long id;
	klpsv_version_t version;
	struct klpsv_layout layout;
	unsigned int reserve;
	klpsv_ctor_t ctor;
	klpsv_dtor_t dtor;
	const struct klpsv_step *steps;
	unsigned int nr_steps;
	bool retired;
	const struct klpsv_raw *raw;
	unsigned int nr_raw;

	/* private: */
	/* sizeof() the accessors' type, set by KLPSV_FAMILY() */
	size_t type_size;
	/* the family's live index, set at takeover */
	struct klpsv_index *index;
	/*
	 * the index's table that holds this version's instances, or NULL,
	 * and the index's live epoch: where klpsv_get()'s inlined hit path
	 * looks, and what it checks (lib/access.c)
	 */
	struct klpsv_table *table;
	const u32 *live_epoch;
	/* computed from @layout by klpsv_enable_patch() */
	u32 fingerprint;
	/* layout epoch of this version, set at takeover */
	unsigned int epoch;
	/* bytes allocated per instance in @epoch */
	u32 alloc_size;
	/* how the running takeover handles the family (lib/takeover.c) */
	unsigned int mode;
	/* the index's migration count before the running takeover */
	u64 migrations_before;
	/* taking raw variables over: set and cleared under the index lock */
	bool adopting;
};

/**
 * klpsv_fver() - the version number of a family declaration
 * @family: the family
 *
 * Return: its version as a plain integer.
 */
static inline unsigned int klpsv_fver(const struct klpsv_family *family)
{
	return klpsv_vnum(family->version);
}

/**
 * KLPSV_STEPS() - fill the steps of a family declaration
 * @...: struct klpsv_step initializers
 */
#define KLPSV_STEPS(...)						\
	.steps = (const struct klpsv_step[]){ __VA_ARGS__ },		\
	.nr_steps = ARRAY_SIZE(((const struct klpsv_step[]){ __VA_ARGS__ }))

void *__must_check klpsv_get_or_alloc(struct klpsv_family *family, void *obj,
				      gfp_t gfp, void *ctor_arg);
void klpsv_put_twin(struct klpsv_family *family, void *data);
void klpsv_free(struct klpsv_family *family, void *obj);

/**
 * struct klpsv_hdr - the header klpsv puts before every instance
 * @chain: next instance in the same bucket of the family's index
 * @obj: the object the instance is attached to
 * @version: version of the data that follows; KLPSV_HDR_TWIN is or-ed in
 *	while the instance is a breaking-change copy kept in sync with an
 *	older instance during a transition
 * @flags: KLPSV_HDR_* bits
 * @gen: generation, advanced by every klpsv_put(); for a twin, the
 *	generation of its older instance when they were last in sync
 *
 * Part of klpsv's shared format (Documentation/format.rst): patches built
 * with different klpsv releases read each other's instances.
 */
struct klpsv_hdr {
	struct klpsv_hdr __rcu *chain;
	void *obj;
	u16 version;
	u16 flags;
	u32 gen;
};

#define KLPSV_HDR_TWIN		0x8000	/* in @version */
#define KLPSV_VERSION_MAX	0x7fff

/*
 * The tables of the shared format (Documentation/format.rst), here so that
 * the hit path of klpsv_get() is inlined into patched code; the rest is
 * the library's (lib/table.c).
 */
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

/* The chain an object hashes to in a bucket array. */
static __always_inline struct klpsv_hdr __rcu **
klpsv_bucket_of(struct klpsv_buckets *b, const void *obj)
{
	return &b->head[hash_ptr((void *)obj, b->shift)];
}

/* An object's instance in a bucket array; under rcu_read_lock(). */
static __always_inline struct klpsv_hdr *
klpsv_chain_find(struct klpsv_buckets *b, const void *obj)
{
	struct klpsv_hdr *hdr;

	for (hdr = rcu_dereference_raw(*klpsv_bucket_of(b, obj)); hdr;
	     hdr = rcu_dereference_raw(hdr->chain)) {
		if (hdr->obj == obj)
			return hdr;
	}
	return NULL;
}

/* klpsv_get() where its inlined hit path did not hit (lib/access.c). */
void *klpsv_get_slow(struct klpsv_family *family, void *obj);

/**
 * klpsv_get() - find an object's instance of a family
 * @family: the family
 * @obj: the object
 *
 * The fast path is a lookup in the family's own index, which grows with
 * the family, and a compare; an instance left in an older version is
 * migrated first, exactly once.  The caller has exclusive access to
 * @obj's instance (the object's lock held for writing): unlike readers of
 * klp_shadow_get() data, two readers may not share a lock, because a get
 * may migrate or refresh the instance in place and a put may write it
 * through.  Every successful get is paired with klpsv_put().
 *
 * Context: any context but NMI.  On PREEMPT_RT in hard IRQ context (or
 * with IRQs off), where the index's spinlock_t cannot be taken, only an
 * instance already at the family's version (or at a newer one that kept
 * its members in place) is found; one that would need a migration or a
 * twin reads as NULL there.
 * Return: the instance's data, or NULL if @obj has none.
 */
static __always_inline void *klpsv_get(struct klpsv_family *family,
					void *obj)
{
	struct klpsv_table *t = READ_ONCE(family->table);
	struct klpsv_hdr *hdr;
	bool hit = false;

	if (likely(t)) {
		/*
		 * A hit is an instance of this object at this version (not
		 * a twin) while the family's epoch is the live one: a version
		 * number revived in another epoch may have another layout.
		 * The version is acquired, pairing with the release that
		 * published the data, so the epoch read after it is at least
		 * the one that instance was made in.  Everything else, a miss
		 * included, is the library's (instances may be moving between
		 * buckets, a transition may be running).
		 */
		rcu_read_lock();
		hdr = klpsv_chain_find(rcu_dereference_raw(t->buckets), obj);
		hit = hdr && smp_load_acquire(&hdr->version) ==
			     klpsv_fver(family) &&
		      READ_ONCE(*family->live_epoch) == family->epoch;
		rcu_read_unlock();
		if (likely(hit))
			return hdr + 1;
	}
	return klpsv_get_slow(family, obj);
}

/**
 * klpsv_put() - end an access started by klpsv_get() or klpsv_get_or_alloc()
 * @family: the family
 * @data: what the get returned
 *
 * Advances the instance's generation, which is how a newer patch running
 * at the same time learns that old code changed it.  For a twin (a newer
 * patch's copy during a breaking transition) it also writes the change
 * through to the older instance with the family's down step, when there
 * is one: that out-of-line path runs only during such a transition.
 *
 * Context: the context of the get; the caller still serializes access
 * to the instance.
 */
static __always_inline void klpsv_put(struct klpsv_family *family, void *data)
{
	struct klpsv_hdr *hdr = (struct klpsv_hdr *)data - 1;

	if (likely(!(READ_ONCE(hdr->version) & KLPSV_HDR_TWIN))) {
		/* The data written before it, then the generation. */
		smp_store_release(&hdr->gen, hdr->gen + 1);
		return;
	}
	klpsv_put_twin(family, data);
}

/* Marks a module's families (lib/discover.c); not a real parameter. */
extern const struct kernel_param_ops klpsv_family_param_ops;

/**
 * KLPSV_FAMILY() - declare a family and its typed accessors
 * @prefix: prefix of the generated names
 * @type: the shadow struct type of this version
 * @...: the rest of the struct klpsv_family initializer (.name, .id,
 *	.version, .layout, ...)
 *
 * Generates ``static struct klpsv_family prefix_family``, marks it as one
 * of the module's families (a hidden module parameter named
 * klpsv_family_prefix, which is how klpsv finds the families of a patch
 * whose init it does not write, and how klpsv-compat reads a .ko), and,
 * so patched code never casts::
 *
 *	type *prefix_get(void *obj);
 *	type *prefix_get_or_alloc(void *obj, gfp_t gfp, void *ctor_arg);
 *	void prefix_put(type *data);
 *	void prefix_free(void *obj);
 */
#define KLPSV_FAMILY(prefix, type, ...)					\
	static struct klpsv_family prefix##_family = {			\
		.type_size = sizeof(type), __VA_ARGS__			\
	};								\
	module_param_cb(klpsv_family_##prefix, &klpsv_family_param_ops,	\
			&prefix##_family, 0);				\
	static inline __maybe_unused type *prefix##_get(void *obj)	\
	{								\
		return klpsv_get(&prefix##_family, obj);		\
	}								\
	static inline __maybe_unused __must_check type *		\
	prefix##_get_or_alloc(void *obj, gfp_t gfp, void *ctor_arg)	\
	{								\
		return klpsv_get_or_alloc(&prefix##_family, obj, gfp,	\
					  ctor_arg);			\
	}								\
	static inline __maybe_unused void prefix##_put(type *data)	\
	{								\
		klpsv_put(&prefix##_family, data);			\
	}								\
	static inline __maybe_unused void prefix##_free(void *obj)	\
	{								\
		klpsv_free(&prefix##_family, obj);			\
	}

/**
 * struct klpsv_patch - the families of one livepatch module
 * @patch: the module's struct klp_patch; must have .replace = true
 * @families: the families, NULL-terminated
 *
 * One per livepatch module.  klpsv declares one klp_state per family, with
 * the family's id and version, so the kernel's own compatibility check
 * refuses a patch that would lower a family's version.  The members after
 * the "private:" marker belong to the library.
 */
struct klpsv_patch {
	struct klp_patch *patch;
	struct klpsv_family **families;

	/* private: */
	/* the patch's own states and one per family, after them */
	struct klp_state *states;
	/* the takeover ran and was not undone */
	bool took_over;
	/* post_patch ran: the transition completed */
	bool finished;
};

int __must_check klpsv_enable_patch(struct klpsv_patch *kp);
void klpsv_patch_exit(struct klpsv_patch *kp);

int __must_check klpsv_pre_patch(struct klp_object *obj);
void klpsv_post_patch(struct klp_object *obj);
void klpsv_post_unpatch(struct klp_object *obj);

/**
 * KLPSV_CALLBACKS - klp_object callbacks that run klpsv's handover
 *
 * Use as ``.callbacks = KLPSV_CALLBACKS`` on the vmlinux object (.name =
 * NULL) of the patch; its .funcs may be an empty array.  A patch with its
 * own callbacks calls klpsv_pre_patch(), klpsv_post_patch() and
 * klpsv_post_unpatch() from them instead (klpsv needs no pre_unpatch).
 */
#define KLPSV_CALLBACKS							\
	{								\
		.pre_patch = klpsv_pre_patch,				\
		.post_patch = klpsv_post_patch,				\
		.post_unpatch = klpsv_post_unpatch,			\
	}

#endif /* _KLPSV_H */
