// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the framework: every check it makes after a test must catch
 * what it is there for.  The faulty tests run nested (test_run_nested()),
 * so their failure is observed here instead of counted.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "klp_model.h"
#include "test.h"

static void *leaked;
static bool reached;

static void nested_clean(void)
{
	struct {
		int x;
		struct rcu_head rcu;
	} *p = kmalloc(sizeof(*p), GFP_KERNEL);

	EXPECT_NOT_NULL(p);
	/* freed after a grace period: still no leak at the end */
	kfree_rcu(p, rcu);
}

TEST(framework_passes_a_clean_test)
{
	struct test_result res;

	test_run_nested(nested_clean, &res);
	EXPECT_FALSE(res.failed);
	EXPECT_STREQ(res.reasons, "");
}

static void nested_leaks(void)
{
	leaked = kmalloc(24, GFP_KERNEL);
}

TEST(framework_detects_a_leak)
{
	unsigned long live = shim_alloc_live();
	struct test_result res;

	test_run_nested(nested_leaks, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "leaked 1 allocation"));
	EXPECT_EQ(shim_alloc_live(), live + 1);
	kfree(leaked);
	EXPECT_EQ(shim_alloc_live(), live);
}

TEST(framework_leak_accounting_is_per_mark)
{
	unsigned long mark = shim_alloc_mark();
	void *p = kmalloc(10, GFP_KERNEL);
	void *q = kstrdup("x", GFP_KERNEL);

	EXPECT_EQ(shim_alloc_leaks(mark, false), 2);
	kfree(p);
	EXPECT_EQ(shim_alloc_leaks(mark, false), 1);
	EXPECT_EQ(shim_alloc_leaks(shim_alloc_mark(), false), 0);
	kfree(q);
	EXPECT_EQ(shim_alloc_leaks(mark, false), 0);
}

static void nested_warns(void)
{
	WARN_ON(1);
}

TEST(framework_detects_an_unexpected_warning)
{
	struct test_result res;

	test_run_nested(nested_warns, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "1 unexpected WARNING"));
}

static void nested_warns_expectedly(void)
{
	WARN_ON(1);
	EXPECT_WARNINGS(1);
}

TEST(framework_accepts_an_expected_warning)
{
	struct test_result res;

	test_run_nested(nested_warns_expectedly, &res);
	EXPECT_FALSE(res.failed);
}

static void nested_sleeps_in_atomic(void)
{
	static DEFINE_SPINLOCK(lock);
	void *p;

	spin_lock(&lock);
	p = kmalloc(8, GFP_KERNEL);
	spin_unlock(&lock);
	kfree(p);
}

TEST(framework_detects_sleeping_in_atomic)
{
	struct test_result res;

	test_run_nested(nested_sleeps_in_atomic, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "sleeping function called from invalid context"));
}

static DEFINE_SPINLOCK(held_lock);

static void nested_keeps_a_lock(void)
{
	spin_lock(&held_lock);
}

TEST(framework_detects_a_held_lock)
{
	struct test_result res;

	test_run_nested(nested_keeps_a_lock, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "left a spinlock"));
	/* the framework reset the context; give the mutex back by hand */
	shim_lock_release(&held_lock.shim, __FILE__, __LINE__);
	EXPECT_FALSE(spin_is_locked(&held_lock));
}

static void nested_stays_in_rcu(void)
{
	rcu_read_lock();
}

TEST(framework_detects_a_forgotten_rcu_read_unlock)
{
	struct test_result res;

	test_run_nested(nested_stays_in_rcu, &res);
	EXPECT(res.failed);
	EXPECT_FALSE(rcu_read_lock_held());
}

static int nop_func(void)
{
	return 0;
}

static struct module leftover_mod = { .name = "leftover" };
static struct klp_func leftover_funcs[] = {
	{ .old_name = "leftover_func", .new_func = nop_func }, { }
};
static struct klp_object leftover_objs[] = { { .funcs = leftover_funcs }, { } };
static struct klp_patch leftover_patch = {
	.mod = &leftover_mod,
	.objs = leftover_objs,
};

static void nested_leaves_a_patch(void)
{
	EXPECT_EQ(klp_enable_patch(&leftover_patch), 0);
}

TEST(framework_detects_an_installed_patch)
{
	struct test_result res;

	test_run_nested(nested_leaves_a_patch, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "left 1 livepatch"));
	/* and cleaned up for the next test */
	EXPECT_FALSE(klpm_patch_installed(&leftover_patch));
	EXPECT_EQ(module_refcount(&leftover_mod), 0);
}

static void nested_leaves_a_transition(void)
{
	EXPECT_EQ(klpm_enable_begin(&leftover_patch), 0);
}

TEST(framework_detects_a_running_transition)
{
	struct test_result res;

	test_run_nested(nested_leaves_a_transition, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "transition running"));
	EXPECT_NULL(klpm_transition_patch());
}

static int obj_a;

static void nested_leaves_a_shadow(void)
{
	EXPECT_NOT_NULL(klp_shadow_alloc(&obj_a, 7, 8, GFP_KERNEL, NULL, NULL));
}

TEST(framework_detects_a_shadow_variable)
{
	struct test_result res;

	test_run_nested(nested_leaves_a_shadow, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "left 1 shadow variable"));
	/* reported once, as a shadow variable, not again as a leak */
	EXPECT_NULL(strstr(res.reasons, "leaked"));
	EXPECT_NULL(klp_shadow_get(&obj_a, 7));
}

static void work_fn(struct work_struct *work)
{
}

static DECLARE_WORK(leftover_work, work_fn);

static void nested_leaves_work(void)
{
	schedule_work(&leftover_work);
}

TEST(framework_detects_queued_work)
{
	struct test_result res;

	test_run_nested(nested_leaves_work, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "left 1 work item"));
	EXPECT_EQ(shim_work_pending(), 0);
}

static void nested_leaves_debugfs(void)
{
	debugfs_create_dir("leftover", NULL);
}

TEST(framework_detects_a_debugfs_entry)
{
	struct test_result res;

	test_run_nested(nested_leaves_debugfs, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "left 1 debugfs entry"));
	EXPECT_FALSE(shim_debugfs_exists("leftover"));
}

static void nested_asserts(void)
{
	ASSERT_EQ(1, 2);
	reached = true;
}

TEST(framework_assert_ends_the_test)
{
	struct test_result res;

	reached = false;
	test_run_nested(nested_asserts, &res);
	EXPECT(res.failed);
	EXPECT_FALSE(reached);
	EXPECT_NOT_NULL(strstr(res.reasons, "1 == 2: 1 (0x1) vs 2 (0x2)"));
}

static void nested_expects(void)
{
	EXPECT_EQ(2 + 2, 5);
	reached = true;
}

TEST(framework_expect_goes_on)
{
	struct test_result res;

	reached = false;
	test_run_nested(nested_expects, &res);
	EXPECT(res.failed);
	EXPECT(reached);
	EXPECT_NOT_NULL(strstr(res.reasons, "test_framework.c:"));
	EXPECT_NOT_NULL(strstr(res.reasons, "2 + 2 == 5: 4 (0x4) vs 5 (0x5)"));
}

static void nested_bad_string(void)
{
	EXPECT_STREQ("abc", "abd");
	EXPECT_LOG("no such line");
}

TEST(framework_string_and_log_checks)
{
	struct test_result res;

	test_run_nested(nested_bad_string, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "\"abc\" vs \"abd\""));
	EXPECT_NOT_NULL(strstr(res.reasons, "no log line contains \"no such line\""));
}

static void nested_resets_state(void)
{
	/* the previous test's log, counters and fault injection are gone */
	EXPECT_EQ(shim_log_nr(), 0);
	EXPECT_EQ(shim_warnings(), 0);
	EXPECT_EQ(shim_fail_count(), 0);
	leaked = kmalloc(1, GFP_KERNEL);
	EXPECT_NOT_NULL(leaked);
	kfree(leaked);
}

TEST(framework_resets_the_shim_before_each_test)
{
	struct test_result res;

	pr_info("left in the log\n");
	shim_fail_nth_alloc(1);
	test_run_nested(nested_resets_state, &res);
	EXPECT_FALSE(res.failed);
}
