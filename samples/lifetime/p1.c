// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime patch 1: counts each task's reads of /proc/klpsv_life in
 * per-task shadow data ("life" v1), and frees that data when the kernel
 * frees the task_struct, by patching release_user_cpus_ptr(), which
 * free_task() calls exactly once per task.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "schemas.h"

/* Test knob only: skip the free, to show what the cookie is for. */
static bool test_skip_free;
module_param(test_skip_free, bool, 0644);
MODULE_PARM_DESC(test_skip_free, "tests only: leak per-task data on task free");

/* Dead tasks' data found on a recycled task_struct (cookie mismatch). */
static atomic_t recycled = ATOMIC_INIT(0);

static int life_ctor(void *obj, void *data, void *arg)
{
	struct task_struct *t = obj;
	struct life_v1 *d = data;

	d->start = t->start_boottime;
	d->pid = t->pid;
	return 0;
}

KLPSV_FAMILY(life, struct life_v1,
	.name = "life",
	.id = LIFE_ID,
	.version = KLPSV_V(1),
	.layout = LIFE_V1_LAYOUT,
	.reserve = LIFE_RESERVE,
	.ctor = life_ctor,
);

/* The task's own data, never a dead task's: put() it when done. */
static struct life_v1 *p1_task_data(struct task_struct *t)
{
	struct life_v1 *d = life_get_or_alloc(t, GFP_KERNEL, NULL);

	if (d && !life_cookie_matches(t, d->start, d->pid)) {
		atomic_inc(&recycled);
		d->start = t->start_boottime;
		d->pid = t->pid;
		d->visits = 0;
	}
	return d;
}

static void p1_life_visit(struct seq_file *m)
{
	struct life_v1 *d = p1_task_data(current);

	if (!d) {
		seq_printf(m, "pid %d: visits=? [p1]\n", task_pid_nr(current));
		return;
	}
	d->visits++;
	seq_printf(m, "pid %d: visits=%u recycled=%d [p1]\n",
		   task_pid_nr(current), d->visits, atomic_read(&recycled));
	life_put(d);
}

static void p1_life_park(unsigned int ms)
{
	life_park_body(ms);
}

/*
 * free_task() -> release_user_cpus_ptr(): the task_struct is about to be
 * freed, no reference to it is left, so no code can attach data to it
 * again.  Free the patch's data, then do the original's work.
 */
static void p1_release_user_cpus_ptr(struct task_struct *p)
{
	if (!READ_ONCE(test_skip_free))
		life_free(p);
	life_release_user_cpus_ptr_body(p);
}

static struct klp_func vmlinux_funcs[] = {
	{ .old_name = "release_user_cpus_ptr",
	  .new_func = p1_release_user_cpus_ptr, },
	{ }
};

static struct klp_func victim_funcs[] = {
	{ .old_name = "life_visit", .new_func = p1_life_visit, },
	{ .old_name = "life_park", .new_func = p1_life_park, },
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = vmlinux_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, {
		.name = "klpsv_life_victim",
		.funcs = victim_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &life_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init p1_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p1_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(p1_init);
module_exit(p1_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv lifetime sample, patch 1: per-task data freed with the task");
MODULE_INFO(livepatch, "Y");
