// SPDX-License-Identifier: GPL-2.0
/*
 * All or nothing: a failure midway through a takeover (an allocation, a
 * step returning an error) refuses the new patch, and the old one keeps
 * running with its data byte for byte as it was.
 *
 * The sweeps make the 1st, 2nd, ... allocation of the takeover fail (the
 * model's failslab, armed inside klpsv_pre_patch() by a pre_patch
 * callback of the patch's own, which is how a patch with callbacks of its
 * own calls klpsv), then the 1st, 2nd, ... step, until the takeover goes
 * through.  lib/fault.c's klpsv_fail_alloc/klpsv_fail_step need
 * -DKLPSV_FAULT_INJECTION and are module parameters, static in fault.c,
 * which a test cannot set; the model's failslab and a failing step do the
 * same from outside, and also reach allocations klpsv does not wrap.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "test_klpsv.h"

#define NR_OBJS 6

static int objs[NR_OBJS];

/* "br": v1 -> v2 is breaking (widened, reordered) */
struct br1 {
	u32 a;
	u32 b;
};
struct br2 {
	u64 b;
	u64 a;
};
#define BR1_LAYOUT KLPSV_LAYOUT(struct br1, KLPSV_FIELD(struct br1, a), \
				KLPSV_FIELD(struct br1, b))
#define BR2_LAYOUT KLPSV_LAYOUT(struct br2, KLPSV_FIELD(struct br2, b), \
				KLPSV_FIELD(struct br2, a))
#define BR_ID KLPSV_ID(0xb0, 1)

/* "ad": v1 -> v2 is additive (y appended in the tail room) */
struct ad1 {
	u32 x;
};
struct ad2 {
	u32 x;
	u32 y;
};
#define AD1_LAYOUT KLPSV_LAYOUT(struct ad1, KLPSV_FIELD(struct ad1, x))
#define AD2_LAYOUT KLPSV_LAYOUT(struct ad2, KLPSV_FIELD(struct ad2, x), \
				KLPSV_FIELD(struct ad2, y))
#define AD_ID KLPSV_ID(0xb0, 2)

/* "nw": new in the additive patch */
struct nw1 {
	u32 z;
};
#define NW1_LAYOUT KLPSV_LAYOUT(struct nw1, KLPSV_FIELD(struct nw1, z))
#define NW_ID KLPSV_ID(0xb0, 3)

/* Step failure injection: the step_fail_at-th step call fails. */
static unsigned int step_calls, step_fail_at, br_release_calls;
static unsigned int br2_dtor_calls;

static bool step_fails(void)
{
	return ++step_calls == step_fail_at;
}

static int br_up(void *obj, const void *from, void *to)
{
	const struct br1 *o = from;
	struct br2 *n = to;

	n->a = o->a;
	n->b = (u64)o->b << 8;
	/* a failing step may have written part of its result */
	return step_fails() ? -EIO : 0;
}

static int br_down(void *obj, const void *from, void *to)
{
	const struct br2 *n = from;
	struct br1 *o = to;

	o->a = n->a;
	o->b = n->b >> 8;
	return 0;
}

static void br_release(void *obj, void *data)
{
	br_release_calls++;
}

static void br2_dtor(void *obj, void *data)
{
	br2_dtor_calls++;
}

/* Whether a failing in-place step writes its new member first. */
static bool ad_fail_half_done;

static int ad_up(void *obj, const void *from, void *to)
{
	struct ad2 *n = to;

	if (step_fails()) {
		if (ad_fail_half_done)
			n->y = 0xbad;
		return -EIO;
	}
	n->y = 0xadd;
	return 0;
}

/* The old patch. */
KLPSV_FAMILY(br1, struct br1, .name = "br", .id = BR_ID, .version = 1,
	     .layout = BR1_LAYOUT, .reserve = 8);
KLPSV_FAMILY(ad1, struct ad1, .name = "ad", .id = AD_ID, .version = 1,
	     .layout = AD1_LAYOUT, .reserve = 8);

/* The breaking patch: br v1 -> v2 (twins), then ad v1 -> v2 in place. */
KLPSV_FAMILY(br2, struct br2, .name = "br", .id = BR_ID, .version = 2,
	     .layout = BR2_LAYOUT, .reserve = 8, .dtor = br2_dtor,
	     KLPSV_STEPS({ .from = 1, .layout = BR1_LAYOUT, .up = br_up,
			   .down = br_down, .release = br_release }));
KLPSV_FAMILY(ad2, struct ad2, .name = "ad", .id = AD_ID, .version = 2,
	     .layout = AD2_LAYOUT, .reserve = 8,
	     KLPSV_STEPS({ .from = 1, .layout = AD1_LAYOUT, .up = ad_up }));

/* The additive patch: ad in place, br as it is, nw new (an allocation). */
KLPSV_FAMILY(br1c, struct br1, .name = "br", .id = BR_ID, .version = 1,
	     .layout = BR1_LAYOUT, .reserve = 8);
KLPSV_FAMILY(nw1, struct nw1, .name = "nw", .id = NW_ID, .version = 1,
	     .layout = NW1_LAYOUT);

static struct klpsv_family *old_fams[] = { &br1_family, &ad1_family, NULL };
static struct klpsv_family *brk_fams[] = { &br2_family, &ad2_family, NULL };
static struct klpsv_family *add_fams[] = {
	&ad2_family, &br1c_family, &nw1_family, NULL };

static struct kmod old, new;

/* Allocation failure injection, armed inside the takeover only. */
static unsigned long arm_alloc, injected;
static unsigned int steps_in_pre_patch;

static int armed_pre_patch(struct klp_object *obj)
{
	int ret;

	if (arm_alloc)
		shim_fail_nth_alloc(arm_alloc);
	ret = klpsv_pre_patch(obj);
	steps_in_pre_patch = step_calls;
	injected = shim_fail_count();
	shim_fail_off();
	return ret;
}

static void old_setup(void)
{
	unsigned int i;

	kt_begin();
	kmod_load(&old, "kt_rb_old", old_fams);
	ASSERT_EQ(kmod_enable(&old), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct br1 *b = br1_get_or_alloc(&objs[i], GFP_KERNEL, NULL);
		struct ad1 *a = ad1_get_or_alloc(&objs[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(b);
		ASSERT_NOT_NULL(a);
		b->a = 100 + i;
		b->b = 200 + i;
		a->x = 300 + i;
		br1_put(b);
		ad1_put(a);
	}
	kmod_detach(&old);
}

static struct kt_snap before, after;
static struct klpsv_index br_before, ad_before;

static void take_reference(void)
{
	kt_snapshot(&before);
	kt_index_copy(&br_before, kt_index(BR_ID));
	kt_index_copy(&ad_before, kt_index(AD_ID));
}

static void load_new(struct klpsv_family **fams)
{
	ad_fail_half_done = false;
	kmod_load(&new, "kt_rb_new", fams);
	new.objs[0].callbacks.pre_patch = armed_pre_patch;
	step_calls = 0;
	br_release_calls = 0;
	injected = 0;
}

/* After a failed enable: as if it had never been tried. */
static void expect_rolled_back(int ret, int err, unsigned long shadows,
			       unsigned long live)
{
	unsigned int i;
	char path[64];

	EXPECT_EQ(ret, err);
	EXPECT_FALSE(klpm_patch_installed(&new.patch));
	EXPECT_TRUE(klpm_patch_installed(&old.patch));
	EXPECT_EQ(klpm_nr_patches(), 1u);
	EXPECT_NULL(klpm_transition_patch());
	EXPECT_NULL(klpsv_this_patch());
	snprintf(path, sizeof(path), "klpsv/%s", new.mod.name);
	EXPECT_FALSE(shim_debugfs_exists(path));
	EXPECT_LOG("klpsv: kt_rb_new: taking over family '");

	kt_snapshot(&after);
	EXPECT_SNAP_SAME(&before, &after);
	EXPECT_EQ(klpm_shadow_count_all(), shadows);
	EXPECT_INDEX_SAME(&br_before, kt_index(BR_ID));
	EXPECT_INDEX_SAME(&ad_before, kt_index(AD_ID));
	EXPECT_NULL(kt_index(NW_ID));
	EXPECT_EQ(br_release_calls, 0u);
	shim_rcu_barrier();
	EXPECT_EQ(shim_alloc_live(), live);

	/* old code runs on, on its own data */
	for (i = 0; i < NR_OBJS; i++) {
		struct br1 *b = br1_get(&objs[i]);
		struct ad1 *a = ad1_get(&objs[i]);

		EXPECT(b == (struct br1 *)(kt_hdr(&objs[i], BR_ID, 0) + 1));
		EXPECT(a == (struct ad1 *)(kt_hdr(&objs[i], AD_ID, 0) + 1));
		if (b)
			EXPECT_EQ(b->b, 200 + i);
		if (a)
			EXPECT_EQ(a->x, 300 + i);
		/* no put: the reference stays byte for byte */
	}
}

static void expect_breaking_done(void)
{
	unsigned int i;

	EXPECT_TRUE(klpm_patch_installed(&new.patch));
	EXPECT_FALSE(klpm_patch_installed(&old.patch));
	EXPECT_EQ(br_release_calls, (unsigned int)NR_OBJS);
	for (i = 0; i < NR_OBJS; i++) {
		struct br2 *b = br2_get(&objs[i]);
		struct ad2 *a = ad2_get(&objs[i]);

		ASSERT_NOT_NULL(b);
		ASSERT_NOT_NULL(a);
		EXPECT_EQ(b->a, 100ull + i);
		EXPECT_EQ(b->b, (200ull + i) << 8);
		EXPECT_EQ(a->x, 300u + i);
		EXPECT_EQ(a->y, 0xaddu);
		br2_put(b);
		ad2_put(a);
	}
}

static void finish(void)
{
	EXPECT_EQ(klpm_disable(&new.patch), 0);
	kmod_exit(&new);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_rollback_breaking_takeover_alloc_sweep)
{
	unsigned long n, failures = 0, shadows, live;
	int ret;

	old_setup();
	take_reference();
	shadows = klpm_shadow_count_all();
	shim_rcu_barrier();
	live = shim_alloc_live();
	for (n = 1; n < 100; n++) {
		load_new(brk_fams);
		arm_alloc = n;
		shim_log_clear();
		ret = kmod_enable(&new);
		if (!ret || !injected) {
			/* went through: no failure was injected */
			EXPECT_EQ(injected, 0ul);
			EXPECT_EQ(ret, 0);
			break;
		}
		failures++;
		expect_rolled_back(ret, -ENOMEM, shadows, live);
		EXPECT_LOG("failed (-12): the patch is refused, the live data is as it was");
	}
	arm_alloc = 0;
	/*
	 * One allocation per twin, and (format 2) the buckets of the new
	 * epoch's claims table: each was a rollback point.
	 */
	EXPECT_EQ(failures, (unsigned long)NR_OBJS + !!kt_claimed_flag());
	expect_breaking_done();
	finish();
}

/*
 * A step cannot refuse a patch any more: pre_patch runs none (old code may
 * be writing the instances), so a step that fails does so after the
 * transition, where the instance it cannot migrate is freed and counted
 * as lost, whichever step it is.
 */
static void expect_one_lost(struct klpsv_family **fams, unsigned int k)
{
	u64 lost;

	old_setup();
	load_new(fams);
	step_fail_at = k;
	shim_log_clear();
	EXPECT_EQ(kmod_enable(&new), 0);
	EXPECT_EQ(steps_in_pre_patch, 0u);
	EXPECT_TRUE(klpm_patch_installed(&new.patch));
	EXPECT_FALSE(klpm_patch_installed(&old.patch));
	lost = kt_index(BR_ID)->lost + kt_index(AD_ID)->lost;
	EXPECT_EQ(lost, 1ull);
	EXPECT_LOG("after the transition and is freed");
	EXPECT_EQ(kt_index(BR_ID)->count + kt_index(AD_ID)->count,
		  2ull * NR_OBJS - 1);
	step_fail_at = 0;
	finish();
}

TEST(klpsv_rollback_breaking_step_failure_refuses_nothing)
{
	unsigned int k;

	/* the twins' steps, then the in-place ones of the second family */
	for (k = 1; k <= 2 * NR_OBJS; k++)
		expect_one_lost(brk_fams, k);
}

static void expect_additive_done(void)
{
	unsigned int i;

	EXPECT_TRUE(klpm_patch_installed(&new.patch));
	EXPECT_NOT_NULL(kt_index(NW_ID));
	for (i = 0; i < NR_OBJS; i++) {
		struct ad2 *a = ad2_get(&objs[i]);

		ASSERT_NOT_NULL(a);
		EXPECT(a == (struct ad2 *)(kt_hdr(&objs[i], AD_ID, 0) + 1));
		EXPECT_EQ(a->x, 300u + i);
		EXPECT_EQ(a->y, 0xaddu);
		ad2_put(a);
	}
}

TEST(klpsv_rollback_additive_takeover_alloc_sweep)
{
	unsigned long n, failures = 0, shadows, live;
	int ret;

	old_setup();
	take_reference();
	shadows = klpm_shadow_count_all();
	shim_rcu_barrier();
	live = shim_alloc_live();
	for (n = 1; n < 100; n++) {
		load_new(add_fams);
		arm_alloc = n;
		shim_log_clear();
		ret = kmod_enable(&new);
		if (!ret || !injected) {
			/* went through: no failure was injected */
			EXPECT_EQ(injected, 0ul);
			EXPECT_EQ(ret, 0);
			break;
		}
		failures++;
		/*
		 * The new family's index and its two tables, after the
		 * in-place migrations.
		 */
		expect_rolled_back(ret, -ENOMEM, shadows, live);
		EXPECT_LOG("klpsv: kt_rb_new: taking over family 'nw' failed (-12): the patch is refused, the live data is as it was");
	}
	arm_alloc = 0;
	EXPECT_EQ(failures, 3ul);
	expect_additive_done();
	finish();
}

TEST(klpsv_rollback_additive_step_failure_refuses_nothing)
{
	unsigned int k;

	for (k = 1; k <= NR_OBJS; k++)
		expect_one_lost(add_fams, k);
}

/* The patch's own allocations in module init fail cleanly too. */
TEST(klpsv_rollback_enable_states_alloc_failure)
{
	unsigned long shadows;
	int ret;

	old_setup();
	take_reference();
	shadows = klpm_shadow_count_all();
	load_new(brk_fams);
	shim_log_clear();
	/* states are declared (as after a format-1 patch) */
	kt_registry()->flags |= KLPSV_REG_STATES;
	/* the registry exists: klp_state array is the first allocation */
	shim_fail_nth_alloc(1);
	ret = kmod_enable(&new);
	EXPECT_EQ(shim_fail_count(), 1ul);
	shim_fail_off();
	EXPECT_EQ(ret, -ENOMEM);
	EXPECT_FALSE(klpm_patch_installed(&new.patch));
	EXPECT_NULL(klpsv_this_patch());
	EXPECT_NULL(new.patch.states);
	kt_snapshot(&after);
	EXPECT_SNAP_SAME(&before, &after);
	EXPECT_EQ(klpm_shadow_count_all(), shadows);
	/* and the same module loads fine the next time */
	load_new(brk_fams);
	EXPECT_EQ(kmod_enable(&new), 0);
	expect_breaking_done();
	finish();
}

/*
 * Regression test of a fixed bug.  An in-place (additive) step that writes
 * its new member and then returns an error must leave no trace in the
 * instance's tail room: old code's data stays byte for byte as it was, and
 * the next additive step, which relies on zeroed tail room (see
 * samples/chain/p2.c), does not read garbage.  (Found when pre_patch still
 * ran the steps; now the failing step is new code's lazy migration.)
 */
TEST(klpsv_rollback_additive_half_done_step_leaves_no_trace)
{
	unsigned int i;

	old_setup();
	take_reference();
	load_new(add_fams);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&new), 0);
	klpm_hold_transitions(false);
	ad_fail_half_done = true;
	for (i = 0; i < NR_OBJS; i++) {
		step_calls = 0;
		step_fail_at = 1;
		EXPECT_NULL(ad2_get(&objs[i]));
	}
	step_fail_at = 0;
	kt_snapshot(&after);
	EXPECT_SNAP_SAME(&before, &after);
	EXPECT_EQ(kt_index(AD_ID)->migrations, ad_before.migrations);
	/* the next access migrates */
	ASSERT_EQ(klpm_transition_finish(), 0);
	expect_additive_done();
	EXPECT_EQ(kt_index(AD_ID)->migrations, (u64)NR_OBJS);
	finish();
}

/* "ad" v3 appends z in the tail room; its only step is from v2. */
struct ad3 {
	u32 x;
	u32 y;
	u32 z;
};
#define AD3_LAYOUT KLPSV_LAYOUT(struct ad3, KLPSV_FIELD(struct ad3, x), \
				KLPSV_FIELD(struct ad3, y), \
				KLPSV_FIELD(struct ad3, z))

static int ad3_up(void *obj, const void *from, void *to)
{
	((struct ad3 *)to)->z = 0x333;
	return 0;
}

KLPSV_FAMILY(ad3, struct ad3, .name = "ad", .id = AD_ID, .version = 3,
	     .layout = AD3_LAYOUT, .reserve = 4,
	     KLPSV_STEPS({ .from = 2, .layout = AD2_LAYOUT, .up = ad3_up }));

static struct kmod third;

/*
 * Transition model point 7: an instance whose in-place step failed after
 * the transition must not stay behind at the older version, where a later
 * patch with steps from the live version only cannot take it over (it
 * was refused, or the instance stuck, for good).  It is freed and counted
 * as lost; the next patch takes every other instance over.
 */
TEST(klpsv_rollback_failed_late_step_leaves_nothing_behind)
{
	static struct klpsv_family *v3_fams[] = {
		&ad3_family, &br1c_family, &nw1_family, NULL };
	unsigned int i;

	old_setup();
	load_new(add_fams);
	step_fail_at = 1;
	EXPECT_EQ(kmod_enable(&new), 0);
	step_fail_at = 0;
	EXPECT_EQ(kt_index(AD_ID)->lost, 1ull);
	EXPECT_EQ(kt_index(AD_ID)->count, (u64)NR_OBJS - 1);
	for (i = 0; i < NR_OBJS; i++) {
		struct klpsv_hdr *hdr = kt_hdr(&objs[i], AD_ID, 0);

		if (hdr)
			EXPECT_EQ(hdr->version, 2);
	}
	kmod_detach(&new);
	kmod_load(&third, "kt_rb_v3", v3_fams);
	EXPECT_EQ(kmod_enable(&third), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct ad3 *a = ad3_get(&objs[i]);

		if (!a)
			continue;
		EXPECT_EQ(a->z, 0x333u);
		ad3_put(a);
	}
	EXPECT_EQ(kt_index(AD_ID)->count, (u64)NR_OBJS - 1);
	EXPECT_EQ(kt_index(AD_ID)->lost, 1ull);
	EXPECT_EQ(klpm_disable(&third.patch), 0);
	kmod_exit(&third);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}
