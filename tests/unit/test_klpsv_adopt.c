// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption of raw shadow variables (struct klpsv_raw): the first klpsv
 * patch over a hand-written one.  Old code here is what such a patch
 * does: klp_shadow_*() calls with a SUSE-style id, on objects and on a
 * NULL singleton.  New code is a klpsv family that declares that id.
 */
#include <pthread.h>
#include <time.h>

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "test_klpsv.h"

#define NR_OBJS 4
#define KLP_SHADOW_ID(bsc, n)	(((unsigned long)(bsc) << 6) | (n))
#define RAW_ID		KLP_SHADOW_ID(1234567, 1)
#define RAW_GLOBAL_ID	KLP_SHADOW_ID(1234567, 2)
#define CONN_ID		KLPSV_ID(77, 1)
#define GLOBAL_ID	KLPSV_ID(77, 2)

static int objs[NR_OBJS];

/* What the hand-written patch allocates: 12 bytes, no klpsv header. */
struct raw_conn {
	u32 hits;
	u32 bytes;
	u32 flags;
};

/* klpsv's first version of it, wider. */
struct conn_v1 {
	u64 hits;
	u64 bytes;
	u32 flags;
	u32 new_only;
};

struct conn_v2 {
	u64 bytes;
	u64 hits;
	u64 flags;
};

struct raw_global {
	int users;
	int total;
};

struct global_v1 {
	long users;
	long total;
};

#define RAW_CONN_LAYOUT KLPSV_LAYOUT(struct raw_conn,			\
	KLPSV_FIELD(struct raw_conn, hits),				\
	KLPSV_FIELD(struct raw_conn, bytes),				\
	KLPSV_FIELD(struct raw_conn, flags))
#define CONN_V1_LAYOUT KLPSV_LAYOUT(struct conn_v1,			\
	KLPSV_FIELD(struct conn_v1, hits),				\
	KLPSV_FIELD(struct conn_v1, bytes),				\
	KLPSV_FIELD(struct conn_v1, flags),				\
	KLPSV_FIELD(struct conn_v1, new_only))
#define CONN_V2_LAYOUT KLPSV_LAYOUT(struct conn_v2,			\
	KLPSV_FIELD(struct conn_v2, bytes),				\
	KLPSV_FIELD(struct conn_v2, hits),				\
	KLPSV_FIELD(struct conn_v2, flags))
#define RAW_GLOBAL_LAYOUT KLPSV_LAYOUT(struct raw_global,		\
	KLPSV_FIELD(struct raw_global, users),				\
	KLPSV_FIELD(struct raw_global, total))
#define GLOBAL_V1_LAYOUT KLPSV_LAYOUT(struct global_v1,			\
	KLPSV_FIELD(struct global_v1, users),				\
	KLPSV_FIELD(struct global_v1, total))

static unsigned int ups, downs, releases, dtors;
static int fail_up;

static int up_raw(void *obj, const void *from, void *to)
{
	const struct raw_conn *r = from;
	struct conn_v1 *c = to;

	ups++;
	if (fail_up)
		return fail_up;
	c->hits = r->hits;
	c->bytes = r->bytes;
	c->flags = r->flags;
	return 0;
}

static int down_raw(void *obj, const void *from, void *to)
{
	const struct conn_v1 *c = from;
	struct raw_conn *r = to;

	downs++;
	r->hits = c->hits;
	r->bytes = c->bytes;
	r->flags = c->flags;
	return 0;
}

static void release_raw(void *obj, void *data)
{
	releases++;
}

static void dtor_v1(void *obj, void *data)
{
	dtors++;
}

static int up_global(void *obj, const void *from, void *to)
{
	const struct raw_global *r = from;
	struct global_v1 *g = to;

	g->users = r->users;
	g->total = r->total;
	return 0;
}

#define CONN_RAW							\
	KLPSV_RAW({ .id = RAW_ID, .size = sizeof(struct raw_conn),	\
		    .layout = RAW_CONN_LAYOUT, .up = up_raw,		\
		    .down = down_raw, .release = release_raw })

KLPSV_FAMILY(c1, struct conn_v1, .name = "conn", .id = CONN_ID, .version = 1,
	     .layout = CONN_V1_LAYOUT, .dtor = dtor_v1, CONN_RAW);
/* The same without down: old code does not see new code's changes. */
KLPSV_FAMILY(u1, struct conn_v1, .name = "conn", .id = CONN_ID, .version = 1,
	     .layout = CONN_V1_LAYOUT, .dtor = dtor_v1,
	     KLPSV_RAW({ .id = RAW_ID, .size = sizeof(struct raw_conn),
			 .layout = RAW_CONN_LAYOUT, .up = up_raw,
			 .release = release_raw }));
KLPSV_FAMILY(g1, struct global_v1, .name = "global", .id = GLOBAL_ID,
	     .version = 1, .layout = GLOBAL_V1_LAYOUT,
	     KLPSV_RAW({ .id = RAW_GLOBAL_ID,
			 .size = sizeof(struct raw_global),
			 .layout = RAW_GLOBAL_LAYOUT, .up = up_global }));

static int up12(void *obj, const void *from, void *to)
{
	const struct conn_v1 *o = from;
	struct conn_v2 *n = to;

	n->hits = o->hits;
	n->bytes = o->bytes;
	n->flags = o->flags;
	return 0;
}

/* The next klpsv patch keeps the raw declaration: it is ignored. */
KLPSV_FAMILY(c2, struct conn_v2, .name = "conn", .id = CONN_ID, .version = 2,
	     .layout = CONN_V2_LAYOUT, CONN_RAW,
	     KLPSV_STEPS({ .from = 1, .layout = CONN_V1_LAYOUT, .up = up12 }));

static struct klpsv_family *p1_fams[] = { &c1_family, &g1_family, NULL };
static struct klpsv_family *u1_fams[] = { &u1_family, NULL };
static struct klpsv_family *p2_fams[] = { &c2_family, &g1_family, NULL };

static struct kmod p1, p2;

/* The hand-written patch's data: a raw variable per object, a global. */
static void raw_begin(void)
{
	struct raw_global *g;
	unsigned int i;

	kt_begin();
	ups = downs = releases = dtors = 0;
	fail_up = 0;
	for (i = 0; i < NR_OBJS; i++) {
		struct raw_conn *r = klp_shadow_alloc(&objs[i], RAW_ID,
						      sizeof(*r), GFP_KERNEL,
						      NULL, NULL);

		ASSERT_NOT_NULL(r);
		r->hits = 10 + i;
		r->bytes = 100 + i;
		r->flags = i;
	}
	g = klp_shadow_alloc(NULL, RAW_GLOBAL_ID, sizeof(*g), GFP_KERNEL,
			     NULL, NULL);
	ASSERT_NOT_NULL(g);
	g->users = 1;
	g->total = 4242;
}

static struct raw_conn *raw(unsigned int i)
{
	return klp_shadow_get(&objs[i], RAW_ID);
}

/* p1's transition, held open. */
static void p1_begin(struct klpsv_family **fams)
{
	kmod_load(&p1, "kt_p1", fams);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&p1), 0);
	klpm_hold_transitions(false);
	ASSERT(klpm_transition_patch() == &p1.patch);
}

static void p1_end(void)
{
	EXPECT_EQ(klpm_disable(&p1.patch), 0);
	kmod_exit(&p1);
	EXPECT_EQ(kt_instances(), 0ul);
	EXPECT_EQ(klpm_shadow_count(RAW_ID), 0ul);
	kt_end();
}

TEST(klpsv_adopt_new_code_converts_at_each_access_and_writes_through)
{
	struct conn_v1 *c;

	raw_begin();
	p1_begin(p1_fams);
	EXPECT_LOG("klpsv: kt_p1: family 'conn': adopting raw shadow id 0x4b5a1c1");
	c = c1_get(&objs[0]);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 10ull);
	EXPECT_EQ(c->bytes, 100ull);
	c->new_only = 7;
	c1_put(c);
	/* old code writes the raw variable: new code sees it */
	raw(0)->hits = 55;
	c = c1_get(&objs[0]);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 55ull);
	EXPECT_EQ(c->new_only, 7u);	/* up keeps what it does not derive */
	c->bytes = 999;
	c1_put(c);
	/* new code's change is written through for old code */
	EXPECT_EQ(raw(0)->bytes, 999u);
	EXPECT_EQ(raw(0)->hits, 55u);
	EXPECT_EQ(ups, 2u);
	EXPECT_EQ(downs, 2u);
	/* old code's last write before the end is not lost */
	raw(1)->hits = 77;
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_LOG("klpsv: kt_p1: family 'conn': imported 4 raw variables of id 0x4b5a1c1");
	EXPECT_EQ(klpm_shadow_count(RAW_ID), 0ul);
	EXPECT_EQ(klpm_shadow_count(RAW_GLOBAL_ID), 0ul);
	EXPECT_EQ(releases, (unsigned int)NR_OBJS);
	c = c1_get(&objs[1]);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 77ull);
	c1_put(c);
	c = c1_get(&objs[0]);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 55ull);
	EXPECT_EQ(c->bytes, 999ull);
	EXPECT_EQ(c->new_only, 7u);
	/* live now: the fast path, no conversion */
	EXPECT_FALSE(klpsv_hdr_of(c)->version & KLPSV_HDR_TWIN);
	c1_put(c);
	EXPECT_EQ(kt_index(CONN_ID)->count, (u64)NR_OBJS);
	EXPECT_EQ(kt_index(CONN_ID)->lost, 0ull);
	p1_end();
	EXPECT_EQ(dtors, (unsigned int)NR_OBJS);
}

/* A get nested in another of the same context keeps its writes. */
TEST(klpsv_adopt_nested_get_converts_once)
{
	struct conn_v1 *outer, *inner;

	raw_begin();
	p1_begin(p1_fams);
	outer = c1_get(&objs[0]);
	ASSERT_NOT_NULL(outer);
	outer->hits = 500;
	inner = c1_get(&objs[0]);
	ASSERT(inner == outer);
	EXPECT_EQ(inner->hits, 500ull);
	inner->bytes = 5;
	c1_put(inner);
	outer->flags = 9;
	c1_put(outer);
	EXPECT_EQ(ups, 1u);
	EXPECT_EQ(raw(0)->hits, 500u);
	EXPECT_EQ(raw(0)->bytes, 5u);
	EXPECT_EQ(raw(0)->flags, 9u);
	EXPECT_EQ(klpm_transition_finish(), 0);
	p1_end();
}

TEST(klpsv_adopt_singleton_on_null)
{
	struct global_v1 *g;

	raw_begin();
	p1_begin(p1_fams);
	g = g1_get(NULL);
	ASSERT_NOT_NULL(g);
	EXPECT_EQ(g->users, 1l);
	EXPECT_EQ(g->total, 4242l);
	g1_put(g);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(klpm_shadow_count(RAW_GLOBAL_ID), 0ul);
	g = g1_get(NULL);
	ASSERT_NOT_NULL(g);
	EXPECT_EQ(g->total, 4242l);
	g->users++;
	g1_put(g);
	p1_end();
}

TEST(klpsv_adopt_revert_leaves_raw_data_byte_for_byte)
{
	struct raw_conn before[NR_OBJS];
	struct raw_global gbefore;
	struct conn_v1 *c;
	unsigned int i;

	raw_begin();
	for (i = 0; i < NR_OBJS; i++)
		before[i] = *raw(i);
	gbefore = *(struct raw_global *)klp_shadow_get(NULL, RAW_GLOBAL_ID);
	p1_begin(p1_fams);
	/* new code reads every object (its puts write the same back) */
	for (i = 0; i < NR_OBJS; i++) {
		c = c1_get(&objs[i]);
		ASSERT_NOT_NULL(c);
		c1_put(c);
	}
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OBJS);
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(kt_instances(), 0ul);
	EXPECT_NULL(kt_index(CONN_ID));
	for (i = 0; i < NR_OBJS; i++) {
		ASSERT_NOT_NULL(raw(i));
		EXPECT_EQ(memcmp(raw(i), &before[i], sizeof(before[i])), 0);
	}
	EXPECT_EQ(memcmp(klp_shadow_get(NULL, RAW_GLOBAL_ID), &gbefore,
			 sizeof(gbefore)), 0);
	EXPECT_EQ(releases, 0u);
	EXPECT_EQ(dtors, (unsigned int)NR_OBJS);
	/* the next attempt adopts them */
	kmod_exit(&p1);
	kmod_load(&p1, "kt_p1", p1_fams);
	EXPECT_EQ(kmod_enable(&p1), 0);
	EXPECT_EQ(klpm_shadow_count(RAW_ID), 0ul);
	c = c1_get(&objs[3]);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 13ull);
	c1_put(c);
	p1_end();
}

TEST(klpsv_adopt_new_object_gets_a_raw_variable_with_down)
{
	static int fresh;
	struct raw_conn *r;
	struct conn_v1 *c;

	raw_begin();
	p1_begin(p1_fams);
	c = c1_get_or_alloc(&fresh, GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(c);
	c->hits = 5;
	c1_put(c);
	r = klp_shadow_get(&fresh, RAW_ID);
	ASSERT_NOT_NULL(r);
	EXPECT_EQ(r->hits, 5u);	/* old code sees it */
	r->hits = 6;
	c = c1_get(&fresh);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 6ull);
	c1_put(c);
	/* reverted: old code keeps the object new code made */
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(kt_instances(), 0ul);
	r = klp_shadow_get(&fresh, RAW_ID);
	ASSERT_NOT_NULL(r);
	EXPECT_EQ(r->hits, 6u);
	kmod_exit(&p1);
	kmod_load(&p1, "kt_p1", p1_fams);
	EXPECT_EQ(kmod_enable(&p1), 0);
	EXPECT_EQ(kt_index(CONN_ID)->count, (u64)NR_OBJS + 1);
	p1_end();
}

TEST(klpsv_adopt_without_down_new_code_keeps_its_own)
{
	static int fresh;
	struct conn_v1 *c;

	raw_begin();
	p1_begin(u1_fams);
	c = u1_get_or_alloc(&fresh, GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(c);
	c->hits = 5;
	u1_put(c);
	EXPECT_NULL(klp_shadow_get(&fresh, RAW_ID));
	c = u1_get(&objs[2]);
	ASSERT_NOT_NULL(c);
	c->bytes = 1;	/* overwritten by the next conversion */
	u1_put(c);
	EXPECT_EQ(raw(2)->bytes, 102u);
	EXPECT_EQ(downs, 0u);
	EXPECT_EQ(klpm_transition_finish(), 0);
	c = u1_get(&objs[2]);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->bytes, 102ull);
	u1_put(c);
	c = u1_get(&fresh);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 5ull);
	u1_put(c);
	EXPECT_EQ(kt_index(CONN_ID)->count, (u64)NR_OBJS + 1);
	p1_end();
	klp_shadow_free_all(RAW_GLOBAL_ID, NULL);
}

TEST(klpsv_adopt_objects_freed_by_either_side)
{
	struct conn_v1 *c;

	raw_begin();
	p1_begin(p1_fams);
	c = c1_get(&objs[0]);
	ASSERT_NOT_NULL(c);
	c1_put(c);
	/* old code frees an object new code has seen */
	klp_shadow_free(&objs[0], RAW_ID, release_raw);
	EXPECT_NULL(c1_get(&objs[0]));
	EXPECT_EQ(dtors, 1u);	/* its converted instance went */
	/* new code frees one: old code no longer sees it either */
	c1_free(&objs[1]);
	EXPECT_NULL(raw(1));
	EXPECT_EQ(releases, 2u);
	/* an object old code freed after new code's last look */
	c = c1_get(&objs[2]);
	ASSERT_NOT_NULL(c);
	c1_put(c);
	klp_shadow_free(&objs[2], RAW_ID, NULL);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_NULL(c1_get(&objs[0]));
	EXPECT_NULL(c1_get(&objs[1]));
	EXPECT_NULL(c1_get(&objs[2]));
	EXPECT_EQ(kt_index(CONN_ID)->count, 1ull);
	EXPECT_EQ(kt_instances(), 2ul);	/* objs[3] and the singleton */
	p1_end();
}

TEST(klpsv_adopt_failed_conversion)
{
	struct conn_v1 *c;

	raw_begin();
	p1_begin(p1_fams);
	fail_up = -EIO;
	EXPECT_NULL(c1_get(&objs[0]));
	/* no second instance beside the raw data */
	EXPECT_NULL(c1_get_or_alloc(&objs[0], GFP_KERNEL, NULL));
	EXPECT_EQ(kt_instances(), 0ul);
	fail_up = 0;
	c = c1_get(&objs[0]);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 10ull);
	c1_put(c);
	/* at the import: counted, logged, nothing left behind */
	fail_up = -EIO;
	EXPECT_EQ(klpm_transition_finish(), 0);
	fail_up = 0;
	EXPECT_LOG("klpsv: kt_p1: family 'conn': 4 raw variables of id 0x4b5a1c1 lost: no memory or a failed step");
	EXPECT_EQ(kt_index(CONN_ID)->lost, (u64)NR_OBJS);
	EXPECT_EQ(kt_index(CONN_ID)->count, 0ull);
	EXPECT_EQ(klpm_shadow_count(RAW_ID), 0ul);
	p1_end();
}

TEST(klpsv_adopt_next_patch_ignores_the_declaration)
{
	struct conn_v2 *c;
	struct raw_conn *r;

	raw_begin();
	kmod_load(&p1, "kt_p1", p1_fams);
	ASSERT_EQ(kmod_enable(&p1), 0);
	kmod_detach(&p1);
	/* raw data appearing now (a stray) is not the family's any more */
	r = klp_shadow_alloc(&objs[0], RAW_ID, sizeof(*r), GFP_KERNEL, NULL,
			     NULL);
	ASSERT_NOT_NULL(r);
	r->hits = 1;
	kmod_load(&p2, "kt_p2", p2_fams);
	ASSERT_EQ(kmod_enable(&p2), 0);
	EXPECT_NO_LOG("klpsv: kt_p2: family 'conn': adopting");
	c = c2_get(&objs[0]);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(c->hits, 10ull);
	c2_put(c);
	EXPECT_EQ(klpm_disable(&p2.patch), 0);
	kmod_exit(&p2);
	kmod_exit(&p1);
	EXPECT_EQ(kt_instances(), 0ul);
	klp_shadow_free(&objs[0], RAW_ID, NULL);
	kt_end();
}

/* Declarations klpsv refuses, each with its line. */
static int refused(struct klpsv_family *f, const char *line)
{
	struct klpsv_family *fams[] = { f, NULL };
	int err;

	kt_begin();
	kmod_load(&p1, "kt_p1", fams);
	err = kmod_enable(&p1);
	EXPECT_LOG(line);
	kmod_exit(&p1);
	kt_end();
	return err;
}

KLPSV_FAMILY(bad_id, struct conn_v1, .name = "conn", .id = CONN_ID,
	     .version = 1, .layout = CONN_V1_LAYOUT,
	     KLPSV_RAW({ .id = GLOBAL_ID, .size = sizeof(struct raw_conn),
			 .layout = RAW_CONN_LAYOUT, .up = up_raw }));
KLPSV_FAMILY(bad_size, struct conn_v1, .name = "conn", .id = CONN_ID,
	     .version = 1, .layout = CONN_V1_LAYOUT,
	     KLPSV_RAW({ .id = RAW_ID, .size = 8,
			 .layout = RAW_CONN_LAYOUT, .up = up_raw }));
KLPSV_FAMILY(bad_up, struct conn_v1, .name = "conn", .id = CONN_ID,
	     .version = 1, .layout = CONN_V1_LAYOUT,
	     KLPSV_RAW({ .id = RAW_ID, .size = sizeof(struct raw_conn),
			 .layout = RAW_CONN_LAYOUT }));
KLPSV_FAMILY(bad_layout, struct conn_v1, .name = "conn", .id = CONN_ID,
	     .version = 1, .layout = CONN_V1_LAYOUT,
	     KLPSV_RAW({ .id = RAW_ID, .size = sizeof(struct raw_conn),
			 .up = up_raw }));
KLPSV_FAMILY(bad_twice, struct conn_v1, .name = "conn", .id = CONN_ID,
	     .version = 1, .layout = CONN_V1_LAYOUT,
	     KLPSV_RAW({ .id = RAW_ID, .size = sizeof(struct raw_conn),
			 .layout = RAW_CONN_LAYOUT, .up = up_raw },
		       { .id = RAW_ID, .size = sizeof(struct raw_conn),
			 .layout = RAW_CONN_LAYOUT, .up = up_raw }));

TEST(klpsv_adopt_refusals)
{
	EXPECT_EQ(refused(&bad_id_family, "klpsv: kt_p1: family 'conn': raw id 0x6b737600004d0020 is a klpsv id: raw ids are the ones hand-written patches use"), -EINVAL);
	EXPECT_EQ(refused(&bad_size_family, "klpsv: kt_p1: family 'conn': raw id 0x4b5a1c1: its variables have 8 bytes, less than the 12 its layout describes"), -EINVAL);
	EXPECT_EQ(refused(&bad_up_family, "klpsv: kt_p1: family 'conn': raw id 0x4b5a1c1 has no .up function"), -EINVAL);
	EXPECT_EQ(refused(&bad_layout_family, "klpsv: kt_p1: family 'conn': raw id 0x4b5a1c1 needs the .layout of its data (KLPSV_LAYOUT())"), -EINVAL);
	EXPECT_EQ(refused(&bad_twice_family, "klpsv: kt_p1: family 'conn': raw id 0x4b5a1c1 declared twice"), -EINVAL);
}

/*
 * Old and new code at once, each object serialized by its own lock as
 * the caller's contract asks: old code counts in the raw variable, new
 * code through klpsv, and an independent tally counts both.  The import
 * runs while new code keeps going (no old code runs after the
 * transition); a revert runs once old code is alone again.
 */
#define NR_LOADED	64
#define ADOPT_THREADS	2

static struct loaded {
	pthread_mutex_t lock;
	u64 tally;
} loaded[NR_LOADED];

struct adopt_worker {
	pthread_t t;
	bool old;
	int stop;
	u64 seed;
};

static void *adopt_worker_fn(void *arg)
{
	struct adopt_worker *w = arg;
	u64 rng = w->seed;

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		unsigned int i;
		struct loaded *l;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		i = (rng >> 33) % NR_LOADED;
		l = &loaded[i];
		pthread_mutex_lock(&l->lock);
		if (w->old) {
			struct raw_conn *r = klp_shadow_get(l, RAW_ID);

			if (r) {
				r->hits++;
				l->tally++;
			}
		} else {
			struct conn_v1 *c = c1_get(l);

			if (c) {
				c->hits++;
				l->tally++;
				c1_put(c);
			}
		}
		pthread_mutex_unlock(&l->lock);
	}
	return NULL;
}

static void adopt_start(struct adopt_worker *w, bool old, u64 seed)
{
	unsigned int k;

	for (k = 0; k < ADOPT_THREADS; k++) {
		w[k].old = old;
		w[k].stop = 0;
		w[k].seed = seed + k;
		ASSERT_EQ(pthread_create(&w[k].t, NULL, adopt_worker_fn, &w[k]),
			  0);
	}
}

static void adopt_stop(struct adopt_worker *w)
{
	unsigned int k;

	for (k = 0; k < ADOPT_THREADS; k++)
		__atomic_store_n(&w[k].stop, 1, __ATOMIC_RELEASE);
	for (k = 0; k < ADOPT_THREADS; k++)
		pthread_join(w[k].t, NULL);
}

static void loaded_begin(void)
{
	unsigned int i;

	kt_begin();
	ups = downs = releases = dtors = 0;
	fail_up = 0;
	for (i = 0; i < NR_LOADED; i++) {
		struct raw_conn *r = klp_shadow_alloc(&loaded[i], RAW_ID,
						      sizeof(*r), GFP_KERNEL,
						      NULL, NULL);

		ASSERT_NOT_NULL(r);
		pthread_mutex_init(&loaded[i].lock, NULL);
		r->hits = i;
		loaded[i].tally = i;
	}
}

static void run_for_ms(unsigned int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000 };

	nanosleep(&ts, NULL);
}

TEST(klpsv_adopt_threads_import_while_new_code_runs)
{
	struct adopt_worker old[ADOPT_THREADS], new[ADOPT_THREADS];
	unsigned int i;

	loaded_begin();
	adopt_start(old, true, 1);
	p1_begin(p1_fams);
	adopt_start(new, false, 100);
	run_for_ms(50);
	adopt_stop(old);	/* every task switched: the transition ends */
	EXPECT_EQ(klpm_transition_finish(), 0);
	run_for_ms(20);
	adopt_stop(new);
	EXPECT_EQ(klpm_shadow_count(RAW_ID), 0ul);
	EXPECT_EQ(kt_index(CONN_ID)->count, (u64)NR_LOADED);
	for (i = 0; i < NR_LOADED; i++) {
		struct conn_v1 *c = c1_get(&loaded[i]);

		ASSERT_NOT_NULL(c);
		EXPECT_EQ(c->hits, loaded[i].tally);
		c1_put(c);
	}
	EXPECT_GT(downs, 0u);
	p1_end();
}

TEST(klpsv_adopt_threads_revert_while_old_code_runs)
{
	struct adopt_worker old[ADOPT_THREADS], new[ADOPT_THREADS];
	unsigned int i;

	loaded_begin();
	adopt_start(old, true, 7);
	p1_begin(p1_fams);
	adopt_start(new, false, 700);
	run_for_ms(50);
	adopt_stop(new);	/* reverted: every task back on old code */
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	run_for_ms(20);
	adopt_stop(old);
	EXPECT_EQ(kt_instances(), 0ul);
	for (i = 0; i < NR_LOADED; i++) {
		struct raw_conn *r = klp_shadow_get(&loaded[i], RAW_ID);

		ASSERT_NOT_NULL(r);
		EXPECT_EQ((u64)r->hits, loaded[i].tally);
	}
	kmod_exit(&p1);
	klp_shadow_free_all(RAW_ID, NULL);
	kt_end();
}
