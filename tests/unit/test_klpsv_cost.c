// SPDX-License-Identifier: GPL-2.0
/*
 * Cost: steps run under the family's spinlock with IRQs off, one instance
 * at a time; walks over many instances drop the lock and reschedule every
 * KLPSV_BATCH objects, so no lock is held for a time that grows with the
 * number of instances.  (cond_resched() with a lock held would be
 * reported as a sleep bug, which fails the test.)
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "test_klpsv.h"

#define MANY 600

struct c1 {
	u32 v;
};
struct c2 {
	u64 v;
};
#define C1_LAYOUT KLPSV_LAYOUT(struct c1, KLPSV_FIELD(struct c1, v))
#define C2_LAYOUT KLPSV_LAYOUT(struct c2, KLPSV_FIELD(struct c2, v))
#define C_ID KLPSV_ID(0xc0, 1)

static int objs[MANY];
static unsigned int steps, steps_unlocked, max_depth;

static int c_up(void *obj, const void *from, void *to)
{
	steps++;
	if (!shim_irqs_disabled() || !shim_in_atomic())
		steps_unlocked++;
	if (shim_preempt_count() > (int)max_depth)
		max_depth = shim_preempt_count();
	((struct c2 *)to)->v = ((const struct c1 *)from)->v;
	return 0;
}

KLPSV_FAMILY(c1, struct c1, .name = "cost", .id = C_ID, .version = 1,
	     .layout = C1_LAYOUT);
KLPSV_FAMILY(c2, struct c2, .name = "cost", .id = C_ID, .version = 2,
	     .layout = C2_LAYOUT,
	     KLPSV_STEPS({ .from = 1, .layout = C1_LAYOUT, .up = c_up }));

static struct klpsv_family *f1[] = { &c1_family, NULL };
static struct klpsv_family *f2[] = { &c2_family, NULL };
static struct kmod m1, m2;

TEST(klpsv_cost_walks_are_batched_steps_locked)
{
	unsigned long resched;
	unsigned int i;

	kt_begin();
	kmod_load(&m1, "kt_cost1", f1);
	ASSERT_EQ(kmod_enable(&m1), 0);
	for (i = 0; i < MANY; i++) {
		struct c1 *d = c1_get_or_alloc(&objs[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(d);
		d->v = i;
		c1_put(d);
	}
	kmod_detach(&m1);
	steps = steps_unlocked = max_depth = 0;
	resched = shim_cond_resched_calls();
	kmod_load(&m2, "kt_cost2", f2);
	ASSERT_EQ(kmod_enable(&m2), 0);
	/* one step per instance, each under the lock with IRQs off */
	EXPECT_EQ(steps, (unsigned int)MANY);
	EXPECT_EQ(steps_unlocked, 0u);
	/* the index lock alone: not inside klp_shadow's, nor nested */
	EXPECT_EQ(max_depth, 1u);
	/* the takeover walk, then the finishing walks, rescheduled */
	EXPECT_GE(shim_cond_resched_calls() - resched,
		  2ul * (MANY / KLPSV_BATCH));
	EXPECT_SLEEP_BUGS(0);
	for (i = 0; i < MANY; i += 97) {
		struct c2 *d = c2_get(&objs[i]);

		ASSERT_NOT_NULL(d);
		EXPECT_EQ(d->v, (u64)i);
		c2_put(d);
	}
	resched = shim_cond_resched_calls();
	EXPECT_EQ(klpm_disable(&m2.patch), 0);
	EXPECT_GE(shim_cond_resched_calls() - resched,
		  (unsigned long)(MANY / KLPSV_BATCH));
	kmod_exit(&m2);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* The fast path: a get hands out the instance's own data, no copy. */
TEST(klpsv_cost_get_is_the_instance_data)
{
	struct klpsv_hdr *hdr;
	struct c1 *d;

	kt_begin();
	kmod_load(&m1, "kt_cost1", f1);
	ASSERT_EQ(kmod_enable(&m1), 0);
	d = c1_get_or_alloc(&objs[0], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(d);
	c1_put(d);
	hdr = kt_hdr(&objs[0], C_ID, 0);
	ASSERT_NOT_NULL(hdr);
	EXPECT(c1_get(&objs[0]) == (struct c1 *)(hdr + 1));
	c1_put(d);
	EXPECT_EQ(klpm_disable(&m1.patch), 0);
	kmod_exit(&m1);
	kt_end();
}
