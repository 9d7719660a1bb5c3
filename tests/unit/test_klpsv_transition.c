// SPDX-License-Identifier: GPL-2.0
/*
 * Transitions: while old and new code run together (a transition held
 * open, as by a task parked in a patched function), no update made by
 * either side is lost; a reverted transition leaves the predecessor's data
 * as it was.  The test plays both sides: the old patch's accessors (its
 * module is still loaded during the transition) and the new one's.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../../samples/chain/schemas.h"
#include "test_klpsv.h"

#define NR_OLD 5		/* objects with data before the transition */
#define NR_OBJS 7		/* and two more */

static struct chain_session sess[NR_OBJS];
static struct kmod oldm, newm;

static unsigned int up_calls[NR_OBJS], down_calls[NR_OBJS];
static unsigned int v2_dtor[NR_OBJS], v2_release[NR_OBJS], v3_dtor[NR_OBJS];
static unsigned int v1_release[NR_OBJS];
/* Objects old code holds (between its get and put), and steps run on them. */
static unsigned int old_holds[NR_OBJS], steps_on_held;

static unsigned int *slot(unsigned int *c, void *obj)
{
	struct chain_session *s = obj;

	BUG_ON(s < sess || s >= sess + NR_OBJS);
	return &c[s - sess];
}

static void reset_counts(void)
{
	memset(up_calls, 0, sizeof(up_calls));
	memset(down_calls, 0, sizeof(down_calls));
	memset(v2_dtor, 0, sizeof(v2_dtor));
	memset(v2_release, 0, sizeof(v2_release));
	memset(v3_dtor, 0, sizeof(v3_dtor));
	memset(v1_release, 0, sizeof(v1_release));
}

/* ---------------------------------------------------------------------
 * Breaking: stats v2 (old) -> v3 (new), with and without a down step.
 */
static int up23(void *obj, const void *from, void *to)
{
	const struct stats_v2 *o = from;
	struct stats_v3 *n = to;

	steps_on_held += *slot(old_holds, obj);
	(*slot(up_calls, obj))++;
	n->touches = o->touches;
	n->bytes = o->bytes;
	return 0;
}

static int down32(void *obj, const void *from, void *to)
{
	const struct stats_v3 *n = from;
	struct stats_v2 *o = to;

	(*slot(down_calls, obj))++;
	o->touches = min_t(u64, n->touches, U32_MAX);
	o->bytes = min_t(u64, n->bytes, U32_MAX);
	return 0;
}

static void v2_dtor_fn(void *obj, void *data)
{
	(*slot(v2_dtor, obj))++;
}

static void v2_release_fn(void *obj, void *data)
{
	(*slot(v2_release, obj))++;
}

static void v3_dtor_fn(void *obj, void *data)
{
	(*slot(v3_dtor, obj))++;
}

KLPSV_FAMILY(o2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     .dtor = v2_dtor_fn);
KLPSV_FAMILY(n3, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = 3, .layout = STATS_V3_LAYOUT, .reserve = STATS_RESERVE,
	     .dtor = v3_dtor_fn,
	     KLPSV_STEPS({ .from = 2, .layout = STATS_V2_LAYOUT, .up = up23,
			   .down = down32, .release = v2_release_fn }));
/* the same without a down step */
KLPSV_FAMILY(m3, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = 3, .layout = STATS_V3_LAYOUT, .reserve = STATS_RESERVE,
	     .dtor = v3_dtor_fn,
	     KLPSV_STEPS({ .from = 2, .layout = STATS_V2_LAYOUT, .up = up23,
			   .release = v2_release_fn }));

/* n3 again, as a third module declares it (its own copy of the struct) */
KLPSV_FAMILY(t3, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = 3, .layout = STATS_V3_LAYOUT, .reserve = STATS_RESERVE,
	     .dtor = v3_dtor_fn,
	     KLPSV_STEPS({ .from = 2, .layout = STATS_V2_LAYOUT, .up = up23,
			   .down = down32, .release = v2_release_fn }));

static struct klpsv_family *o2_fams[] = { &o2_family, NULL };
static struct klpsv_family *n3_fams[] = { &n3_family, NULL };
static struct klpsv_family *t3_fams[] = { &t3_family, NULL };
static struct klpsv_family *m3_fams[] = { &m3_family, NULL };

static struct kt_snap snap0, snap1;
static struct klpsv_index index0;

/* The old patch live with stats v2 on NR_OLD sessions. */
static void old_v2(void)
{
	unsigned int i;

	kt_begin();
	reset_counts();
	kmod_load(&oldm, "kt_old", o2_fams);
	ASSERT_EQ(kmod_enable(&oldm), 0);
	for (i = 0; i < NR_OLD; i++) {
		struct stats_v2 *st = o2_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(st);
		st->touches = 10 + i;
		st->bytes = 1000 + i;
		o2_put(st);
	}
	kmod_detach(&oldm);
	kt_snapshot(&snap0);
	kt_index_copy(&index0, kt_index(STATS_ID));
}

/* The new patch's transition, held open. */
static void new_begin(struct klpsv_family **fams)
{
	kmod_load(&newm, "kt_new", fams);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&newm), 0);
	klpm_hold_transitions(false);
	ASSERT(klpm_transition_patch() == &newm.patch);
}

/* After a revert the old patch is live again: a fresh load of the new
 * patch takes over, completes, and is disabled for real. */
static void after_revert_release(struct klpsv_family **fams)
{
	kmod_exit(&newm);
	kmod_load(&newm, "kt_new", fams);
	EXPECT_EQ(kmod_enable(&newm), 0);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_transition_old_writes_seen_by_new_get)
{
	struct klpsv_hdr *old, *twin;
	struct stats_v2 *o;
	struct stats_v3 *n;

	old_v2();
	new_begin(n3_fams);
	EXPECT_EQ(kt_index(STATS_ID)->state, KLPSV_INDEX_TRANSITION);
	old = kt_hdr(&sess[0], STATS_ID, 0);
	twin = kt_hdr(&sess[0], STATS_ID, 1);
	ASSERT_NOT_NULL(old);
	ASSERT_NOT_NULL(twin);
	/* pre_patch reserved the twin; its first access converts it */
	EXPECT_EQ(up_calls[0], 0u);
	EXPECT(twin->flags & KLPSV_HDR_PENDING);

	n = n3_get(&sess[0]);
	ASSERT(n == (struct stats_v3 *)(twin + 1));
	EXPECT_EQ(n->touches, 10ull);
	EXPECT_EQ(up_calls[0], 1u);
	EXPECT_EQ(twin->gen, old->gen);
	n3_put(n);

	/* old code writes; its put moves the generation */
	o = o2_get(&sess[0]);
	ASSERT(o == (struct stats_v2 *)(old + 1));
	o->touches = 500;
	o->bytes = 5000;
	o2_put(o);
	EXPECT_NE(twin->gen, old->gen);

	/* new code sees it: the twin is refreshed, once */
	n = n3_get(&sess[0]);
	ASSERT(n == (struct stats_v3 *)(twin + 1));
	EXPECT_EQ(n->touches, 500ull);
	EXPECT_EQ(n->bytes, 5000ull);
	EXPECT_EQ(twin->gen, old->gen);
	n3_put(n);
	n = n3_get(&sess[0]);
	EXPECT_EQ(n->touches, 500ull);
	n3_put(n);
	/* refreshed only when old code had written (the puts wrote through) */
	EXPECT_EQ(up_calls[0], 2u);

	/* an object old code did not touch is not converted again */
	n = n3_get(&sess[1]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 11ull);
	EXPECT_EQ(up_calls[1], 1u);
	n3_put(n);

	/* a last write by old code, right before the end, is not lost */
	o = o2_get(&sess[2]);
	ASSERT_NOT_NULL(o);
	o->touches = 222;
	o2_put(o);
	EXPECT_EQ(klpm_transition_finish(), 0);
	n = n3_get(&sess[2]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 222ull);
	n3_put(n);
	n = n3_get(&sess[0]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 500ull);
	n3_put(n);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_transition_new_put_writes_through_with_down)
{
	struct klpsv_hdr *old, *twin;
	struct stats_v2 *o;
	struct stats_v3 *n;
	u32 gen;

	old_v2();
	new_begin(n3_fams);
	old = kt_hdr(&sess[1], STATS_ID, 0);
	twin = kt_hdr(&sess[1], STATS_ID, 1);
	ASSERT_NOT_NULL(old);
	ASSERT_NOT_NULL(twin);
	gen = old->gen;

	n = n3_get(&sess[1]);
	ASSERT_NOT_NULL(n);
	n->touches = 777;
	n->bytes = 0x100000005ull;	/* beyond what v2 holds */
	n3_put(n);
	EXPECT_EQ(down_calls[1], 1u);
	EXPECT_EQ(old->gen, gen + 1);
	EXPECT_EQ(twin->gen, old->gen);

	/* old code sees new code's write (saturated to its 32 bits) */
	o = o2_get(&sess[1]);
	ASSERT(o == (struct stats_v2 *)(old + 1));
	EXPECT_EQ(o->touches, 777u);
	EXPECT_EQ(o->bytes, U32_MAX);
	/* the reader's put moves the generation; nothing else changes */
	o2_put(o);

	/* new code still has its own full value: not refreshed by its put */
	n = n3_get(&sess[1]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 777ull);
	EXPECT_EQ(up_calls[1], 2u);	/* after old code's put, once */
	n3_put(n);

	/* without old code's put in between, no step runs */
	n = n3_get(&sess[1]);
	n->touches = 778;
	n3_put(n);
	n = n3_get(&sess[1]);
	EXPECT_EQ(n->touches, 778ull);
	EXPECT_EQ(up_calls[1], 2u);
	n3_put(n);
	o = o2_get(&sess[1]);
	EXPECT_EQ(o->touches, 778u);
	o2_put(o);

	EXPECT_EQ(klpm_transition_finish(), 0);
	n = n3_get(&sess[1]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 778ull);
	n3_put(n);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_transition_new_put_without_down_keeps_twin_write)
{
	struct stats_v2 *o;
	struct stats_v3 *n;

	old_v2();
	new_begin(m3_fams);
	n = m3_get(&sess[1]);
	ASSERT_NOT_NULL(n);
	n->touches = 777;
	m3_put(n);
	EXPECT_EQ(down_calls[1], 0u);
	/* old code cannot see it (no down step), but it is not lost */
	o = o2_get(&sess[1]);
	ASSERT_NOT_NULL(o);
	EXPECT_EQ(o->touches, 11u);
	n = m3_get(&sess[1]);
	EXPECT_EQ(n->touches, 777ull);
	m3_put(n);
	EXPECT_EQ(klpm_transition_finish(), 0);
	n = m3_get(&sess[1]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 777ull);
	m3_put(n);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_transition_object_freed_by_old_code)
{
	struct klpsv_index *index;
	unsigned int i;

	old_v2();
	new_begin(n3_fams);
	index = kt_index(STATS_ID);
	ASSERT_NOT_NULL(kt_hdr(&sess[2], STATS_ID, 1));
	EXPECT_EQ(kt_pending(STATS_ID | 1, NULL), (unsigned long)NR_OLD);
	EXPECT_EQ(index->next_count, 0ull);

	o2_free(&sess[2]);		/* the session closes in old code */
	EXPECT_EQ(v2_dtor[2], 1u);
	EXPECT_NULL(kt_hdr(&sess[2], STATS_ID, 0));
	EXPECT_NULL(kt_hdr(&sess[2], STATS_ID, 1));	/* its twin too */
	EXPECT_NULL(n3_get(&sess[2]));
	EXPECT_NULL(o2_get(&sess[2]));
	EXPECT_EQ(index->count, (u64)NR_OLD - 1);
	EXPECT_EQ(kt_pending(STATS_ID | 1, NULL), (unsigned long)NR_OLD - 1);

	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(index->count, (u64)NR_OLD - 1);
	EXPECT_EQ(index->next_count, 0ull);
	EXPECT_EQ(index->lost, 0ull);
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OLD - 1);
	EXPECT_NULL(n3_get(&sess[2]));
	for (i = 0; i < NR_OLD; i++) {
		EXPECT_EQ(v2_dtor[i], i == 2 ? 1u : 0u);
		EXPECT_EQ(v2_release[i], i == 2 ? 0u : 1u);
	}
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	for (i = 0; i < NR_OLD; i++)
		EXPECT_EQ(v3_dtor[i], i == 2 ? 0u : 1u);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_transition_object_freed_by_new_code)
{
	unsigned int i;

	old_v2();
	new_begin(n3_fams);
	n3_free(&sess[3]);
	/* both go: the old one with its release, the unconverted twin bare */
	EXPECT_EQ(v3_dtor[3], 0u);
	EXPECT_EQ(v2_release[3], 1u);
	EXPECT_EQ(v2_dtor[3], 0u);
	EXPECT_NULL(kt_hdr(&sess[3], STATS_ID, 0));
	EXPECT_NULL(kt_hdr(&sess[3], STATS_ID, 1));
	EXPECT_NULL(o2_get(&sess[3]));
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OLD - 1);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	for (i = 0; i < NR_OLD; i++) {
		EXPECT_EQ(v3_dtor[i], i == 3 ? 0u : 1u);
		EXPECT_EQ(v2_release[i], 1u);
	}
	kt_end();
}

TEST(klpsv_transition_object_created_by_old_code)
{
	struct klpsv_index *index;
	struct stats_v2 *o;
	struct stats_v3 *n;

	old_v2();
	new_begin(n3_fams);
	index = kt_index(STATS_ID);
	/* two sessions open in old code during the transition */
	o = o2_get_or_alloc(&sess[5], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(o);
	o->touches = 55;
	o2_put(o);
	o = o2_get_or_alloc(&sess[6], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(o);
	o->touches = 66;
	o2_put(o);
	EXPECT_NULL(kt_hdr(&sess[5], STATS_ID, 1));
	EXPECT_EQ(index->count, (u64)NR_OLD + 2);

	/* new code meets one: a twin made on the spot, converted once */
	n = n3_get(&sess[5]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 55ull);
	EXPECT_EQ(up_calls[5], 1u);
	n3_put(n);
	EXPECT_NOT_NULL(kt_hdr(&sess[5], STATS_ID, 1));
	EXPECT_EQ(index->next_count, 1ull);	/* the others are reserved */
	EXPECT_EQ(kt_pending(STATS_ID | 1, NULL), (unsigned long)NR_OLD);

	/* the other is converted when the transition ends */
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(up_calls[6], 1u);
	n = n3_get(&sess[6]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 66ull);
	n3_put(n);
	EXPECT_EQ(v2_release[5], 1u);
	EXPECT_EQ(v2_release[6], 1u);
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OLD + 2);
	EXPECT_EQ(index->lost, 0ull);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(v3_dtor[5], 1u);
	EXPECT_EQ(v3_dtor[6], 1u);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/*
 * New code creates an object's data during a breaking transition, and
 * only new code has it: the family has no down step, or (@no_old_memory)
 * the allocation of the older instance klpsv_twin_share() makes fails.
 */
static void new_code_creates(struct stats_v3 *(*get_or_alloc)(void *, gfp_t, void *),
			     void (*put)(struct stats_v3 *), bool no_old_memory)
{
	struct stats_v3 *n;
	struct klpsv_hdr *hdr;

	if (no_old_memory)
		shim_fail_nth_alloc(2);	/* the new instance's, then this */
	n = get_or_alloc(&sess[5], GFP_KERNEL, NULL);
	shim_fail_off();
	ASSERT_NOT_NULL(n);
	n->touches = 42;
	n->bytes = 4242;
	put(n);
	hdr = kt_hdr(&sess[5], STATS_ID, 1);
	ASSERT_NOT_NULL(hdr);
	EXPECT_EQ(hdr->version, 3);	/* its own, not a twin */
	EXPECT_NULL(kt_hdr(&sess[5], STATS_ID, 0));
	/* old code running meanwhile finds nothing (design.rst, Limits) */
	EXPECT_NULL(o2_get(&sess[5]));
}

/*
 * Transition model point 12: with a down step, an object new code creates
 * during a breaking transition gets an older instance too, so old code
 * still running sees it and each side sees the other's writes.
 */
TEST(klpsv_transition_new_object_seen_by_old_code_with_down)
{
	struct klpsv_hdr *hdr;
	struct stats_v3 *n;
	struct stats_v2 *o;

	old_v2();
	new_begin(n3_fams);
	n = n3_get_or_alloc(&sess[5], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(n);
	n->touches = 42;
	n3_put(n);
	hdr = kt_hdr(&sess[5], STATS_ID, 1);
	ASSERT_NOT_NULL(hdr);
	EXPECT_EQ(hdr->version, 3 | KLPSV_HDR_TWIN);
	o = o2_get(&sess[5]);
	ASSERT_NOT_NULL(o);
	EXPECT_EQ(o->touches, 42u);
	o->touches = 43;
	o2_put(o);
	n = n3_get(&sess[5]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 43ull);
	n3_put(n);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(v2_release[5], 1u);	/* the older one went */
	n = n3_get(&sess[5]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 43ull);
	n3_put(n);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/*
 * Regression (the threaded model check): the transition ends while new
 * code's klpsv_twin_share() is between allocating an object's older
 * instance and linking it.  That instance must go, with no claim of it
 * left behind in the older epoch for a later transition to find.
 */
static void transition_ends_now(void *obj, unsigned long id, void *data)
{
	if (id != (STATS_ID | 0)) {	/* new code's own instance: rearm */
		klpm_after_shadow_alloc(obj, transition_ends_now);
		return;
	}
	EXPECT_EQ(klpm_transition_finish(), 0);
}

TEST(klpsv_transition_new_object_shared_as_the_transition_ends)
{
	struct klpsv_hdr *hdr;
	struct stats_v3 *n;

	old_v2();
	new_begin(n3_fams);
	klpm_after_shadow_alloc(&sess[5], transition_ends_now);
	n = n3_get_or_alloc(&sess[5], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(n);
	EXPECT_NULL(klpm_transition_patch());	/* the hook ended it */
	n->touches = 42;
	n3_put(n);
	hdr = kt_hdr(&sess[5], STATS_ID, 1);
	ASSERT_NOT_NULL(hdr);
	EXPECT_EQ(hdr->version, 3);	/* live, not a twin */
	EXPECT_NULL(kt_hdr(&sess[5], STATS_ID, 0));
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OLD + 1);
	EXPECT_EQ(down_calls[5], 0u);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

static void expect_old_restored(unsigned long extra)
{
	struct klpsv_index *index = kt_index(STATS_ID);
	unsigned int i;

	ASSERT_NOT_NULL(index);
	EXPECT_NULL(klpm_transition_patch());
	EXPECT_TRUE(klpm_patch_installed(&oldm.patch));
	EXPECT_FALSE(klpm_patch_installed(&newm.patch));
	EXPECT_LOG("klpsv: kt_new: transition reverted, live data restored");
	/* every twin freed */
	for (i = 0; i < NR_OBJS; i++)
		EXPECT_NULL(kt_hdr(&sess[i], STATS_ID, 1));
	EXPECT_EQ(kt_instances(), NR_OLD + extra);
	EXPECT_EQ(index->state, KLPSV_INDEX_LIVE);
	EXPECT_EQ(index->version, 2u);
	EXPECT_EQ(index->epoch, 0u);
	EXPECT_EQ(index->next_epoch, 0u);
	EXPECT_EQ(index->next_count, 0ull);
	EXPECT_EQ(index->count, NR_OLD + extra);
	EXPECT_EQ(index->bytes, (NR_OLD + extra) * (u64)kt_instance_bytes(16));
	/* the old instances, byte for byte */
	for (i = 0; i < NR_OLD; i++) {
		EXPECT_EQ(v2_release[i], 0u);
		EXPECT_EQ(v2_dtor[i], 0u);
	}
}

TEST(klpsv_transition_revert_breaking_restores_old_frees_twins)
{
	unsigned int i;

	old_v2();
	new_begin(n3_fams);
	/* new code reads (the old data stays as it is) */
	for (i = 0; i < NR_OLD; i++)
		EXPECT_NOT_NULL(n3_get(&sess[i]));
	EXPECT_EQ(kt_instances(), 2ul * NR_OLD);
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	expect_old_restored(0);
	kt_snapshot(&snap1);
	EXPECT_SNAP_SAME(&snap0, &snap1);
	EXPECT_INDEX_SAME(&index0, kt_index(STATS_ID));
	for (i = 0; i < NR_OLD; i++) {
		struct stats_v2 *o = o2_get(&sess[i]);

		ASSERT_NOT_NULL(o);
		EXPECT_EQ(o->touches, 10u + i);
		EXPECT_EQ(o->bytes, 1000u + i);
		o2_put(o);
	}
	after_revert_release(n3_fams);
}

TEST(klpsv_transition_revert_breaking_new_object_goes_back_with_down)
{
	struct klpsv_hdr *hdr;
	struct stats_v2 *o;

	old_v2();
	new_begin(n3_fams);
	new_code_creates(n3_get_or_alloc, n3_put, true);
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	expect_old_restored(1);
	kt_snapshot(&snap1);
	/* the others are untouched; sess[5] now has old data, converted */
	EXPECT_EQ(snap1.n, snap0.n + 1);
	hdr = kt_hdr(&sess[5], STATS_ID, 0);
	ASSERT_NOT_NULL(hdr);
	EXPECT_EQ(hdr->version, 2);
	EXPECT_EQ(hdr->flags, KLPSV_HDR_LINKED);
	EXPECT_TRUE(klpsv_hdr_is_linked(hdr));
	EXPECT_EQ(down_calls[5], 1u);
	o = o2_get(&sess[5]);
	ASSERT(o == (struct stats_v2 *)(hdr + 1));
	EXPECT_EQ(o->touches, 42u);
	EXPECT_EQ(o->bytes, 4242u);
	o2_put(o);
	/* the new instance it came from was released */
	EXPECT_EQ(v3_dtor[5], 1u);
	after_revert_release(n3_fams);
}

/*
 * Regression (the threaded model check, seed 0x388af78731dd): the revert
 * walk has made the shell that sends a new-only object back, and before
 * it takes the index lock old code frees the object and makes it again.
 * Old code's get_or_alloc() must not fail on the walk's shell, and the
 * walk must not write into what old code made.
 */
static struct stats_v2 *recycled;

static void old_code_recycles(void *obj, unsigned long id, void *data)
{
	o2_free(obj);
	recycled = o2_get_or_alloc(obj, GFP_KERNEL, NULL);
	if (recycled) {
		recycled->touches = 7;
		o2_put(recycled);
	}
}

static void old_code_allocates(void *obj, unsigned long id, void *data)
{
	recycled = o2_get_or_alloc(obj, GFP_KERNEL, NULL);
	if (recycled) {
		recycled->touches = 8;
		o2_put(recycled);
	}
}

static void revert_walk_races(void (*old_code)(void *, unsigned long, void *),
			      unsigned int touches)
{
	struct stats_v2 *o;

	old_v2();
	new_begin(n3_fams);
	new_code_creates(n3_get_or_alloc, n3_put, true);
	EXPECT_EQ(klpm_transition_revert(), 0);
	recycled = NULL;
	klpm_after_shadow_alloc(&sess[5], old_code);
	EXPECT_EQ(klpm_transition_finish(), 0);
	ASSERT_NOT_NULL(recycled);
	o = o2_get(&sess[5]);
	EXPECT(o == recycled);
	if (o) {
		EXPECT_EQ(o->touches, touches);	/* old code's, not down's */
		o2_put(o);
	}
	EXPECT_EQ(down_calls[5], 0u);
}

TEST(klpsv_transition_revert_walk_vs_old_code_free_and_alloc)
{
	revert_walk_races(old_code_recycles, 7);
	after_revert_release(n3_fams);
}

TEST(klpsv_transition_revert_walk_vs_old_code_alloc)
{
	revert_walk_races(old_code_allocates, 8);
	EXPECT_EQ(v3_dtor[5], 1u);	/* the walk dropped the new-only one */
	after_revert_release(n3_fams);
}

TEST(klpsv_transition_revert_breaking_new_object_dropped_without_down)
{
	old_v2();
	new_begin(m3_fams);
	new_code_creates(m3_get_or_alloc, m3_put, false);
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	expect_old_restored(0);
	EXPECT_NULL(kt_hdr(&sess[5], STATS_ID, 0));
	EXPECT_NULL(o2_get(&sess[5]));
	EXPECT_EQ(v3_dtor[5], 1u);	/* dropped, released once */
	kt_snapshot(&snap1);
	EXPECT_SNAP_SAME(&snap0, &snap1);
	after_revert_release(m3_fams);
}

/* ---------------------------------------------------------------------
 * Additive: stats v1 (old) -> v2 (new) in place.
 */
#define MARK 0xabcd

static int up12(void *obj, const void *from, void *to)
{
	steps_on_held += *slot(old_holds, obj);
	(*slot(up_calls, obj))++;
	((struct stats_v2 *)to)->bytes = MARK;
	return 0;
}

static void v1_release_fn(void *obj, void *data)
{
	(*slot(v1_release, obj))++;
}

KLPSV_FAMILY(o1, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = 1, .layout = STATS_V1_LAYOUT, .reserve = STATS_RESERVE);
KLPSV_FAMILY(n2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     .dtor = v2_dtor_fn,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT, .up = up12,
			   .release = v1_release_fn }));

static struct klpsv_family *o1_fams[] = { &o1_family, NULL };
static struct klpsv_family *n2_fams[] = { &n2_family, NULL };

static void old_v1(void)
{
	unsigned int i;

	kt_begin();
	reset_counts();
	kmod_load(&oldm, "kt_old", o1_fams);
	ASSERT_EQ(kmod_enable(&oldm), 0);
	for (i = 0; i < NR_OLD; i++) {
		struct stats_v1 *st = o1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(st);
		st->touches = 10 + i;
		o1_put(st);
	}
	kmod_detach(&oldm);
	kt_snapshot(&snap0);
	kt_index_copy(&index0, kt_index(STATS_ID));
}

/*
 * The transition model's invariant: no step runs on an instance another
 * context may be reading or writing.  Old code holds every object (it is
 * between its get and its put, under its own lock) while the new patch is
 * enabled: pre_patch must run no step on them (a step that follows
 * pointers would read memory old code is replacing).  New code's own
 * access runs the step, and the walk after the transition the others.
 */
static void takeover_while_old_code_holds(void (*old_live)(void),
					  struct klpsv_family **fams)
{
	unsigned int i;

	old_live();
	for (i = 0; i < NR_OLD; i++)
		old_holds[i] = 1;
	steps_on_held = 0;
	new_begin(fams);
	for (i = 0; i < NR_OLD; i++) {
		EXPECT_EQ(up_calls[i], 0u);
		old_holds[i] = 0;
	}
	EXPECT_EQ(steps_on_held, 0u);
	/* new code's access to object 0, serialized with old code's */
	EXPECT_NOT_NULL(klpsv_get(fams[0], &sess[0]));
	EXPECT_EQ(up_calls[0], 1u);
	ASSERT_EQ(klpm_transition_finish(), 0);
	for (i = 0; i < NR_OLD; i++)
		EXPECT_EQ(up_calls[i], 1u);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_transition_no_step_on_data_old_code_holds_breaking)
{
	takeover_while_old_code_holds(old_v2, n3_fams);
}

TEST(klpsv_transition_no_step_on_data_old_code_holds_additive)
{
	takeover_while_old_code_holds(old_v1, n2_fams);
}

TEST(klpsv_transition_additive_shared_and_lazy)
{
	struct klpsv_index *index;
	struct stats_v1 *o;
	struct stats_v2 *n;
	unsigned int i;

	old_v1();
	new_begin(n2_fams);
	index = kt_index(STATS_ID);
	/* pre_patch ran no step: old code may be writing any instance */
	for (i = 0; i < NR_OLD; i++) {
		EXPECT_EQ(up_calls[i], 0u);
		EXPECT_EQ(kt_hdr(&sess[i], STATS_ID, 0)->version, 1);
	}

	/* one memory: each side sees the other's writes at once */
	o = o1_get(&sess[0]);
	n = n2_get(&sess[0]);
	ASSERT_NOT_NULL(o);
	ASSERT((void *)o == (void *)n);
	o->touches = 99;
	o1_put(o);
	EXPECT_EQ(n->touches, 99u);
	n->touches++;
	n->bytes = 7;
	n2_put(n);
	o = o1_get(&sess[0]);
	EXPECT_EQ(o->touches, 100u);
	o1_put(o);

	/* objects old code creates now: v1, migrated once, lazily ... */
	o = o1_get_or_alloc(&sess[5], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(o);
	o->touches = 5;
	o1_put(o);
	EXPECT_EQ(kt_hdr(&sess[5], STATS_ID, 0)->version, 1);
	n = n2_get(&sess[5]);
	ASSERT((void *)n == (void *)o);
	EXPECT_EQ(n->touches, 5u);
	EXPECT_EQ(n->bytes, (u32)MARK);
	EXPECT_EQ(up_calls[5], 1u);
	n2_put(n);
	n = n2_get(&sess[5]);
	n2_put(n);
	EXPECT_EQ(up_calls[5], 1u);
	/* ... or when the transition ends */
	o = o1_get_or_alloc(&sess[6], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(o);
	o1_put(o);
	EXPECT_EQ(up_calls[6], 0u);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(up_calls[6], 1u);
	EXPECT_EQ(kt_hdr(&sess[6], STATS_ID, 0)->version, 2);
	for (i = 0; i < NR_OBJS; i++)
		EXPECT_EQ(up_calls[i], 1u);
	EXPECT_EQ(index->migrations, (u64)NR_OBJS);
	EXPECT_EQ(index->count, (u64)NR_OBJS);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	for (i = 0; i < NR_OBJS; i++) {
		EXPECT_EQ(v2_dtor[i], 1u);
		EXPECT_EQ(v1_release[i], 0u);
	}
	kt_end();
}

TEST(klpsv_transition_revert_additive_byte_identical)
{
	unsigned int i;

	old_v1();
	new_begin(n2_fams);
	for (i = 0; i < NR_OLD; i++) {
		struct stats_v2 *n = n2_get(&sess[i]);

		ASSERT_NOT_NULL(n);
		EXPECT_EQ(n->bytes, (u32)MARK);	/* migrated in place */
	}
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_TRUE(klpm_patch_installed(&oldm.patch));
	kt_snapshot(&snap1);
	EXPECT_SNAP_SAME(&snap0, &snap1);
	EXPECT_INDEX_SAME(&index0, kt_index(STATS_ID));
	EXPECT_EQ(kt_index(STATS_ID)->state, KLPSV_INDEX_LIVE);
	for (i = 0; i < NR_OLD; i++) {
		EXPECT_EQ(kt_hdr(&sess[i], STATS_ID, 0)->version, 1);
		EXPECT_EQ(v2_dtor[i], 0u);
	}
	after_revert_release(n2_fams);
}

TEST(klpsv_transition_revert_additive_restores_bytes_and_version)
{
	struct klpsv_hdr *hdr;
	struct stats_v2 *n;
	unsigned int i;

	old_v1();
	new_begin(n2_fams);
	for (i = 0; i < NR_OLD; i++) {
		/* new code migrates each in place on its first access */
		n = n2_get(&sess[i]);
		ASSERT_NOT_NULL(n);
		n2_put(n);
		hdr = kt_hdr(&sess[i], STATS_ID, 0);
		ASSERT_NOT_NULL(hdr);
		EXPECT_EQ(hdr->version, 2);
		EXPECT_EQ(((struct stats_v2 *)(hdr + 1))->bytes, (u32)MARK);
	}
	/* new code creates an object's data during the transition */
	n = n2_get_or_alloc(&sess[5], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(n);
	n->touches = 50;
	n->bytes = 51;
	n2_put(n);

	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_TRUE(klpm_patch_installed(&oldm.patch));
	EXPECT_FALSE(klpm_patch_installed(&newm.patch));
	EXPECT_LOG("klpsv: kt_new: transition reverted, live data restored");

	/* the old instances: version 1 again, tail room zeroed, as before */
	kt_snapshot(&snap1);
	ASSERT_EQ(snap1.n, snap0.n + 1);
	for (i = 0; i < snap0.n; i++) {
		unsigned int j;

		for (j = 0; j < snap1.n; j++) {
			if (snap1.e[j].obj == snap0.e[i].obj)
				break;
		}
		ASSERT_LT(j, snap1.n);
		EXPECT_EQ(snap1.e[j].len, snap0.e[i].len);
		/*
		 * The data and tail room (the header's chain has a new
		 * neighbour, and new code's puts moved the generation).
		 */
		EXPECT_MEMEQ(snap1.e[j].bytes + 16, snap0.e[i].bytes + 16, 4);
		EXPECT_MEMEQ(snap1.e[j].bytes + 24, snap0.e[i].bytes + 24,
			     snap0.e[i].len - 24);
	}
	{
		struct klpsv_index *index = kt_index(STATS_ID);

		EXPECT_EQ(index->state, KLPSV_INDEX_LIVE);
		EXPECT_EQ(index->version, 1u);
		EXPECT_EQ(index->layout, index0.layout);
		EXPECT_EQ(index->epoch, 0u);
		EXPECT_EQ(index->size, index0.size);
		EXPECT_EQ(index->alloc_size, index0.alloc_size);
		EXPECT_EQ(index->count, index0.count + 1);
		EXPECT_STREQ(index->owner, "kt_old");
	}
	/* ... except that the one new code made is there, as a v1 one */
	hdr = kt_hdr(&sess[5], STATS_ID, 0);
	ASSERT_NOT_NULL(hdr);
	EXPECT_EQ(hdr->version, 1);
	EXPECT_EQ(((struct stats_v2 *)(hdr + 1))->touches, 50u);
	EXPECT_EQ(((struct stats_v2 *)(hdr + 1))->bytes, 0u);
	for (i = 0; i < NR_OBJS; i++) {
		EXPECT_EQ(v2_dtor[i], 0u);
		EXPECT_EQ(v1_release[i], 0u);
	}
	/* the old code finds everything */
	for (i = 0; i < NR_OLD; i++) {
		struct stats_v1 *o = o1_get(&sess[i]);

		ASSERT_NOT_NULL(o);
		EXPECT_EQ(o->touches, 10u + i);
		o1_put(o);
	}
	after_revert_release(n2_fams);
}

/* ---------------------------------------------------------------------
 * Reverts of the other takeovers, and a reversed disable.
 */
KLPSV_FAMILY(tg1, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 1,
	     .layout = TAG_V1_LAYOUT, .dtor = v3_dtor_fn);

static void tag_release_fn(void *obj, void *data)
{
	(*slot(v1_release, obj))++;
}

static struct klpsv_family tg_tomb = {
	.name = "tag",
	.id = TAG_ID,
	.version = 2,
	.retired = true,
	KLPSV_STEPS({ .from = 1, .layout = TAG_V1_LAYOUT,
		      .release = tag_release_fn }),
};

TEST(klpsv_transition_revert_new_family_removes_it)
{
	static struct klpsv_family *fams[] = { &n3_family, &tg1_family, NULL };
	struct tag_v1 *t;

	old_v2();
	new_begin(fams);
	ASSERT_NOT_NULL(kt_index(TAG_ID));
	t = tg1_get_or_alloc(&sess[0], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(t);
	tg1_put(t);
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	/* the family the reverted patch brought is gone, with its data */
	EXPECT_NULL(kt_index(TAG_ID));
	EXPECT_EQ(kt_count(TAG_ID), 0ul);
	/* its tag; the stats twin was reserved, never converted */
	EXPECT_EQ(v3_dtor[0], 1u);
	expect_old_restored(0);
	kt_snapshot(&snap1);
	EXPECT_SNAP_SAME(&snap0, &snap1);
	after_revert_release(n3_fams);
}

TEST(klpsv_transition_revert_tombstone_keeps_family)
{
	static struct klpsv_family *live[] = { &o2_family, &tg1_family, NULL };
	static struct klpsv_family *fams[] = { &o2_family, &tg_tomb, NULL };
	static struct klpsv_family *succ[] = { &o2_family, &tg1_family, NULL };
	unsigned int i;

	kt_begin();
	reset_counts();
	kmod_load(&oldm, "kt_old", live);
	ASSERT_EQ(kmod_enable(&oldm), 0);
	for (i = 0; i < NR_OLD; i++) {
		struct tag_v1 *t = tg1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(t);
		t->who[0] = 'a' + i;
		tg1_put(t);
	}
	kmod_detach(&oldm);
	kt_snapshot(&snap0);
	new_begin(fams);
	EXPECT_EQ(kt_index(TAG_ID)->state, KLPSV_INDEX_TRANSITION);
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(kt_index(TAG_ID)->state, KLPSV_INDEX_LIVE);
	EXPECT_EQ(kt_index(TAG_ID)->version, 1u);
	kt_snapshot(&snap1);
	EXPECT_SNAP_SAME(&snap0, &snap1);
	for (i = 0; i < NR_OLD; i++)
		EXPECT_EQ(v1_release[i], 0u);
	after_revert_release(succ);
	for (i = 0; i < NR_OLD; i++)
		EXPECT_EQ(v3_dtor[i], 1u);
}

TEST(klpsv_transition_reversed_disable_keeps_data)
{
	struct stats_v3 *n;
	unsigned int i;

	old_v2();
	kmod_load(&newm, "kt_new", n3_fams);
	ASSERT_EQ(kmod_enable(&newm), 0);
	kt_snapshot(&snap0);
	/* echo 0 > enabled, then 1 again before every task switched */
	ASSERT_EQ(klpm_disable_begin(&newm.patch), 0);
	ASSERT_EQ(klpm_transition_revert(), 0);
	ASSERT_EQ(klpm_transition_finish(), 0);
	EXPECT_TRUE(klpm_patch_installed(&newm.patch));
	kt_snapshot(&snap1);
	EXPECT_SNAP_SAME(&snap0, &snap1);
	for (i = 0; i < NR_OLD; i++) {
		n = n3_get(&sess[i]);
		ASSERT_NOT_NULL(n);
		EXPECT_EQ(n->touches, 10ull + i);
		n3_put(n);
		EXPECT_EQ(v3_dtor[i], 0u);
	}
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	for (i = 0; i < NR_OLD; i++)
		EXPECT_EQ(v3_dtor[i], 1u);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* ---------------------------------------------------------------------
 * A forced transition: the old patch's code may still run afterwards.
 */
static struct kmod thirdm;

TEST(klpsv_transition_forced_keeps_old_and_new_in_sync)
{
	struct klpsv_registry *reg;
	struct klpsv_index *index, *tmp;
	struct stats_v2 *o;
	struct stats_v3 *n;

	old_v2();
	new_begin(n3_fams);
	/* What writing 1 to "force" does: the replaced patch is marked. */
	oldm.patch.forced = true;
	EXPECT_EQ(klpm_transition_finish(), 0);
	index = kt_index(STATS_ID);
	ASSERT_NOT_NULL(index);
	EXPECT_EQ(index->state, KLPSV_INDEX_FORCED);
	EXPECT_LOG("the transition was forced: v2 instances stay in sync with v3");
	ASSERT_NOT_NULL(kt_hdr(&sess[0], STATS_ID, 0));
	EXPECT_EQ(v2_release[0], 0u);

	/* old code still running writes; new code sees it */
	o = o2_get(&sess[0]);
	ASSERT_NOT_NULL(o);
	o->touches = 700;
	o2_put(o);
	n = n3_get(&sess[0]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 700ull);
	/* new code writes; written through for old code */
	n->touches = 701;
	n3_put(n);
	o = o2_get(&sess[0]);
	ASSERT_NOT_NULL(o);
	EXPECT_EQ(o->touches, 701u);
	/* old code writes last, and opens a session (point 12, FUZZ_BUG5) */
	o->touches = 702;
	o2_put(o);
	o = o2_get_or_alloc(&sess[5], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(o);
	o->touches = 55;
	o2_put(o);

	/*
	 * A later patch takes over: the forced transition ends first, the
	 * forcing patch's step bringing every twin up to date.
	 */
	kmod_detach(&newm);
	kmod_load(&thirdm, "kt_third", t3_fams);
	EXPECT_EQ(kmod_enable(&thirdm), 0);
	EXPECT_LOG("family 'stats': ending the transition forced by kt_new");
	EXPECT_EQ(index->state, KLPSV_INDEX_LIVE);
	EXPECT_EQ(index->version, 3u);
	EXPECT_NULL(kt_hdr(&sess[0], STATS_ID, 0));
	EXPECT_EQ(v2_release[0], 1u);
	EXPECT_NULL(o2_get(&sess[0]));	/* old code is cut off */
	n = t3_get(&sess[0]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 702ull);
	t3_put(n);
	n = t3_get(&sess[5]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 55ull);
	t3_put(n);

	/* a real disable frees every instance but keeps the index */
	reg = kt_registry();
	EXPECT(reg->flags & KLPSV_REG_FORCED);
	EXPECT_EQ(klpm_disable(&thirdm.patch), 0);
	kmod_exit(&thirdm);
	EXPECT_EQ(kt_instances(), 0ul);
	EXPECT_EQ(index->state, KLPSV_INDEX_UNUSED);
	EXPECT_EQ(v3_dtor[0], 1u);

	/* what a reboot would do, for the next test */
	list_for_each_entry_safe(index, tmp, &reg->families, node)
		__klpsv_index_destroy(reg, index);
	kt_end();
}

/*
 * Transition model point 3: a forced disable is treated as forced.  Code
 * of the disabled patch may still run (the kernel never unloads it), so
 * its instances and index stay; its accessors keep working, and the next
 * patch that brings the family back frees them as strays.
 */
TEST(klpsv_transition_forced_disable_frees_nothing_in_use)
{
	struct klpsv_registry *reg;
	struct klpsv_index *index, *tmp;
	struct stats_v3 *n;

	kt_begin();
	reset_counts();
	kmod_load(&newm, "kt_new", n3_fams);
	ASSERT_EQ(kmod_enable(&newm), 0);
	n = n3_get_or_alloc(&sess[0], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(n);
	n->touches = 33;
	n3_put(n);
	/* What writing 1 to "force" during the disable does. */
	newm.patch.forced = true;
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	EXPECT_LOG("klpsv: kt_new: family 'stats': the disable was forced: 1 instances kept for code that may still run");
	reg = kt_registry();
	ASSERT_NOT_NULL(reg);
	EXPECT(reg->flags & KLPSV_REG_FORCED);
	EXPECT_EQ(v3_dtor[0], 0u);
	/* code of the disabled patch still running finds its data */
	n = n3_get(&sess[0]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 33ull);
	n3_put(n);
	n = n3_get_or_alloc(&sess[1], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(n);
	n3_put(n);

	/* a later patch brings the family back: the strays go then */
	kmod_detach(&newm);
	kmod_load(&thirdm, "kt_third", n3_fams);
	EXPECT_EQ(kmod_enable(&thirdm), 0);
	EXPECT_EQ(v3_dtor[0], 1u);
	EXPECT_EQ(v3_dtor[1], 1u);
	EXPECT_NULL(n3_get(&sess[0]));
	EXPECT_EQ(klpm_disable(&thirdm.patch), 0);
	kmod_exit(&thirdm);
	EXPECT_EQ(kt_instances(), 0ul);
	/* what a reboot would do, for the next test */
	list_for_each_entry_safe(index, tmp, &reg->families, node)
		__klpsv_index_destroy(reg, index);
	kt_end();
}

/* pre_patch with every allocation failing. */
static int pre_patch_without_memory(struct klp_object *obj)
{
	int ret;

	shim_fail_allocs_from(1);
	ret = klpsv_pre_patch(obj);
	shim_fail_off();
	return ret;
}

/*
 * Transition model point 9: ending a forced transition cannot be undone,
 * so a family left in sync by one is taken over last, after every other
 * family of the patch.  Here the patch's new family (listed after stats)
 * cannot get its index: the patch is refused, and the forced transition
 * is still as it was, old code of the forced-out patch still in sync.
 */
TEST(klpsv_transition_refused_patch_leaves_forced_transition_alone)
{
	static struct klpsv_family *fams[] = { &t3_family, &tg1_family, NULL };
	struct klpsv_registry *reg;
	struct klpsv_index *index, *tmp;
	struct stats_v2 *o;

	old_v2();
	new_begin(n3_fams);
	oldm.patch.forced = true;
	EXPECT_EQ(klpm_transition_finish(), 0);
	index = kt_index(STATS_ID);
	ASSERT_NOT_NULL(index);
	ASSERT_EQ(index->state, KLPSV_INDEX_FORCED);

	kmod_detach(&newm);
	kmod_load(&thirdm, "kt_third", fams);
	thirdm.objs[0].callbacks.pre_patch = pre_patch_without_memory;
	EXPECT_EQ(kmod_enable(&thirdm), -ENOMEM);
	EXPECT_LOG("klpsv: kt_third: taking over family 'tag' failed (-12)");
	EXPECT_EQ(index->state, KLPSV_INDEX_FORCED);
	EXPECT_NULL(kt_index(TAG_ID));
	EXPECT_EQ(v2_release[0], 0u);
	o = o2_get(&sess[0]);		/* old code still in sync */
	ASSERT_NOT_NULL(o);
	EXPECT_EQ(o->touches, 10u);
	o2_put(o);

	/* the same patch with memory: the forced transition ends now */
	kmod_load(&thirdm, "kt_third", fams);
	EXPECT_EQ(kmod_enable(&thirdm), 0);
	EXPECT_EQ(index->state, KLPSV_INDEX_LIVE);
	EXPECT_EQ(klpm_disable(&thirdm.patch), 0);
	kmod_exit(&thirdm);
	EXPECT_EQ(kt_instances(), 0ul);
	reg = kt_registry();
	list_for_each_entry_safe(index, tmp, &reg->families, node)
		__klpsv_index_destroy(reg, index);
	kt_end();
}

/*
 * Transition model point 2: old code frees an object whose instance new
 * code has migrated to a version old code does not know (in place, or a
 * twin): the version's own destructor runs, the incoming family's, so
 * nothing the instance owns leaks.
 */
TEST(klpsv_transition_old_code_frees_a_newer_instance_with_its_dtor)
{
	struct stats_v2 *n2;
	struct stats_v3 *n3;

	old_v1();
	new_begin(n2_fams);
	n2 = n2_get(&sess[0]);		/* migrated in place to v2 */
	ASSERT_NOT_NULL(n2);
	n2_put(n2);
	o1_free(&sess[0]);
	EXPECT_EQ(v2_dtor[0], 1u);
	EXPECT_NULL(kt_hdr(&sess[0], STATS_ID, 0));
	o1_free(&sess[1]);		/* still at v1: nothing of v2 to run */
	EXPECT_EQ(v2_dtor[1], 0u);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();

	old_v2();
	new_begin(n3_fams);
	n3 = n3_get(&sess[0]);		/* its twin, converted */
	ASSERT_NOT_NULL(n3);
	n3_put(n3);
	o2_free(&sess[0]);
	EXPECT_EQ(v2_dtor[0], 1u);
	EXPECT_EQ(v3_dtor[0], 1u);
	EXPECT_NULL(kt_hdr(&sess[0], STATS_ID, 1));
	o2_free(&sess[1]);		/* its twin was never converted */
	EXPECT_EQ(v3_dtor[1], 0u);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* "own": v2 adds a buffer that up and the constructor allocate. */
struct own1 {
	u32 x;
};
struct own2 {
	u32 x;
	u32 pad;
	void *buf;
};
#define OWN1_LAYOUT KLPSV_LAYOUT(struct own1, KLPSV_FIELD(struct own1, x))
#define OWN2_LAYOUT KLPSV_LAYOUT(struct own2, KLPSV_FIELD(struct own2, x), \
				 KLPSV_FIELD(struct own2, pad), \
				 KLPSV_FIELD(struct own2, buf))
#define OWN_ID KLPSV_ID(0xb1, 1)

static int own_bufs;	/* allocated and not freed */

static int own_up(void *obj, const void *from, void *to)
{
	struct own2 *n = to;

	n->buf = kmalloc(32, GFP_ATOMIC);
	own_bufs += !!n->buf;
	return n->buf ? 0 : -ENOMEM;
}

/* In place: release only what the new members own. */
static int own_down(void *obj, const void *from, void *to)
{
	struct own2 *n = to;

	own_bufs -= !!n->buf;
	kfree(n->buf);
	n->buf = NULL;
	return 0;
}

static int own_ctor(void *obj, void *data, void *arg)
{
	return own_up(obj, data, data);
}

static void own_dtor(void *obj, void *data)
{
	own_down(obj, data, data);
}

KLPSV_FAMILY(w1, struct own1, .name = "own", .id = OWN_ID, .version = 1,
	     .layout = OWN1_LAYOUT, .reserve = 16);
KLPSV_FAMILY(w2, struct own2, .name = "own", .id = OWN_ID, .version = 2,
	     .layout = OWN2_LAYOUT, .reserve = 4, .ctor = own_ctor,
	     .dtor = own_dtor,
	     KLPSV_STEPS({ .from = 1, .layout = OWN1_LAYOUT, .up = own_up,
			   .down = own_down }));

/*
 * Transition model point 6: a reverted additive transition releases what
 * the new members own (through the step's down, run in place on them
 * only) and leaves the older members byte for byte as they were.
 */
TEST(klpsv_transition_revert_additive_releases_new_members)
{
	static struct klpsv_family *w1_fams[] = { &w1_family, NULL };
	static struct klpsv_family *w2_fams[] = { &w2_family, NULL };
	struct own2 *n;
	unsigned int i;

	kt_begin();
	own_bufs = 0;
	kmod_load(&oldm, "kt_old", w1_fams);
	ASSERT_EQ(kmod_enable(&oldm), 0);
	for (i = 0; i < NR_OLD; i++) {
		struct own1 *o = w1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(o);
		o->x = 70 + i;
		w1_put(o);
	}
	kmod_detach(&oldm);
	kt_snapshot(&snap0);
	new_begin(w2_fams);
	for (i = 0; i < 3; i++) {	/* new code migrates three */
		n = w2_get(&sess[i]);
		ASSERT_NOT_NULL(n);
		EXPECT_NOT_NULL(n->buf);
		w2_put(n);
	}
	n = w2_get_or_alloc(&sess[5], GFP_KERNEL, NULL);	/* and makes one */
	ASSERT_NOT_NULL(n);
	w2_put(n);
	EXPECT_EQ(own_bufs, 4);
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(own_bufs, 0);
	for (i = 0; i < NR_OLD; i++) {
		struct own1 *o = w1_get(&sess[i]);

		ASSERT_NOT_NULL(o);
		EXPECT_EQ(o->x, 70u + i);
		EXPECT_EQ(((struct own2 *)o)->buf, NULL);
		w1_put(o);
	}
	w1_free(&sess[5]);
	kmod_exit(&newm);
	kmod_load(&newm, "kt_new", w2_fams);
	EXPECT_EQ(kmod_enable(&newm), 0);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(own_bufs, 0);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/*
 * Transition model point 5: on PREEMPT_RT the index lock sleeps, so in a
 * hard IRQ (here: the shim's PREEMPT_RT with IRQs off, as in an
 * HRTIMER_MODE_HARD callback) an accessor takes no lock.  A get returns
 * what it finds at its version, or at a newer one that kept its members
 * in place, without one (an instance to migrate or a twin to make reads
 * as NULL there); the calls that need the lock
 * refuse with a warning.  Back in task context, the get migrates.
 */
TEST(klpsv_transition_hard_irq_on_preempt_rt_takes_no_lock)
{
	struct stats_v1 *o;
	struct stats_v2 *n;
	unsigned long flags;

	old_v1();
	new_begin(n2_fams);
	n = n2_get(&sess[1]);		/* migrated in task context */
	ASSERT_NOT_NULL(n);
	n2_put(n);

	shim_preempt_rt = true;
	local_irq_save(flags);
	n = n2_get(&sess[1]);		/* at its version: found */
	EXPECT_NOT_NULL(n);
	if (n)
		n2_put(n);
	EXPECT_NULL(n2_get(&sess[0]));	/* to migrate: not here */
	EXPECT_NULL(n2_get(&sess[6]));	/* no data */
	EXPECT_NOT_NULL(o1_get(&sess[0]));	/* old code's, as it is */
	/* old code, on an instance new code migrated in place: v1 kept */
	o = o1_get(&sess[1]);
	EXPECT_NOT_NULL(o);
	if (o)
		o1_put(o);
	EXPECT_NULL(n2_get_or_alloc(&sess[6], GFP_ATOMIC, NULL));
	EXPECT_WARNINGS(1);
	local_irq_restore(flags);
	shim_preempt_rt = false;
	EXPECT_EQ(up_calls[0], 0u);

	n = n2_get(&sess[0]);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->bytes, (u32)MARK);
	n2_put(n);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/*
 * An in-place step that fails in new code's accessor leaves the instance
 * at the older version: klpsv_get_or_alloc() must then return NULL, not
 * hand the older instance out as the newer version (new code would write
 * its members into tail room the next step overwrites).  Found by the VM
 * test of a failing lazy step.
 */
static bool up12_fails;

static int up12_failing(void *obj, const void *from, void *to)
{
	return up12_fails ? -EIO : up12(obj, from, to);
}

KLPSV_FAMILY(f2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = up12_failing }));

TEST(klpsv_transition_get_or_alloc_after_failed_step_is_null)
{
	static struct klpsv_family *f2_fams[] = { &f2_family, NULL };
	struct stats_v2 *n;

	old_v1();
	new_begin(f2_fams);
	up12_fails = true;
	EXPECT_NULL(f2_get(&sess[0]));
	EXPECT_NULL(f2_get_or_alloc(&sess[0], GFP_KERNEL, NULL));
	up12_fails = false;
	EXPECT_EQ(kt_hdr(&sess[0], STATS_ID, 0)->version, 1);
	n = f2_get_or_alloc(&sess[0], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(n);
	EXPECT_EQ(n->touches, 10u);
	EXPECT_EQ(n->bytes, (u32)MARK);
	f2_put(n);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(klpm_disable(&newm.patch), 0);
	kmod_exit(&newm);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/*
 * Transition model point 3: a forced revert is treated as forced.  Code of
 * the reverted patch may still run and hold its twins: they leave the
 * index (old code's data is as it was) but are not freed, and the family
 * it brought keeps its instances; a task still writing through a pointer
 * it holds writes memory that is still allocated (ASan would report it).
 */
TEST(klpsv_transition_forced_revert_frees_nothing_in_use)
{
	static struct klpsv_family *fams[] = { &n3_family, &tg1_family, NULL };
	struct klpsv_registry *reg;
	struct klpsv_index *index, *tmp;
	struct tag_v1 *t;
	struct stats_v3 *n;
	struct stats_v2 *o;

	old_v2();
	new_begin(fams);
	n = n3_get(&sess[0]);		/* held by a task of the new patch */
	ASSERT_NOT_NULL(n);
	t = tg1_get_or_alloc(&sess[0], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(t);
	EXPECT_EQ(klpm_transition_revert(), 0);
	newm.patch.forced = true;	/* "force" during the revert */
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_LOG("klpsv: kt_new: family 'stats': the revert was forced: 1 v3 instances kept for code that may still run");
	n->touches = 99;		/* still allocated */
	t->who[0] = 'x';
	EXPECT_EQ(v3_dtor[0], 0u);
	o = o2_get(&sess[0]);		/* old code's data as it was */
	ASSERT_NOT_NULL(o);
	EXPECT_EQ(o->touches, 10u);
	o2_put(o);
	reg = kt_registry();
	EXPECT(reg->flags & KLPSV_REG_FORCED);
	/* a v3 again would reuse the epoch that code may still use */
	kmod_exit(&newm);
	kmod_load(&newm, "kt_new", n3_fams);
	EXPECT_EQ(kmod_enable(&newm), -EINVAL);
	EXPECT_LOG("its next layout epoch, 1, may still be used by code a forced transition left running");
	/* the same version goes on, and is disabled */
	kmod_load(&thirdm, "kt_third", o2_fams);
	ASSERT_EQ(kmod_enable(&thirdm), 0);
	EXPECT_EQ(klpm_disable(&thirdm.patch), 0);
	kmod_exit(&thirdm);
	/* what a reboot would do with what the forced-out code may hold */
	list_for_each_entry_safe(index, tmp, &reg->families, node)
		__klpsv_index_destroy(reg, index);
	/* the twin and the tag (owned, or shadows in format 1), the registry */
	EXPECT_EQ(kt_census_reset() + klpm_shadow_reset(false), 3ul);
	kt_end();
}
