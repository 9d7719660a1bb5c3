// SPDX-License-Identifier: GPL-2.0
/*
 * Visibility: /sys/kernel/debug/klpsv/<patch module>/families lists every
 * family on the system (from the shared registry, so any patch's file
 * shows the same), with version, layout, epoch, state, instances, bytes,
 * migrations, lost instances, owner and the last refusal.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../../samples/chain/schemas.h"
#include "test_klpsv.h"

#define NR_OBJS 3

static struct chain_session sess[NR_OBJS + 1];
static struct kmod m1, m2, m3, m4;
static char buf[4096], want[4096];

static bool fail_up;

static int v1_to_v3(void *obj, const void *from, void *to)
{
	if (fail_up)
		return -EFAULT;
	((struct stats_v3 *)to)->touches = ((const struct stats_v1 *)from)->touches;
	return 0;
}

static int v1_to_v2(void *obj, const void *from, void *to)
{
	return 0;
}

KLPSV_FAMILY(d1, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = 1, .layout = STATS_V1_LAYOUT, .reserve = STATS_RESERVE);
KLPSV_FAMILY(dt, struct tag_v1, .name = "tag", .id = TAG_ID, .version = 1,
	     .layout = TAG_V1_LAYOUT);
KLPSV_FAMILY(d3, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = 3, .layout = STATS_V3_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = v1_to_v3 }));
/* a downgrade from v3: refused */
KLPSV_FAMILY(d2, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = 2, .layout = STATS_V2_LAYOUT, .reserve = STATS_RESERVE,
	     KLPSV_STEPS({ .from = 1, .layout = STATS_V1_LAYOUT,
			   .up = v1_to_v2 }));

static struct klpsv_family *f1[] = { &d1_family, &dt_family, NULL };
static struct klpsv_family *f3[] = { &d3_family, &dt_family, NULL };
static struct klpsv_family *f2[] = { &d2_family, &dt_family, NULL };

static u32 tag_layout(void)
{
	const struct klpsv_layout l = TAG_V1_LAYOUT;

	return klpsv_layout_fingerprint(&l);
}

/*
 * @n tables of the smallest size: what a small family's index uses (two,
 * and a claims table while a breaking transition's twins are reserved).
 */
static size_t small_index_bytes(unsigned int n)
{
	struct klpsv_buckets *b;

	return n * struct_size(b, head, 1U << KLPSV_TABLE_MIN_SHIFT);
}

/*
 * The families file, with each index_bytes= value checked against a small
 * family's and replaced by "small" (the size of an RCU head differs
 * between the kernel and these stand-ins).
 */
static const char *families(const char *module)
{
	char path[128], num[32], num3[32], *p, *end;
	bool claims;
	ssize_t n;

	snprintf(path, sizeof(path), "klpsv/%s/families", module);
	n = shim_debugfs_read(path, buf, sizeof(buf));
	EXPECT_GE(n, 0);
	if (n < 0)
		buf[0] = '\0';
	snprintf(num, sizeof(num), "%zu", small_index_bytes(2));
	snprintf(num3, sizeof(num3), "%zu", small_index_bytes(3));
	for (p = strstr(buf, "index_bytes="); p; p = strstr(p, "index_bytes=")) {
		p += strlen("index_bytes=");
		end = p + strspn(p, "0123456789");
		/* a claims table only in a transition (the line says so) */
		claims = (size_t)(end - p) == strlen(num3) &&
			 !strncmp(p, num3, end - p);
		if (claims)
			EXPECT(strstr(end, " next_epoch=") < strchr(end, '\n'));
		else
			EXPECT(!strncmp(p, num, end - p) &&
			       (size_t)(end - p) == strlen(num));
		memmove(p + 5, end, strlen(end) + 1);
		memcpy(p, "small", 5);
	}
	return buf;
}

static void vis_p1(void)
{
	unsigned int i;

	kt_begin();
	fail_up = false;
	kmod_load(&m1, "kt_vis1", f1);
	ASSERT_EQ(kmod_enable(&m1), 0);
	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v1 *s = d1_get_or_alloc(&sess[i], GFP_KERNEL, NULL);
		struct tag_v1 *t = dt_get_or_alloc(&sess[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(s);
		ASSERT_NOT_NULL(t);
		s->touches = i;
		d1_put(s);
		dt_put(t);
	}
}

TEST(klpsv_debugfs_families_through_a_chain)
{
	const char *refusal = "kt_vis3: family 'stats': refusing downgrade from live v3 (kt_vis2) to v2: to undo v3, ship a patch with version 4 or more";

	vis_p1();
	/*
	 * stats: 4 bytes + 8 reserved = 16 of data; tag: 16; with the
	 * 24-byte header each takes kmalloc-64 (v3 of stats: 24 of data)
	 */
	snprintf(want, sizeof(want),
		 "family=stats id=0x6b73760000010010 version=1 layout=d422c2d4 epoch=0 state=live instances=3 bytes=192 index_bytes=small migrations=0 lost=0 owner=kt_vis1 refusal=\"\"\n"
		 "family=tag id=0x6b73760000010020 version=1 layout=%08x epoch=0 state=live instances=3 bytes=192 index_bytes=small migrations=0 lost=0 owner=kt_vis1 refusal=\"\"\n",
		 tag_layout());
	EXPECT_STREQ(families("kt_vis1"), want);

	/* p2: stats v1 -> v3, a new layout; seen in the transition */
	kmod_detach(&m1);
	EXPECT_FALSE(shim_debugfs_exists("klpsv/kt_vis1"));
	kmod_load(&m2, "kt_vis2", f3);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&m2), 0);
	klpm_hold_transitions(false);
	snprintf(want, sizeof(want),
		 "family=stats id=0x6b73760000010010 version=1 layout=d422c2d4 epoch=0 state=transition instances=3 bytes=192 index_bytes=small migrations=0 lost=0 owner=kt_vis1 next_version=3 next_epoch=1 refusal=\"\"\n"
		 "family=tag id=0x6b73760000010020 version=1 layout=%08x epoch=0 state=live instances=3 bytes=192 index_bytes=small migrations=0 lost=0 owner=kt_vis1 refusal=\"\"\n",
		 tag_layout());
	EXPECT_STREQ(families("kt_vis2"), want);
	ASSERT_EQ(klpm_transition_finish(), 0);
	/* v3: 16 bytes + 8 reserved = 24 of data */
	snprintf(want, sizeof(want),
		 "family=stats id=0x6b73760000010010 version=3 layout=a15588d1 epoch=1 state=live instances=3 bytes=192 index_bytes=small migrations=3 lost=0 owner=kt_vis2 refusal=\"\"\n"
		 "family=tag id=0x6b73760000010020 version=1 layout=%08x epoch=0 state=live instances=3 bytes=192 index_bytes=small migrations=0 lost=0 owner=kt_vis2 refusal=\"\"\n",
		 tag_layout());
	EXPECT_STREQ(families("kt_vis2"), want);

	/* p3 is refused: its refusal is kept in the shared data */
	kmod_detach(&m2);
	kmod_load(&m3, "kt_vis3", f2);
	EXPECT_EQ(kmod_enable(&m3), -EINVAL);
	EXPECT_FALSE(shim_debugfs_exists("klpsv/kt_vis3"));

	/*
	 * The next patch's takeover clears it from the family (it no longer
	 * applies); last_refusal keeps it.
	 */
	kmod_load(&m4, "kt_vis4", f3);
	ASSERT_EQ(kmod_enable(&m4), 0);
	snprintf(want, sizeof(want),
		 "family=stats id=0x6b73760000010010 version=3 layout=a15588d1 epoch=1 state=live instances=3 bytes=192 index_bytes=small migrations=3 lost=0 owner=kt_vis4 refusal=\"\"\n"
		 "family=tag id=0x6b73760000010020 version=1 layout=%08x epoch=0 state=live instances=3 bytes=192 index_bytes=small migrations=0 lost=0 owner=kt_vis4 refusal=\"\"\n"
		 "last_refusal=\"%s\"\n",
		 tag_layout(), refusal);
	EXPECT_STREQ(families("kt_vis4"), want);

	/* the real disable empties the registry; the file goes at exit */
	EXPECT_EQ(klpm_disable(&m4.patch), 0);
	snprintf(want, sizeof(want), "last_refusal=\"%s\"\n", refusal);
	EXPECT_STREQ(families("kt_vis4"), want);
	kmod_exit(&m4);
	EXPECT_FALSE(shim_debugfs_exists("klpsv/kt_vis4"));
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* New code reaches every object during the transition: its twin is made. */
static void new_code_reads_all(void)
{
	unsigned int i;

	for (i = 0; i < NR_OBJS; i++) {
		struct stats_v3 *n = d3_get(&sess[i]);

		ASSERT_NOT_NULL(n);
		d3_put(n);
	}
}

/*
 * After the transition a step can no longer refuse the patch: an instance
 * it cannot migrate is freed and counted as lost (design.rst, "Limits").
 */
TEST(klpsv_debugfs_lost_instance_after_transition)
{
	struct stats_v1 *s;

	vis_p1();
	kmod_detach(&m1);
	kmod_load(&m2, "kt_vis2", f3);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&m2), 0);
	klpm_hold_transitions(false);
	new_code_reads_all();
	/* old code opens a session; its step fails when the transition ends */
	s = d1_get_or_alloc(&sess[NR_OBJS], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(s);
	d1_put(s);
	fail_up = true;
	ASSERT_EQ(klpm_transition_finish(), 0);
	fail_up = false;
	EXPECT_LOG("klpsv: kt_vis2: family 'stats': an instance could not be migrated from v1 after the transition and is freed");
	EXPECT_NULL(kt_hdr(&sess[NR_OBJS], STATS_ID, 0));
	EXPECT_NULL(kt_hdr(&sess[NR_OBJS], STATS_ID, 1));
	EXPECT_NULL(d3_get(&sess[NR_OBJS]));
	EXPECT_EQ(kt_index(STATS_ID)->lost, 1ull);
	EXPECT_EQ(kt_index(STATS_ID)->count, (u64)NR_OBJS);
	EXPECT_NOT_NULL(strstr(families("kt_vis2"), "instances=3 bytes=192 index_bytes=small migrations=3 lost=1 owner=kt_vis2"));
	EXPECT_EQ(klpm_disable(&m2.patch), 0);
	kmod_exit(&m2);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/*
 * Regression test of a fixed bug.  design.rst ("Limits") says an instance
 * whose step fails after the transition is freed and counted as lost.
 * For an instance that has a twin and that old code wrote during the
 * transition, klpsv_twin_finish() ignored klpsv_twin_make()'s error: the twin
 * whose refresh failed is made the live instance anyway (version set,
 * lost not counted) with the values from before old code's last write,
 * and the old instance is dropped.  The write is lost silently but for
 * "a step to v3 failed" in the log; debugfs shows lost=0.
 */
TEST(klpsv_debugfs_failed_refresh_after_transition_counts_lost)
{
	struct stats_v1 *s;

	vis_p1();
	kmod_detach(&m1);
	kmod_load(&m2, "kt_vis2", f3);
	klpm_hold_transitions(true);
	ASSERT_EQ(kmod_enable(&m2), 0);
	klpm_hold_transitions(false);
	new_code_reads_all();
	s = d1_get(&sess[0]);
	ASSERT_NOT_NULL(s);
	s->touches = 1234;
	d1_put(s);
	fail_up = true;
	ASSERT_EQ(klpm_transition_finish(), 0);
	fail_up = false;
	EXPECT_EQ(kt_index(STATS_ID)->lost, 1ull);
	EXPECT_NULL(d3_get(&sess[0]));
	EXPECT_EQ(klpm_disable(&m2.patch), 0);
	kmod_exit(&m2);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}
