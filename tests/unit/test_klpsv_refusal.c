// SPDX-License-Identifier: GPL-2.0
/*
 * Refusal before harm: a patch that cannot handle the live data is
 * refused by klpsv_enable_patch() with -EINVAL and one log line (the exact
 * line klpsv_refuse() writes), nothing is installed, and the live patch's
 * data is untouched: every instance byte for byte, and the indexes.
 *
 * The live patch ("kt_live", the chain sample's p2 shapes: stats and tag)
 * is enabled first; its klpsv copy then steps aside (kmod_detach(), see
 * test_klpsv.h) so the refused patch is seen by a copy of its own, as in
 * the kernel.  Each test ends with a same-version successor that takes
 * the data over and is disabled for real.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../../samples/chain/schemas.h"
#include "test_klpsv.h"

#define NR_OBJS 5

static struct chain_session sess[NR_OBJS];

static int v1_to_v2(void *obj, const void *from, void *to)
{
	((struct stats_v2 *)to)->bytes = 0;
	return 0;
}

static int v2_to_v3(void *obj, const void *from, void *to)
{
	const struct stats_v2 *o = from;
	struct stats_v3 *n = to;

	n->touches = o->touches;
	n->bytes = o->bytes;
	return 0;
}

/* The live patches: stats at v1 or v2, and tag at v1. */
KLPSV_FAMILY(l1, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = 1, .layout = STATS_V1_LAYOUT, .reserve = STATS_RESERVE);
KLPSV_FAMILY(l2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE);
KLPSV_FAMILY(ltag, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 1,
	     .layout = TAG_V1_LAYOUT);
/* Their successors, same versions: they end every test. */
KLPSV_FAMILY(c1, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = 1, .layout = STATS_V1_LAYOUT, .reserve = STATS_RESERVE);
KLPSV_FAMILY(c2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE);
KLPSV_FAMILY(ctag, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 1,
	     .layout = TAG_V1_LAYOUT);

static struct klpsv_family *live1[] = { &l1_family, &ltag_family, NULL };
static struct klpsv_family *live2[] = { &l2_family, &ltag_family, NULL };
static struct klpsv_family *succ1[] = { &c1_family, &ctag_family, NULL };
static struct klpsv_family *succ2[] = { &c2_family, &ctag_family, NULL };

static struct kmod live, bad, succ;
static struct kt_snap snap_before, snap_after;
static struct klpsv_index stats_before, tag_before;
static unsigned int live_version;

/* kt_live with stats v@version and tag v1 on every session. */
static void live_setup(unsigned int version)
{
	unsigned int i;

	kt_begin();
	memset(bad.own_states, 0, sizeof(bad.own_states));
	live_version = version;
	kmod_load(&live, "kt_live", version == 1 ? live1 : live2);
	ASSERT_EQ(kmod_enable(&live), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct tag_v1 *t = ltag_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(t);
		snprintf(t->who, sizeof(t->who), "user%u", i);
		ltag_put(t);
		if (version == 1) {
			struct stats_v1 *s = l1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

			ASSERT_NOT_NULL(s);
			s->touches = 100 + i;
			l1_put(s);
		} else {
			struct stats_v2 *s = l2_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

			ASSERT_NOT_NULL(s);
			s->touches = 100 + i;
			s->bytes = 1000 + i;
			l2_put(s);
		}
	}
	kmod_detach(&live);
	ASSERT_NOT_NULL(kt_index(STATS_ID));
	ASSERT_NOT_NULL(kt_index(TAG_ID));
	kt_snapshot(&snap_before);
	kt_index_copy(&stats_before, kt_index(STATS_ID));
	kt_index_copy(&tag_before, kt_index(TAG_ID));
	EXPECT_STREQ(stats_before.refusal, "");
	shim_log_clear();
}

/*
 * @b was refused with exactly @line; @recorded: the refusal concerns the
 * live family @id, so its index and the registry remember it for debugfs.
 */
static void expect_refused(int ret, const char *line, unsigned long id)
{
	struct klpsv_index *stats = kt_index(STATS_ID), *tag = kt_index(TAG_ID);
	struct klpsv_family **f;
	char path[128];
	unsigned int i;

	EXPECT_EQ(ret, -EINVAL);
	/* one line, at error level: the one klpsv_refuse() writes */
	EXPECT_EQ(shim_log_nr(), 1u);
	EXPECT_STREQ(shim_log_line(0), line);
	EXPECT_EQ(shim_log_level(0), 3);

	/* nothing installed, nothing kept */
	EXPECT_FALSE(klpm_patch_installed(&bad.patch));
	EXPECT_TRUE(klpm_patch_installed(&live.patch));
	EXPECT_EQ(klpm_nr_patches(), 1u);
	EXPECT_NULL(klpm_transition_patch());
	EXPECT_NULL(klpsv_this_patch());
	snprintf(path, sizeof(path), "klpsv/%s", bad.mod.name);
	EXPECT_FALSE(shim_debugfs_exists(path));
	for (f = bad.kp.families; *f; f++)
		EXPECT_NULL((*f)->index);

	/* the live data is as it was */
	kt_snapshot(&snap_after);
	EXPECT_SNAP_SAME(&snap_before, &snap_after);
	ASSERT_NOT_NULL(stats);
	ASSERT_NOT_NULL(tag);
	EXPECT_INDEX_SAME(&stats_before, stats);
	EXPECT_INDEX_SAME(&tag_before, tag);
	if (id) {
		struct klpsv_index *index = id == STATS_ID ? stats : tag;

		EXPECT_STREQ(index->refusal, line + strlen("klpsv: "));
		EXPECT_STREQ(kt_registry()->refusal, line + strlen("klpsv: "));
		EXPECT_STREQ((index == stats ? tag : stats)->refusal, "");
	} else {
		EXPECT_STREQ(stats->refusal, "");
		EXPECT_STREQ(tag->refusal, "");
		EXPECT_STREQ(kt_registry()->refusal, "");
	}

	/* and old code keeps using it */
	for (i = 0; i < NR_OBJS; i++) {
		struct tag_v1 *t = ltag_get(&sess[i]);

		EXPECT_NOT_NULL(t);
		if (t) {
			EXPECT_EQ(t->who[4], (char)('0' + i));
			ltag_put(t);
		}
		if (live_version == 1) {
			struct stats_v1 *s = l1_get(&sess[i]);

			EXPECT_NOT_NULL(s);
			if (s) {
				EXPECT_EQ(s->touches, 100 + i);
				l1_put(s);
			}
		} else {
			struct stats_v2 *s = l2_get(&sess[i]);

			EXPECT_NOT_NULL(s);
			if (s) {
				EXPECT_EQ(s->bytes, 1000 + i);
				l2_put(s);
			}
		}
	}
	/* old code's puts moved the generations: the new reference */
	kt_snapshot(&snap_before);
	shim_log_clear();
}

/* A successor at the live versions takes over; then a real disable. */
static void live_finish(void)
{
	kmod_load(&succ, "kt_succ", live_version == 1 ? succ1 : succ2);
	EXPECT_EQ(kmod_enable(&succ), 0);
	EXPECT_TRUE(klpm_patch_installed(&succ.patch));
	EXPECT_FALSE(klpm_patch_installed(&live.patch));
	EXPECT_EQ(kt_instances(), 2ul * NR_OBJS);
	EXPECT_EQ(klpm_disable(&succ.patch), 0);
	kmod_exit(&succ);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* ---------------------------------------------------------------------
 * Declarations klpsv_enable_patch() refuses before looking at live data.
 */

KLPSV_FAMILY(r_ok2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = v1_to_v2 }));
KLPSV_FAMILY(r_tag, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 1,
	     .layout = TAG_V1_LAYOUT);

TEST(klpsv_refuse_not_replace)
{
	static struct klpsv_family *fams[] = { &r_ok2_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	bad.patch.replace = false;
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: not a cumulative patch: set .replace = true in its struct klp_patch, klpsv hands data on by atomic replace",
		       0);
	live_finish();
}

KLPSV_FAMILY(r_dup, struct tag_v1, .name = "dup", .id = STATS_ID, .version = 1,
	     .layout = TAG_V1_LAYOUT);

TEST(klpsv_refuse_duplicate_family_ids)
{
	static struct klpsv_family *fams[] = {
		&r_ok2_family, &r_tag_family, &r_dup_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: families 'stats' and 'dup' both use id 0x6b73760000010010: give each family its own KLPSV_ID()",
		       0);
	live_finish();
}

TEST(klpsv_refuse_family_id_clashing_with_own_state)
{
	static struct klpsv_family *fams[] = { &r_ok2_family, &r_tag_family, NULL };

	live_setup(1);
	/* states are declared: as after a format-1 patch */
	kt_registry()->flags |= KLPSV_REG_STATES;
	memset(&bad, 0, sizeof(bad));
	bad.own_states[0].id = TAG_ID;
	bad.own_states[0].version = 1;
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'tag': its id 0x6b73760000010020 is also one of the patch's own klp_states: use another KLPSV_ID()",
		       0);
	memset(bad.own_states, 0, sizeof(bad.own_states));
	live_finish();
}

/* The type is v2's (8 bytes), the layout v1's (4 bytes). */
KLPSV_FAMILY(r_size, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V1_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = v1_to_v2 }));

TEST(klpsv_refuse_layout_size_not_type_size)
{
	static struct klpsv_family *fams[] = { &r_size_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': its layout describes 4 bytes but its type has 8: describe the type with KLPSV_LAYOUT()",
		       0);
	live_finish();
}

KLPSV_FAMILY(r_badid, struct stats_v2, .name = "stats", .id = 0x1230,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = v1_to_v2 }));
KLPSV_FAMILY(r_ns0, struct stats_v2, .name = "stats", .id = KLPSV_ID(0, 1),
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = v1_to_v2 }));
KLPSV_FAMILY(r_epoch, struct stats_v2, .name = "stats", .id = STATS_ID | 1,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = v1_to_v2 }));

TEST(klpsv_refuse_bad_id_not_klpsv_id)
{
	static struct klpsv_family *fams[] = { &r_badid_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': id 0x1230 is not a KLPSV_ID(ns, n) with ns >= 1",
		       0);
	live_finish();
}

TEST(klpsv_refuse_bad_id_namespace_0)
{
	static struct klpsv_family *fams[] = { &r_ns0_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': id 0x6b73760000000010 is not a KLPSV_ID(ns, n) with ns >= 1",
		       0);
	live_finish();
}

TEST(klpsv_refuse_bad_id_epoch_bits_set)
{
	static struct klpsv_family *fams[] = { &r_epoch_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': id 0x6b73760000010011 is not a KLPSV_ID(ns, n) with ns >= 1",
		       0);
	live_finish();
}

KLPSV_FAMILY(r_stepeq, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT, .up = v1_to_v2 },
			 { .from = 2, .layout = STATS_V2_LAYOUT, .up = v1_to_v2 }));
KLPSV_FAMILY(r_stepgt, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 3, .layout = STATS_V3_LAYOUT, .up = v1_to_v2 }));

TEST(klpsv_refuse_step_from_own_or_newer_version)
{
	static struct klpsv_family *eq[] = { &r_stepeq_family, &r_tag_family, NULL };
	static struct klpsv_family *gt[] = { &r_stepgt_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", eq);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': a step from v2 cannot lead to v2: steps come from older versions",
		       0);
	kmod_load(&bad, "kt_bad", gt);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': a step from v3 cannot lead to v2: steps come from older versions",
		       0);
	live_finish();
}

/* ---------------------------------------------------------------------
 * Declarations that are fine alone but cannot take the live data over.
 */

KLPSV_FAMILY(r_nostep, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = 3, .layout = STATS_V3_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 2, .layout = STATS_V2_LAYOUT,
			   .up = v2_to_v3 }));

TEST(klpsv_refuse_no_step_from_live_version)
{
	static struct klpsv_family *fams[] = { &r_nostep_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': no step from live v1 (kt_live) to v3: add a struct klpsv_step with .from = 1",
		       STATS_ID);
	live_finish();
}

/* The step from v1 describes v1 with v2's layout. */
KLPSV_FAMILY(r_steplayout, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V2_LAYOUT,
			   .up = v1_to_v2 }));

TEST(klpsv_refuse_step_for_another_layout)
{
	static struct klpsv_family *fams[] = { &r_steplayout_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': the step from v1 expects layout 799d9d49 but live v1 (kt_live) has d422c2d4: describe the live v1 exactly",
		       STATS_ID);
	live_finish();
}

/* v1 again, but its member renamed: another layout at the same version. */
struct stats_v1_other {
	u32 hits;
};
#define STATS_V1_OTHER_LAYOUT KLPSV_LAYOUT(struct stats_v1_other,	\
	KLPSV_FIELD(struct stats_v1_other, hits))

KLPSV_FAMILY(r_samever, struct stats_v1_other, .name = "stats", .id = STATS_ID,
	     .version = 1, .layout = STATS_V1_OTHER_LAYOUT,
	     .reserve = STATS_RESERVE);

TEST(klpsv_refuse_same_version_other_layout)
{
	static struct klpsv_family *fams[] = { &r_samever_family, &r_tag_family, NULL };
	const struct klpsv_layout other = STATS_V1_OTHER_LAYOUT;
	char want[256];

	live_setup(1);
	snprintf(want, sizeof(want), "klpsv: kt_bad: family 'stats': v1 has layout %08x here but d422c2d4 live (kt_live): a changed layout needs a new version and a step from v1",
		 klpsv_layout_fingerprint(&other));
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad), want, STATS_ID);
	live_finish();
}

KLPSV_FAMILY(r_down, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = 1, .layout = STATS_V1_LAYOUT, .reserve = STATS_RESERVE);

TEST(klpsv_refuse_downgrade)
{
	static struct klpsv_family *fams[] = { &r_down_family, &r_tag_family, NULL };

	live_setup(2);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'stats': refusing downgrade from live v2 (kt_live) to v1: to undo v2, ship a patch with version 3 or more",
		       STATS_ID);
	live_finish();
}

TEST(klpsv_refuse_live_family_not_declared)
{
	static struct klpsv_family *fams[] = { &r_ok2_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: live family 'tag' (v1, kt_live) is not declared by this patch: declare it, or retire it with a tombstone (.retired = true)",
		       TAG_ID);
	live_finish();
}

static struct klpsv_family r_tomb_same = {
	.name = "tag",
	.id = TAG_ID,
	.version = 1,
	.retired = true,
};

static struct klpsv_family r_tomb_lower = {
	.name = "tag",
	.id = TAG_ID,
	.version = 1,
	.retired = true,
};

TEST(klpsv_refuse_tombstone_not_above_live_version)
{
	static struct klpsv_family *fams[] = { &r_ok2_family, &r_tomb_same, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", fams);
	expect_refused(kmod_enable(&bad),
		       "klpsv: kt_bad: family 'tag': a tombstone needs a version above the live v1",
		       TAG_ID);
	live_finish();
}

KLPSV_FAMILY(r_tag2, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 2,
	     .layout = TAG_V1_LAYOUT);

/* A tombstone below the live version is a downgrade of the family. */
TEST(klpsv_refuse_tombstone_below_live_version)
{
	static struct klpsv_family *fams[] = { &r_ok2_family, &r_tomb_lower, NULL };
	static struct klpsv_family *live_fams[] = { &l1_family, &r_tag2_family, NULL };
	unsigned int i;

	kt_begin();
	live_version = 1;
	kmod_load(&live, "kt_live", live_fams);
	ASSERT_EQ(kmod_enable(&live), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct tag_v1 *t = r_tag2_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(t);
		r_tag2_put(t);
	}
	kmod_detach(&live);
	kt_snapshot(&snap_before);
	shim_log_clear();
	kmod_load(&bad, "kt_bad", fams);
	EXPECT_EQ(kmod_enable(&bad), -EINVAL);
	EXPECT_STREQ(shim_log_line(0), "klpsv: kt_bad: family 'tag': refusing downgrade from live v2 (kt_live) to v1: to undo v2, ship a patch with version 3 or more");
	EXPECT_EQ(shim_log_nr(), 1u);
	EXPECT_FALSE(klpm_patch_installed(&bad.patch));
	kt_snapshot(&snap_after);
	EXPECT_SNAP_SAME(&snap_before, &snap_after);

	/* end: a successor with tag v2 */
	{
		static struct klpsv_family *s[] = { &c1_family, &r_tag2_family, NULL };

		kmod_load(&succ, "kt_succ", s);
		EXPECT_EQ(kmod_enable(&succ), 0);
		EXPECT_EQ(klpm_disable(&succ.patch), 0);
		kmod_exit(&succ);
	}
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* ---------------------------------------------------------------------
 * The kernel's own check, behind klpsv's: one klp_state per family, only
 * where the live patch declared them (format-1 code always did), so that a
 * patch whose init klpsv does not write (no klp_state) may follow.
 */
static struct klp_func plain_funcs[] = { { } };
static struct klp_object plain_objs[] = { { .funcs = plain_funcs }, { } };
static struct module plain_mod = { .name = "kt_plain" };
static struct klp_patch plain_patch = {
	.mod = &plain_mod, .objs = plain_objs, .replace = true,
};

TEST(klpsv_states_declared_per_family_where_the_live_patch_did)
{
	static struct klpsv_family *fams[] = { &r_ok2_family, &r_tag_family, NULL };
	struct klp_state *st;

	live_setup(1);
	/* nothing asked for states: the live patch declares none */
	EXPECT_NULL(live.patch.states);
	EXPECT_FALSE(kt_registry()->flags & KLPSV_REG_STATES);
	/* as a format-1 live patch would have declared them */
	kt_registry()->flags |= KLPSV_REG_STATES;

	/* a klpsv patch: its own states first, then one per family */
	memset(&bad, 0, sizeof(bad));
	bad.own_states[0].id = 0x5117;
	bad.own_states[0].version = 4;
	kmod_load(&bad, "kt_next", fams);
	EXPECT_EQ(kmod_enable(&bad), 0);
	st = bad.patch.states;
	ASSERT_NOT_NULL(st);
	EXPECT_EQ(st[0].id, 0x5117ul);
	EXPECT_EQ(st[0].version, 4u);
	EXPECT_EQ(st[1].id, STATS_ID);
	EXPECT_EQ(st[1].version, 2u);
	EXPECT_EQ(st[2].id, TAG_ID);
	EXPECT_EQ(st[2].version, 1u);
	EXPECT_EQ(st[3].id, 0ul);
	EXPECT_TRUE(kt_registry()->flags & KLPSV_REG_STATES);

	/* a cumulative patch without them: the kernel refuses it */
	EXPECT_EQ(klp_enable_patch(&plain_patch), -EINVAL);
	EXPECT_LOG("Livepatch patch (kt_plain) is not compatible with the already installed livepatches.");

	/* disabled: no live patch binds a successor any more */
	EXPECT_EQ(klpm_disable(&bad.patch), 0);
	EXPECT_FALSE(kt_registry()->flags & KLPSV_REG_STATES);
	kmod_exit(&bad);
	memset(bad.own_states, 0, sizeof(bad.own_states));
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* ---------------------------------------------------------------------
 * The other declaration errors, each with its line, nothing touched.
 */
static const struct klpsv_field outside_fields[] = {
	{ "touches", 0, 4 }, { "bytes", 6, 4 },
};

TEST(klpsv_refuse_other_declaration_errors)
{
	static struct klpsv_family f;
	static struct klpsv_step steps[2];
	static struct klpsv_family *fams[] = { &f, &r_tag_family, NULL };
	const struct klpsv_layout v1 = STATS_V1_LAYOUT, v2 = STATS_V2_LAYOUT;
	const struct klpsv_step good = { .from = 1, .layout = v1, .up = v1_to_v2 };
	static const char long_name[] = "a_family_name_of_32_characters_x";
	unsigned int c;

	live_setup(1);
	for (c = 0; c < 8; c++) {
		const char *line = NULL;

		memset(&f, 0, sizeof(f));
		f.name = "stats";
		f.id = STATS_ID;
		f.version = 2;
		f.layout = v2;
		f.type_size = sizeof(struct stats_v2);
		f.reserve = STATS_RESERVE;
		steps[0] = good;
		f.steps = steps;
		f.nr_steps = 1;
		switch (c) {
		case 0:
			f.name = "";
			line = "klpsv: kt_bad: a family needs a name of 1 to 31 characters";
			break;
		case 1:
			f.name = long_name;
			line = "klpsv: kt_bad: a family needs a name of 1 to 31 characters";
			break;
		case 2:
			f.version = 0;
			f.nr_steps = 0;
			line = "klpsv: kt_bad: family 'stats': version 0 is outside 1..32767";
			break;
		case 3:
			f.version = KLPSV_VERSION_MAX + 1;
			line = "klpsv: kt_bad: family 'stats': version 32768 is outside 1..32767";
			break;
		case 4:
			f.layout.fields = outside_fields;
			line = "klpsv: kt_bad: family 'stats': member 'bytes' lies outside the struct";
			break;
		case 5:
			steps[0].up = NULL;
			line = "klpsv: kt_bad: family 'stats': the step from v1 has no .up function";
			break;
		case 6:
			steps[0].layout.size = 0;
			steps[0].layout.nr_fields = 0;
			line = "klpsv: kt_bad: family 'stats': the step from v1 needs the .layout of v1";
			break;
		case 7:
			steps[1] = good;
			f.nr_steps = 2;
			line = "klpsv: kt_bad: family 'stats': two steps from v1";
			break;
		}
		kmod_load(&bad, "kt_bad", fams);
		expect_refused(kmod_enable(&bad), line, 0);
	}
	live_finish();
}

TEST(klpsv_refuse_patch_without_families_or_enabled_twice)
{
	static struct klpsv_family *none[] = { NULL };
	static struct klpsv_family *fams[] = { &r_ok2_family, &r_tag_family, NULL };

	live_setup(1);
	kmod_load(&bad, "kt_bad", none);
	EXPECT_EQ(kmod_enable(&bad), -EINVAL);
	EXPECT_LOG("a struct klpsv_patch needs .patch and at least one family");
	EXPECT_NULL(klpsv_this_patch());
	shim_log_clear();

	/* a module's klpsv enables one patch, once */
	kmod_load(&succ, "kt_succ", succ1);
	ASSERT_EQ(kmod_enable(&succ), 0);
	kmod_load(&bad, "kt_bad", fams);
	EXPECT_EQ(kmod_enable(&bad), -EBUSY);
	EXPECT_LOG("klpsv: kt_bad: klpsv_enable_patch() called twice");
	EXPECT(klpsv_this_patch() == &succ.kp);
	EXPECT_FALSE(klpm_patch_installed(&bad.patch));
	EXPECT_EQ(klpm_disable(&succ.patch), 0);
	kmod_exit(&succ);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}
