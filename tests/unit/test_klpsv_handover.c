// SPDX-License-Identifier: GPL-2.0
/*
 * Safe handover along a chain of cumulative patches, the chain sample's
 * (samples/chain): stats v1 -> v2 in place (additive), tag added in p2,
 * stats v2 -> v3 in a new layout epoch (breaking), tag retired by a
 * tombstone in p3, then a real disable that frees everything, each
 * destructor once.  Each patch is a module with its own klpsv copy (see
 * test_klpsv.h: kmod_detach()); transitions are held open so the state in
 * the middle can be checked too.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../../samples/chain/schemas.h"
#include "test_klpsv.h"

#define NR_OBJS 5
#define BYTES_MARK 0x77		/* what the v1 -> v2 step writes */

static struct chain_session sess[NR_OBJS];
static struct kmod p1, p2, p3, p4;

/* per-object counts of every destructor and release */
static unsigned int v3_dtor[NR_OBJS], v2_release[NR_OBJS], v1_release[NR_OBJS],
		    tag_release[NR_OBJS], other[1];

static unsigned int *slot(unsigned int *counts, void *obj)
{
	struct chain_session *s = obj;

	if (s >= sess && s < sess + NR_OBJS)
		return &counts[s - sess];
	return &other[0];
}

static void reset_counts(void)
{
	memset(v3_dtor, 0, sizeof(v3_dtor));
	memset(v2_release, 0, sizeof(v2_release));
	memset(v1_release, 0, sizeof(v1_release));
	memset(tag_release, 0, sizeof(tag_release));
	other[0] = 0;
}

static void expect_counts(const unsigned int *counts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < NR_OBJS; i++)
		EXPECT_EQ(counts[i], n);
}

/* p1 */
KLPSV_FAMILY(s1, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = 1, .layout = STATS_V1_LAYOUT, .reserve = STATS_RESERVE);

/* p2: stats in place, tag new */
static int s1_to_s2(void *obj, const void *from, void *to)
{
	struct stats_v2 *st = to;

	st->bytes = BYTES_MARK;
	return 0;
}

static void s1_release(void *obj, void *data)
{
	(*slot(v1_release, obj))++;
}

KLPSV_FAMILY(s2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = s1_to_s2, .release = s1_release }));
KLPSV_FAMILY(t1, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 1,
	     .layout = TAG_V1_LAYOUT);

/* p3: stats in a new layout, tag retired */
static int s2_to_s3(void *obj, const void *from, void *to)
{
	const struct stats_v2 *o = from;
	struct stats_v3 *n = to;

	n->touches = o->touches;
	n->bytes = o->bytes;
	return 0;
}

static int s1_to_s3(void *obj, const void *from, void *to)
{
	((struct stats_v3 *)to)->touches = ((const struct stats_v1 *)from)->touches;
	return 0;
}

static int s3_to_s2(void *obj, const void *from, void *to)
{
	const struct stats_v3 *n = from;
	struct stats_v2 *o = to;

	o->touches = min_t(u64, n->touches, U32_MAX);
	o->bytes = min_t(u64, n->bytes, U32_MAX);
	return 0;
}

static void s2_release(void *obj, void *data)
{
	(*slot(v2_release, obj))++;
}

static void s3_dtor(void *obj, void *data)
{
	(*slot(v3_dtor, obj))++;
}

static void t1_release(void *obj, void *data)
{
	(*slot(tag_release, obj))++;
}

KLPSV_FAMILY(s3, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = 3, .layout = STATS_V3_LAYOUT, .reserve = STATS_RESERVE,
	     .dtor = s3_dtor,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = s1_to_s3, .release = s1_release },
			 { .from = 2, .layout = STATS_V2_LAYOUT, .up = s2_to_s3,
			   .down = s3_to_s2, .release = s2_release }));

static struct klpsv_family t_tomb = {
	.name = "tag",
	.id = TAG_ID,
	.version = 2,
	.retired = true,
	KLPSV_STEPS({ .from = 1, .layout = TAG_V1_LAYOUT,
		      .release = t1_release }),
};

static struct klpsv_family *p1_fams[] = { &s1_family, NULL };
static struct klpsv_family *p2_fams[] = { &s2_family, &t1_family, NULL };
static struct klpsv_family *p3_fams[] = { &s3_family, &t_tomb, NULL };

/* p1 live with touches 10 + i on every session. */
static void chain_p1(void)
{
	unsigned int i;

	kt_begin();
	reset_counts();
	kmod_load(&p1, "kt_p1", p1_fams);
	ASSERT_EQ(kmod_enable(&p1), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v1 *st = s1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(st);
		st->touches = 10 + i;
		s1_put(st);
	}
	EXPECT_EQ(kt_index(STATS_ID)->count, (u64)NR_OBJS);
}

/* p2 replaces p1 (held open: the caller checks, then finishes). */
static void chain_p2_begin(void)
{
	kmod_detach(&p1);
	kmod_load(&p2, "kt_p2", p2_fams);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&p2), 0);
	klpm_hold_transitions(false);
	ASSERT(klpm_transition_patch() == &p2.patch);
}

/* Tags on every session, written by p2's code. */
static void chain_p2_tags(void)
{
	unsigned int i;

	for (i = 0; i < NR_OBJS; i++) {
		struct tag_v1 *t = t1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(t);
		snprintf(t->who, sizeof(t->who), "who%u", i);
		t1_put(t);
	}
}

static void chain_p3_begin(void)
{
	kmod_detach(&p2);
	kmod_load(&p3, "kt_p3", p3_fams);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&p3), 0);
	klpm_hold_transitions(false);
	ASSERT(klpm_transition_patch() == &p3.patch);
}

/* The real disable of the last patch: everything goes, once. */
static void chain_release(struct kmod *last)
{
	struct klpsv_registry *reg;

	EXPECT_EQ(klpm_disable(&last->patch), 0);
	EXPECT_EQ(klpm_nr_patches(), 0u);
	EXPECT_EQ(kt_instances(), 0ul);
	/* only the registry is left, with no family */
	EXPECT_EQ(klpm_shadow_count_all(), 1ul);
	reg = kt_registry();
	ASSERT_NOT_NULL(reg);
	EXPECT(list_empty(&reg->families));
	EXPECT_EQ(reg->magic, KLPSV_REGISTRY_MAGIC);
	kmod_exit(last);
	kt_end();
}

TEST(klpsv_handover_additive_in_place)
{
	struct stats_v1 *before[NR_OBJS];
	struct klpsv_index *index;
	unsigned int i;

	chain_p1();
	for (i = 0; i < NR_OBJS; i++)
		before[i] = s1_get(&sess[i]);
	for (i = 0; i < NR_OBJS; i++)
		s1_put(before[i]);
	chain_p2_begin();

	/*
	 * In the transition: nothing migrated yet (old code may be writing
	 * any instance); new code's first access migrates in place.
	 */
	index = kt_index(STATS_ID);
	ASSERT_NOT_NULL(index);
	EXPECT_EQ(index->state, KLPSV_INDEX_TRANSITION);
	EXPECT_EQ(index->next_version, 2u);
	EXPECT_EQ(index->next_epoch, 0u);
	EXPECT_EQ(index->epoch, 0u);
	for (i = 0; i < NR_OBJS; i++) {
		struct klpsv_hdr *hdr = kt_hdr(&sess[i], STATS_ID, 0);

		ASSERT_NOT_NULL(hdr);
		EXPECT((void *)(hdr + 1) == (void *)before[i]);
		EXPECT_EQ(hdr->version, 1);
		EXPECT_NULL(kt_hdr(&sess[i], STATS_ID, 1));
	}
	/* old code still finds its data at its place, new code too */
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v1 *o = s1_get(&sess[i]);
		struct stats_v2 *n = s2_get(&sess[i]);

		EXPECT((void *)o == (void *)before[i]);
		EXPECT((void *)n == (void *)before[i]);
		if (o && n) {
			EXPECT_EQ(o->touches, 10 + i);
			EXPECT_EQ(n->touches, 10 + i);
			EXPECT_EQ(n->bytes, BYTES_MARK);
			s1_put(o);
			s2_put(n);
		}
	}

	ASSERT_EQ(klpm_transition_finish(), 0);
	EXPECT_FALSE(klpm_patch_installed(&p1.patch));
	EXPECT_EQ(index->state, KLPSV_INDEX_LIVE);
	EXPECT_EQ(index->version, 2u);
	EXPECT_EQ(index->layout, 0x799d9d49u);
	EXPECT_EQ(index->epoch, 0u);
	EXPECT_EQ(index->count, (u64)NR_OBJS);
	EXPECT_EQ(index->migrations, (u64)NR_OBJS);
	EXPECT_STREQ(index->owner, "kt_p2");
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OBJS);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v2 *n = s2_get(&sess[i]);

		EXPECT((void *)n == (void *)before[i]);
		if (n) {
			EXPECT_EQ(n->touches, 10 + i);
			EXPECT_EQ(n->bytes, BYTES_MARK);
			s2_put(n);
		}
	}
	/* nothing freed by an in-place migration */
	expect_counts(v1_release, 0);
	EXPECT_LOG("klpsv: kt_p2: family 'stats': taking over 5 instances, v1 -> v2 (in place)");
	chain_release(&p2);
}

TEST(klpsv_handover_new_family_in_later_patch)
{
	struct klpsv_index *tag;
	unsigned int i;

	chain_p1();
	EXPECT_NULL(kt_index(TAG_ID));
	chain_p2_begin();
	tag = kt_index(TAG_ID);
	ASSERT_NOT_NULL(tag);
	EXPECT_EQ(tag->count, 0ull);
	EXPECT_EQ(tag->version, 1u);
	EXPECT_STREQ(tag->name, "tag");
	ASSERT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(tag->state, KLPSV_INDEX_LIVE);
	chain_p2_tags();
	EXPECT_EQ(tag->count, (u64)NR_OBJS);
	for (i = 0; i < NR_OBJS; i++) {
		struct tag_v1 *t = t1_get(&sess[i]);

		ASSERT_NOT_NULL(t);
		EXPECT_EQ(t->who[3], (char)('0' + i));
		t1_put(t);
	}
	EXPECT_EQ(kt_instances(), 2ul * NR_OBJS);
	chain_release(&p2);
}

TEST(klpsv_handover_breaking_twins_then_old_freed)
{
	struct klpsv_index *index;
	unsigned int i;

	chain_p1();
	chain_p2_begin();
	ASSERT_EQ(klpm_transition_finish(), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v2 *st = s2_get(&sess[i]);

		ASSERT_NOT_NULL(st);
		st->bytes = 0xfffffff0u + i;	/* near the v2 limit */
		s2_put(st);
	}
	chain_p3_begin();

	/*
	 * In the transition: twins reserved in epoch 1, not converted (old
	 * code may be writing the old instances, which stay); new code's
	 * first access converts one, the end of the transition the rest.
	 */
	index = kt_index(STATS_ID);
	ASSERT_NOT_NULL(index);
	EXPECT_EQ(index->state, KLPSV_INDEX_TRANSITION);
	EXPECT_EQ(index->epoch, 0u);
	EXPECT_EQ(index->next_epoch, 1u);
	EXPECT_EQ(index->next_version, 3u);
	EXPECT_EQ(index->count, (u64)NR_OBJS);
	EXPECT_EQ(index->next_count, 0ull);
	for (i = 0; i < NR_OBJS; i++) {
		struct klpsv_hdr *old = kt_hdr(&sess[i], STATS_ID, 0);
		struct klpsv_hdr *twin = kt_hdr(&sess[i], STATS_ID, 1);

		ASSERT_NOT_NULL(old);
		ASSERT_NOT_NULL(twin);
		EXPECT_EQ(old->version, 2);
		EXPECT_EQ(twin->version, 3 | KLPSV_HDR_TWIN);
		EXPECT_EQ(twin->flags, KLPSV_HDR_PENDING | kt_claimed_flag());
		EXPECT(twin->obj == (void *)&sess[i]);
		EXPECT_EQ(((struct stats_v3 *)(twin + 1))->touches, 0ull);
	}
	{
		struct klpsv_hdr *twin = kt_hdr(&sess[0], STATS_ID, 1);
		struct stats_v3 *st = s3_get(&sess[0]);

		ASSERT((void *)st == (void *)(twin + 1));
		EXPECT_EQ(twin->flags, KLPSV_HDR_LINKED);
		EXPECT_EQ(st->bytes, 0xfffffff0ull);
		EXPECT_EQ(st->touches, 10ull);
		s3_put(st);
		EXPECT_EQ(index->next_count, 1ull);
	}
	expect_counts(v2_release, 0);
	EXPECT_EQ(kt_instances(), 2ul * NR_OBJS);

	ASSERT_EQ(klpm_transition_finish(), 0);
	EXPECT_FALSE(klpm_patch_installed(&p2.patch));
	/* the old instances went, each released once; the twins took over */
	expect_counts(v2_release, 1);
	expect_counts(v1_release, 0);
	expect_counts(v3_dtor, 0);
	EXPECT_EQ(other[0], 0u);
	EXPECT_EQ(index->state, KLPSV_INDEX_LIVE);
	EXPECT_EQ(index->version, 3u);
	EXPECT_EQ(index->layout, 0xa15588d1u);
	EXPECT_EQ(index->epoch, 1u);
	EXPECT_EQ(index->count, (u64)NR_OBJS);
	EXPECT_EQ(index->next_count, 0ull);
	EXPECT_EQ(index->alloc_size, 24u);
	EXPECT_EQ(index->bytes, (u64)NR_OBJS * kt_instance_bytes(24));
	for (i = 0; i < NR_OBJS; i++) {
		struct klpsv_hdr *twin = kt_hdr(&sess[i], STATS_ID, 1);
		struct stats_v3 *st = s3_get(&sess[i]);

		EXPECT_NULL(kt_hdr(&sess[i], STATS_ID, 0));
		ASSERT_NOT_NULL(twin);
		EXPECT_EQ(twin->version, 3);
		EXPECT((void *)st == (void *)(twin + 1));
		if (st) {
			EXPECT_EQ(st->touches, 10ull + i);
			EXPECT_EQ(st->bytes, 0xfffffff0ull + i);
			st->bytes += 0x100;	/* v3 counts past 2^32 */
			s3_put(st);
		}
	}
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OBJS);
	EXPECT_LOG("klpsv: kt_p3: family 'stats': taking over 5 instances, v2 -> v3 (new layout)");

	chain_release(&p3);
	expect_counts(v3_dtor, 1);
	expect_counts(v2_release, 1);
}

TEST(klpsv_handover_tombstone_frees_after_transition)
{
	struct klpsv_index *tag;
	unsigned int i;

	chain_p1();
	chain_p2_begin();
	ASSERT_EQ(klpm_transition_finish(), 0);
	chain_p2_tags();
	chain_p3_begin();

	/* old code still uses its tags during the transition */
	tag = kt_index(TAG_ID);
	ASSERT_NOT_NULL(tag);
	EXPECT_EQ(tag->state, KLPSV_INDEX_TRANSITION);
	EXPECT_EQ(tag->count, (u64)NR_OBJS);
	for (i = 0; i < NR_OBJS; i++) {
		struct tag_v1 *t = t1_get(&sess[i]);

		EXPECT_NOT_NULL(t);
		if (t)
			t1_put(t);
	}
	expect_counts(tag_release, 0);

	ASSERT_EQ(klpm_transition_finish(), 0);
	expect_counts(tag_release, 1);
	EXPECT_EQ(other[0], 0u);
	EXPECT_EQ(tag->state, KLPSV_INDEX_RETIRED);
	EXPECT_EQ(tag->version, 2u);
	EXPECT_EQ(tag->count, 0ull);
	EXPECT_EQ(tag->bytes, 0ull);
	EXPECT_EQ(kt_count(TAG_ID), 0ul);
	EXPECT_LOG("klpsv: kt_p3: family 'tag' retired at v2");
	/* no patch of the chain declared klp_states: none needed one */
	EXPECT_NULL(p3.patch.states);
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OBJS);

	chain_release(&p3);
	expect_counts(tag_release, 1);
	expect_counts(v3_dtor, 1);
}

/* The whole chain, without holding transitions: values at each step. */
TEST(klpsv_handover_chain_p1_p2_p3_values)
{
	unsigned int i;

	chain_p1();
	kmod_detach(&p1);
	kmod_load(&p2, "kt_p2", p2_fams);
	ASSERT_EQ(kmod_enable(&p2), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v2 *st = s2_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(st);
		EXPECT_EQ(st->touches, 10 + i);
		st->touches++;
		st->bytes += 100 * i;
		s2_put(st);
	}
	chain_p2_tags();
	kmod_detach(&p2);
	kmod_load(&p3, "kt_p3", p3_fams);
	ASSERT_EQ(kmod_enable(&p3), 0);
	EXPECT_EQ(klpm_nr_patches(), 1u);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v3 *st = s3_get(&sess[i]);

		ASSERT_NOT_NULL(st);
		EXPECT_EQ(st->touches, 11ull + i);
		EXPECT_EQ(st->bytes, (u64)BYTES_MARK + 100 * i);
		s3_put(st);
	}
	expect_counts(v2_release, 1);
	expect_counts(tag_release, 1);
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OBJS);
	chain_release(&p3);
	expect_counts(v3_dtor, 1);
}

/* p1 -> p3 directly: the step from v1 is breaking too. */
TEST(klpsv_handover_skipping_a_version)
{
	unsigned int i;

	chain_p1();
	kmod_detach(&p1);
	kmod_load(&p3, "kt_p3", p3_fams);
	ASSERT_EQ(kmod_enable(&p3), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v3 *st = s3_get(&sess[i]);

		ASSERT_NOT_NULL(st);
		EXPECT_EQ(st->touches, 10ull + i);
		EXPECT_EQ(st->bytes, 0ull);
		s3_put(st);
	}
	expect_counts(v1_release, 1);
	expect_counts(v2_release, 0);
	/* a tombstone of a family that never lived leaves nothing */
	EXPECT_NULL(kt_index(TAG_ID));
	EXPECT_EQ(kt_index(STATS_ID)->epoch, 1u);
	chain_release(&p3);
	expect_counts(v3_dtor, 1);
}

/*
 * An additive change that does not fit the live allocation is breaking:
 * klp_shadow_get_or_alloc() would silently hand the grown struct the old,
 * smaller allocation; klpsv gives it a new epoch instead.
 */
struct g1 {
	u32 a;
};
struct g2 {
	u32 a;
	u32 b;
	u32 c;
};
#define G1_LAYOUT KLPSV_LAYOUT(struct g1, KLPSV_FIELD(struct g1, a))
#define G2_LAYOUT KLPSV_LAYOUT(struct g2, KLPSV_FIELD(struct g2, a), \
			       KLPSV_FIELD(struct g2, b), KLPSV_FIELD(struct g2, c))
#define G_ID KLPSV_ID(0x99, 7)

static int g1_to_g2(void *obj, const void *from, void *to)
{
	struct g2 *n = to;

	n->a = ((const struct g1 *)from)->a;
	n->b = 2;
	n->c = 3;
	return 0;
}

KLPSV_FAMILY(g1, struct g1, .name = "grow", .id = G_ID, .version = 1,
	     .layout = G1_LAYOUT, .reserve = 0);
KLPSV_FAMILY(g2, struct g2, .name = "grow", .id = G_ID, .version = 2,
	     .layout = G2_LAYOUT, .reserve = 0,
	     KLPSV_STEPS({ .from = 1, .layout = G1_LAYOUT, .up = g1_to_g2 }));

TEST(klpsv_handover_growth_beyond_reserve_gets_a_new_epoch)
{
	static struct klpsv_family *a[] = { &g1_family, NULL };
	static struct klpsv_family *b[] = { &g2_family, NULL };
	struct klpsv_index *index;
	unsigned int i;

	kt_begin();
	kmod_load(&p1, "kt_g1", a);
	ASSERT_EQ(kmod_enable(&p1), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct g1 *d = g1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(d);
		d->a = 40 + i;
		g1_put(d);
	}
	index = kt_index(G_ID);
	ASSERT_NOT_NULL(index);
	EXPECT_EQ(index->alloc_size, 8u);	/* 4 bytes, rounded to 8 */
	kmod_detach(&p1);
	kmod_load(&p2, "kt_g2", b);
	ASSERT_EQ(kmod_enable(&p2), 0);
	EXPECT_EQ(index->epoch, 1u);
	EXPECT_EQ(index->alloc_size, 16u);
	EXPECT_EQ(index->bytes, (u64)NR_OBJS * kt_instance_bytes(16));
	for (i = 0; i < NR_OBJS; i++) {
		struct g2 *d = g2_get(&sess[i]);

		EXPECT_NULL(kt_hdr(&sess[i], G_ID, 0));
		ASSERT_NOT_NULL(d);
		EXPECT_EQ(d->a, 40 + i);
		EXPECT_EQ(d->b, 2u);
		EXPECT_EQ(d->c, 3u);
		g2_put(d);
	}
	chain_release(&p2);
}

/* A retired family comes back only above its tombstone's version. */
KLPSV_FAMILY(t2, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 2,
	     .layout = TAG_V1_LAYOUT);
KLPSV_FAMILY(t3, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 3,
	     .layout = TAG_V1_LAYOUT);
KLPSV_FAMILY(s3b, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = 3, .layout = STATS_V3_LAYOUT, .reserve = STATS_RESERVE,
	     .dtor = s3_dtor);

TEST(klpsv_handover_retired_family_revived_above_tombstone)
{
	static struct klpsv_family *low[] = { &s3b_family, &t2_family, NULL };
	static struct klpsv_family *high[] = { &s3b_family, &t3_family, NULL };
	struct klpsv_index *tag;
	unsigned int i;

	chain_p1();
	chain_p2_begin();
	ASSERT_EQ(klpm_transition_finish(), 0);
	chain_p2_tags();
	kmod_detach(&p2);
	kmod_load(&p3, "kt_p3", p3_fams);
	ASSERT_EQ(kmod_enable(&p3), 0);
	kmod_detach(&p3);
	tag = kt_index(TAG_ID);
	ASSERT_NOT_NULL(tag);
	EXPECT_EQ(tag->state, KLPSV_INDEX_RETIRED);

	shim_log_clear();
	kmod_load(&p4, "kt_p4", low);
	EXPECT_EQ(kmod_enable(&p4), -EINVAL);
	/* (which patch it names: see the disabled test below) */
	EXPECT_EQ(strncmp(shim_log_line(0), "klpsv: kt_p4: family 'tag' was retired at v2 by kt_p", 52), 0);
	EXPECT_NOT_NULL(strstr(shim_log_line(0), ": reviving it needs a version above 2"));
	EXPECT_EQ(shim_log_nr(), 1u);
	EXPECT_TRUE(klpm_patch_installed(&p3.patch));

	kmod_load(&p4, "kt_p4", high);
	ASSERT_EQ(kmod_enable(&p4), 0);
	EXPECT_EQ(tag->state, KLPSV_INDEX_LIVE);
	EXPECT_EQ(tag->version, 3u);
	EXPECT_EQ(tag->count, 0ull);
	for (i = 0; i < NR_OBJS; i++) {
		struct tag_v1 *t = t3_get(&sess[i]);
		struct stats_v3 *st = s3b_get(&sess[i]);

		EXPECT_NULL(t);		/* the old tags were freed */
		ASSERT_NOT_NULL(st);	/* stats carried over (same v3) */
		EXPECT_EQ(st->touches, 10ull + i);
		s3b_put(st);
		t = t3_get_or_alloc(&sess[i], GFP_KERNEL, NULL);
		ASSERT_NOT_NULL(t);
		t3_put(t);
	}
	chain_release(&p4);
	expect_counts(v3_dtor, 1);
	expect_counts(tag_release, 1);
}

/*
 * Regression test of a fixed bug.  A tombstone's takeover never records the
 * patch that retired the family: finish_family() returns from its
 * TAKE_RETIRE case before the strscpy() of index->owner, so the index
 * keeps naming the patch that last took the live family over (kt_p2).
 * The revival refusal then says "was retired at v2 by kt_p2", and debugfs
 * shows owner=kt_p2 for a family kt_p3 retired.
 */
TEST(klpsv_handover_retired_family_names_who_retired_it)
{
	static struct klpsv_family *low[] = { &s3b_family, &t2_family, NULL };
	static struct klpsv_family *same[] = { &s3b_family, &t_tomb, NULL };

	chain_p1();
	chain_p2_begin();
	ASSERT_EQ(klpm_transition_finish(), 0);
	chain_p2_tags();
	chain_p3_begin();
	ASSERT_EQ(klpm_transition_finish(), 0);
	EXPECT_STREQ(kt_index(TAG_ID)->owner, "kt_p3");
	kmod_detach(&p3);
	shim_log_clear();
	kmod_load(&p4, "kt_p4", low);
	EXPECT_EQ(kmod_enable(&p4), -EINVAL);
	EXPECT_STREQ(shim_log_line(0), "klpsv: kt_p4: family 'tag' was retired at v2 by kt_p3: reviving it needs a version above 2");
	/* end: a successor carrying the tombstone, disabled for real */
	kmod_load(&p4, "kt_p4", same);
	ASSERT_EQ(kmod_enable(&p4), 0);
	chain_release(&p4);
}

/* ---------------------------------------------------------------------
 * Retired families across later patches, and what a failed or reverted
 * takeover leaves of them.
 */
static int s3_to_s4(void *obj, const void *from, void *to)
{
	const struct stats_v3 *o = from;
	struct stats_v2 *n = to;

	n->touches = o->touches;
	n->bytes = o->bytes;
	return 0;
}

/* v4 goes back to v2's shape: breaking again (new epoch). */
KLPSV_FAMILY(s4, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 4, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 3, .layout = STATS_V3_LAYOUT,
			   .up = s3_to_s4 }));

/* p3 retired tag; now p4 carries the tombstone along. */
static void chain_to_retired(void)
{
	chain_p1();
	kmod_detach(&p1);
	kmod_load(&p2, "kt_p2", p2_fams);
	ASSERT_EQ(kmod_enable(&p2), 0);
	chain_p2_tags();
	kmod_detach(&p2);
	kmod_load(&p3, "kt_p3", p3_fams);
	ASSERT_EQ(kmod_enable(&p3), 0);
	kmod_detach(&p3);
	ASSERT_EQ(kt_index(TAG_ID)->state, KLPSV_INDEX_RETIRED);
}

TEST(klpsv_handover_tombstone_carried_along)
{
	static struct klpsv_family *p4_fams[] = { &t_tomb, &s4_family, NULL };
	struct klpsv_index *tag;

	chain_to_retired();
	tag = kt_index(TAG_ID);
	kmod_load(&p4, "kt_p4", p4_fams);
	ASSERT_EQ(kmod_enable(&p4), 0);
	EXPECT_EQ(tag->state, KLPSV_INDEX_RETIRED);
	EXPECT_EQ(tag->version, 2u);
	EXPECT_EQ(kt_index(STATS_ID)->version, 4u);
	EXPECT_EQ(kt_index(STATS_ID)->epoch, 2u);
	expect_counts(tag_release, 1);
	chain_release(&p4);
}

/*
 * Regression test of a fixed bug.  revert_family()'s TAKE_RETIRE case sets
 * the index LIVE whenever the family has an index, also when it was
 * RETIRED before the takeover (a patch that merely carries the
 * tombstone along, as every later patch must).  A failed takeover, here
 * an allocation of p4's next family failing, therefore turns the retired family
 * "live" at v2 with no instances: not all or nothing, and the same
 * tombstone-carrying patch is then refused ("a tombstone needs a version
 * above the live v2") when loaded again.
 */
TEST(klpsv_handover_failed_takeover_keeps_family_retired)
{
	static struct klpsv_family *p4_fams[] = { &t_tomb, &s4_family, NULL };
	unsigned int failures = 0, k;
	struct klpsv_index *tag;
	int err = -1;

	chain_to_retired();
	tag = kt_index(TAG_ID);
	/* allocations fail from the k-th on, k = 1, 2, ... until it loads */
	for (k = 1; err && k < 200; k++) {
		kmod_load(&p4, "kt_p4", p4_fams);
		shim_fail_allocs_from(k);
		err = kmod_enable(&p4);
		shim_fail_off();
		if (!err)
			break;
		failures++;
		EXPECT_EQ(err, -ENOMEM);
		EXPECT_EQ(tag->state, KLPSV_INDEX_RETIRED);
		EXPECT_TRUE(klpm_patch_installed(&p3.patch));
	}
	/* the takeover of stats, after the tombstone's, failed too */
	EXPECT_GT(failures, 5u);
	EXPECT_EQ(err, 0);
	EXPECT_EQ(tag->state, KLPSV_INDEX_RETIRED);
	if (klpm_patch_installed(&p4.patch)) {
		chain_release(&p4);
	} else {
		/* p3's klpsv copy is gone: nothing can release its data */
		kt_end();
	}
}

/* Regression test of the same bug, through a reverted transition. */
TEST(klpsv_handover_reverted_transition_keeps_family_retired)
{
	static struct klpsv_family *p4_fams[] = { &t_tomb, &s4_family, NULL };
	struct klpsv_index *tag;

	chain_to_retired();
	tag = kt_index(TAG_ID);
	kmod_load(&p4, "kt_p4", p4_fams);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&p4), 0);
	klpm_hold_transitions(false);
	EXPECT_EQ(klpm_transition_revert(), 0);
	EXPECT_EQ(klpm_transition_finish(), 0);
	EXPECT_EQ(tag->state, KLPSV_INDEX_RETIRED);
	kmod_exit(&p4);
	kmod_load(&p4, "kt_p4", p4_fams);
	EXPECT_EQ(kmod_enable(&p4), 0);
	if (klpm_patch_installed(&p4.patch))
		chain_release(&p4);
	else
		kt_end();
}

/*
 * Sixteen epochs, then the epoch wraps: every breaking change keeps the
 * data, whatever epoch it lands in.  Families built at run time, as a
 * vendor tree's seventeen patches would declare them.
 */
struct ea {
	u32 v;
};
struct eb {
	u64 v;
};

static const struct klpsv_field ea_fields[] = { KLPSV_FIELD(struct ea, v) };
static const struct klpsv_field eb_fields[] = { KLPSV_FIELD(struct eb, v) };
#define E_ID KLPSV_ID(0xe0, 1)
#define E_PATCHES 18

static int ea_to_eb(void *obj, const void *from, void *to)
{
	((struct eb *)to)->v = ((const struct ea *)from)->v + 1;
	return 0;
}

static int eb_to_ea(void *obj, const void *from, void *to)
{
	((struct ea *)to)->v = ((const struct eb *)from)->v + 1;
	return 0;
}

static struct klpsv_family efam[E_PATCHES + 1];
static struct klpsv_step estep[E_PATCHES + 1];
static struct klpsv_family *efams[E_PATCHES + 1][2];
static struct kmod emod[E_PATCHES + 1];

static struct klpsv_layout elayout(unsigned int version)
{
	struct klpsv_layout l;

	if (version % 2) {
		l.size = sizeof(struct ea);
		l.fields = ea_fields;
	} else {
		l.size = sizeof(struct eb);
		l.fields = eb_fields;
	}
	l.nr_fields = 1;
	return l;
}

/* Module kt_e<v>: family "epochs" at v@v, breaking from v@v - 1. */
static void eload(struct kmod *m, unsigned int v)
{
	char name[32];

	memset(&efam[v], 0, sizeof(efam[v]));
	efam[v].name = "epochs";
	efam[v].id = E_ID;
	efam[v].version = v;
	efam[v].layout = elayout(v);
	efam[v].type_size = efam[v].layout.size;
	if (v > 1) {
		estep[v].from = v - 1;
		estep[v].layout = elayout(v - 1);
		estep[v].up = v % 2 ? eb_to_ea : ea_to_eb;
		efam[v].steps = &estep[v];
		efam[v].nr_steps = 1;
	}
	efams[v][0] = &efam[v];
	efams[v][1] = NULL;
	snprintf(name, sizeof(name), "kt_e%u", v);
	kmod_load(m, name, efams[v]);
}

TEST(klpsv_handover_epoch_wraps_after_sixteen_breaking_changes)
{
	unsigned int v, i;

	kt_begin();
	for (v = 1; v <= E_PATCHES; v++) {
		eload(&emod[v], v);
		ASSERT_EQ(kmod_enable(&emod[v]), 0);
		EXPECT_EQ(kt_index(E_ID)->epoch, (v - 1) % 16);
		if (v == 1) {
			for (i = 0; i < NR_OBJS; i++) {
				struct ea *d = klpsv_get_or_alloc(&efam[1], &sess[i],
								  GFP_KERNEL, NULL);

				ASSERT_NOT_NULL(d);
				d->v = 100 * i;
				klpsv_put(&efam[1], d);
			}
		}
		/* one instance per object, in the live epoch only */
		EXPECT_EQ(kt_instances(), (unsigned long)NR_OBJS);
		for (i = 0; i < NR_OBJS; i++) {
			void *d = klpsv_get(&efam[v], &sess[i]);

			ASSERT_NOT_NULL(d);
			if (v % 2)
				EXPECT_EQ(((struct ea *)d)->v, 100 * i + v - 1);
			else
				EXPECT_EQ(((struct eb *)d)->v, 100ull * i + v - 1);
			klpsv_put(&efam[v], d);
			EXPECT_NOT_NULL(kt_hdr(&sess[i], E_ID, (v - 1) % 16));
		}
		if (v < E_PATCHES)
			kmod_detach(&emod[v]);
	}
	chain_release(&emod[E_PATCHES]);
}

/*
 * Transition model point 12: the epoch has four bits.  Code a forced
 * transition left running (kt_e1's, epoch 0) must never meet live data
 * again: the fifteenth breaking change after the force, which would move
 * the family back to epoch 0, is refused with a clear message, and the
 * live patch keeps its data.
 */
TEST(klpsv_handover_epoch_never_wraps_into_forced_out_code)
{
	static struct kmod eend;
	struct klpsv_registry *reg;
	struct klpsv_index *index, *tmp;
	unsigned int v;

	kt_begin();
	eload(&emod[1], 1);
	ASSERT_EQ(kmod_enable(&emod[1]), 0);
	kmod_detach(&emod[1]);
	eload(&emod[2], 2);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&emod[2]), 0);
	klpm_hold_transitions(false);
	emod[1].patch.forced = true;	/* "force" during the transition */
	ASSERT_EQ(klpm_transition_finish(), 0);
	for (v = 3; v <= 16; v++) {
		kmod_detach(&emod[v - 1]);
		eload(&emod[v], v);
		ASSERT_EQ(kmod_enable(&emod[v]), 0);
		EXPECT_EQ(kt_index(E_ID)->epoch, v - 1);
	}
	kmod_detach(&emod[16]);
	eload(&emod[17], 17);
	EXPECT_EQ(kmod_enable(&emod[17]), -EINVAL);
	EXPECT_LOG("klpsv: kt_e17: family 'epochs': its next layout epoch, 0, may still be used by code a forced transition left running: reboot before changing its layout again");
	EXPECT_TRUE(klpm_patch_installed(&emod[16].patch));
	EXPECT_EQ(kt_index(E_ID)->epoch, 15u);
	/* the same version goes on (no new epoch), and is disabled */
	eload(&eend, 16);
	ASSERT_EQ(kmod_enable(&eend), 0);
	EXPECT_EQ(klpm_disable(&eend.patch), 0);
	kmod_exit(&eend);
	EXPECT_EQ(kt_instances(), 0ul);
	reg = kt_registry();
	list_for_each_entry_safe(index, tmp, &reg->families, node)
		__klpsv_index_destroy(reg, index);
	kt_end();
}
