// SPDX-License-Identifier: GPL-2.0
/*
 * Patches whose init klpsv does not write (klp-build's and kpatch-build's
 * generated init calls klp_enable_patch() itself): the families are found
 * in the module (the parameter table kmod_declare() fills, as the module
 * loader does from KLPSV_FAMILY()'s entries), every check runs at
 * pre_patch with klpsv's own line, no klp_state is declared, and such a
 * patch replaces and is replaced by hand-written ones.  Also the misuses a
 * module can make of the callbacks, each refused with the line that says
 * what to add.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../../samples/chain/schemas.h"
#include "test_klpsv.h"

#define NR_OBJS 4

static struct chain_session sess[NR_OBJS];

static int v1_to_v2(void *obj, const void *from, void *to)
{
	((struct stats_v2 *)to)->bytes = 7;
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

KLPSV_FAMILY(gs1, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = 1, .layout = STATS_V1_LAYOUT, .reserve = STATS_RESERVE);
KLPSV_FAMILY(gs2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = v1_to_v2 }));
KLPSV_FAMILY(gs3, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = 3, .layout = STATS_V3_LAYOUT,
	     KLPSV_STEPS({ .from = 2, .layout = STATS_V2_LAYOUT,
			   .up = v2_to_v3 }));
KLPSV_FAMILY(gtag, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 1,
	     .layout = TAG_V1_LAYOUT);

static struct klpsv_family *fams1[] = { &gs1_family, &gtag_family, NULL };
static struct klpsv_family *fams2[] = { &gs2_family, &gtag_family, NULL };
static struct klpsv_family *fams3[] = { &gs3_family, &gtag_family, NULL };
static struct klpsv_family *none[] = { NULL };

static struct kmod m1, m2, m3;

/* Log lines containing @s. */
static unsigned int log_count(const char *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < shim_log_nr(); i++)
		n += !!strstr(shim_log_line(i), s);
	return n;
}

/* The module's init is generated: klp_enable_patch(), nothing of klpsv. */
static int generated_init(struct kmod *m)
{
	return klp_enable_patch(&m->patch);
}

static void p1_with_data(void)
{
	unsigned int i;

	kmod_load(&m1, "kt_h1", fams1);
	ASSERT_EQ(kmod_enable(&m1), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v1 *s = gs1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(s);
		s->touches = 10 + i;
		gs1_put(s);
	}
	kmod_detach(&m1);
}

TEST(klpsv_generated_between_hand_written_patches)
{
	unsigned int i;

	kt_begin();
	p1_with_data();
	/* nothing asked for klp_states: none, so a generated init may follow */
	EXPECT_NULL(m1.patch.states);

	kmod_load(&m2, "kt_g2", fams2);
	shim_log_clear();
	ASSERT_EQ(generated_init(&m2), 0);
	EXPECT_LOG("klpsv: kt_g2: no klpsv_enable_patch(): 2 families found in the module");
	EXPECT_LOG("klpsv: kt_g2: family 'stats': taking over 4 instances, v1 -> v2 (in place)");
	EXPECT_NULL(m2.patch.states);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v2 *s = gs2_get(&sess[i]);

		ASSERT_NOT_NULL(s);
		EXPECT_EQ(s->touches, 10u + i);
		EXPECT_EQ(s->bytes, 7u);
		s->touches++;
		gs2_put(s);
	}
	kmod_detach(&m2);

	/* a hand-written breaking change takes it over */
	kmod_load(&m3, "kt_h3", fams3);
	ASSERT_EQ(kmod_enable(&m3), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v3 *s = gs3_get(&sess[i]);

		ASSERT_NOT_NULL(s);
		EXPECT_EQ(s->touches, 11u + i);
		EXPECT_EQ(s->bytes, 7u);
		gs3_put(s);
	}
	EXPECT_EQ(kt_instances(), (unsigned long)NR_OBJS);
	EXPECT_EQ(klpm_disable(&m3.patch), 0);
	kmod_exit(&m3);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_generated_refusals_are_klpsv_lines)
{
	struct kt_snap before, after;

	kt_begin();
	p1_with_data();
	kmod_load(&m2, "kt_g2", fams2);
	ASSERT_EQ(generated_init(&m2), 0);
	kmod_detach(&m2);
	kt_snapshot(&before);

	/* a downgrade: refused at pre_patch, the live data as it was */
	kmod_load(&m3, "kt_g1", fams1);
	shim_log_clear();
	EXPECT_EQ(generated_init(&m3), -EINVAL);
	EXPECT_LOG("klpsv: kt_g1: family 'stats': refusing downgrade from live v2 (kt_g2) to v1: to undo v2, ship a patch with version 3 or more");
	EXPECT_FALSE(klpm_patch_installed(&m3.patch));
	kmod_exit(&m3);
	kt_snapshot(&after);
	EXPECT_SNAP_SAME(&before, &after);

	/* a static error: what klpsv_enable_patch() would have said */
	kmod_load(&m3, "kt_g3", fams3);
	m3.patch.replace = false;
	shim_log_clear();
	EXPECT_EQ(generated_init(&m3), -EINVAL);
	EXPECT_LOG("klpsv: kt_g3: not a cumulative patch: set .replace = true in its struct klp_patch, klpsv hands data on by atomic replace");
	kmod_exit(&m3);

	/* callbacks but no family in the module */
	kmod_load(&m3, "kt_g0", none);
	shim_log_clear();
	EXPECT_EQ(generated_init(&m3), -EINVAL);
	EXPECT_LOG("klpsv: kt_g0: klpsv's callbacks run but the module declares no family: declare them with KLPSV_FAMILY(), or enable the patch with klpsv_enable_patch()");
	kmod_exit(&m3);
	kt_snapshot(&after);
	EXPECT_SNAP_SAME(&before, &after);

	/* the next patch takes the data over, and is disabled */
	kmod_load(&m1, "kt_h2", fams2);
	ASSERT_EQ(kmod_enable(&m1), 0);
	EXPECT_EQ(klpm_disable(&m1.patch), 0);
	kmod_exit(&m1);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* Callbacks on the vmlinux object and on a module's: one takeover. */
TEST(klpsv_generated_callbacks_on_two_objects_act_once)
{
	kt_begin();
	p1_with_data();
	kmod_load(&m2, "kt_g2", fams2);
	m2.objs[1] = (struct klp_object){ .name = "kt_victim",
					  .funcs = m2.no_funcs,
					  .callbacks = KLPSV_CALLBACKS };
	shim_log_clear();
	ASSERT_EQ(generated_init(&m2), 0);
	EXPECT_EQ(log_count("taking over 4 instances"), 1u);
	EXPECT_EQ(log_count("family 'stats' is at v2"), 1u);
	EXPECT_EQ(kt_count(STATS_ID), (unsigned long)NR_OBJS);
	shim_log_clear();
	EXPECT_EQ(klpm_disable(&m2.patch), 0);
	EXPECT_EQ(log_count("family 'stats' released: 4 instances freed"), 1u);
	EXPECT_EQ(kt_instances(), 0ul);
	kmod_exit(&m2);
	kt_end();
}

/* A hand-written patch whose vmlinux object lacks the callbacks. */
TEST(klpsv_misuse_no_callbacks_on_vmlinux)
{
	kt_begin();
	kmod_load(&m1, "kt_h1", fams1);
	m1.objs[0].callbacks = (struct klp_callbacks){ };
	shim_log_clear();
	EXPECT_EQ(kmod_enable(&m1), -EINVAL);
	EXPECT_STREQ(shim_log_line(0), "klpsv: kt_h1: the vmlinux klp_object lacks klpsv's callbacks: add .callbacks = KLPSV_CALLBACKS to it");
	EXPECT_FALSE(klpm_patch_installed(&m1.patch));
	EXPECT_NULL(klpsv_this_patch());

	/* only on a module's object: said as such */
	kmod_load(&m1, "kt_h1", fams1);
	m1.objs[0].name = "kt_victim";
	shim_log_clear();
	EXPECT_EQ(kmod_enable(&m1), -EINVAL);
	EXPECT_STREQ(shim_log_line(0), "klpsv: kt_h1: the patch has no vmlinux klp_object: add one (.name = NULL, .funcs = an empty array) with .callbacks = KLPSV_CALLBACKS");
	EXPECT_FALSE(klpm_patch_installed(&m1.patch));
	kt_end();
}

/* Generated init, the callbacks on a module object only. */
TEST(klpsv_misuse_callbacks_on_a_module_object_only)
{
	kt_begin();
	kmod_load(&m2, "kt_g2", fams2);
	m2.objs[0].callbacks = (struct klp_callbacks){ };
	m2.objs[1] = (struct klp_object){ .name = "kt_victim",
					  .funcs = m2.no_funcs,
					  .callbacks = KLPSV_CALLBACKS };
	shim_log_clear();
	EXPECT_EQ(generated_init(&m2), -EINVAL);
	EXPECT_LOG("klpsv: kt_g2: klpsv's callbacks are on object 'kt_victim' but not on the vmlinux object: put .callbacks = KLPSV_CALLBACKS on the vmlinux object");
	EXPECT_FALSE(klpm_patch_installed(&m2.patch));
	EXPECT_NULL(kt_registry() ? kt_index(STATS_ID) : NULL);
	kmod_exit(&m2);
	kt_end();
}

/* A family declared with KLPSV_FAMILY() and left out of the patch. */
TEST(klpsv_misuse_family_not_listed)
{
	static struct klpsv_family *stats_only[] = { &gs1_family, NULL };

	kt_begin();
	kmod_load(&m1, "kt_h1", stats_only);
	kmod_declare(&m1, &gtag_family);
	shim_log_clear();
	EXPECT_EQ(kmod_enable(&m1), -EINVAL);
	EXPECT_STREQ(shim_log_line(0), "klpsv: kt_h1: family 'tag' is declared with KLPSV_FAMILY() but not in the patch's families: add it to its struct klpsv_patch");
	EXPECT_FALSE(klpm_patch_installed(&m1.patch));
	kt_end();
}

/*
 * A generated init with no klpsv callback at all: nothing of klpsv runs
 * at enable; the first access says why it fails.
 */
TEST(klpsv_misuse_unwired_family_says_so_at_first_use)
{
	kt_begin();
	kmod_load(&m2, "kt_g2", fams2);
	m2.objs[0].callbacks = (struct klp_callbacks){ };
	ASSERT_EQ(generated_init(&m2), 0);
	shim_log_clear();
	EXPECT_NULL(gs2_get_or_alloc(&sess[0], GFP_KERNEL, NULL));
	EXPECT_NULL(gs2_get(&sess[0]));
	EXPECT_EQ(shim_log_nr(), 1u);
	EXPECT_STREQ(shim_log_line(0), "klpsv: klpsv_unit: family 'stats' used before any takeover: the patch's klpsv callbacks did not run (wire KLPSV_CALLBACKS on the vmlinux object)");
	EXPECT_EQ(klpm_disable(&m2.patch), 0);
	kmod_exit(&m2);
	kt_end();
}
