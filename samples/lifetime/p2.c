// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime patch 2, replacing patch 1: "life" moves to v2 in place (it
 * records which patch created an instance).  It patches the same
 * task-free function as p1: whichever patch's code a freeing task runs
 * during the transition, the data is freed, and tasks p1 gave data to
 * that die under p2 are freed by p2.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "schemas.h"

static atomic_t recycled = ATOMIC_INIT(0);

static int life_ctor(void *obj, void *data, void *arg)
{
	struct task_struct *t = obj;
	struct life_v2 *d = data;

	d->start = t->start_boottime;
	d->pid = t->pid;
	d->born = 2;
	return 0;
}

/* In place: only the new member is written; its tail room was zeroed. */
static int life_v1_to_v2(void *obj, const void *from, void *to)
{
	struct life_v2 *d = to;

	d->born = 1;
	return 0;
}

KLPSV_FAMILY(life, struct life_v2,
	.name = "life",
	.id = LIFE_ID,
	.version = KLPSV_V(2),
	.layout = LIFE_V2_LAYOUT,
	.reserve = LIFE_RESERVE,
	.ctor = life_ctor,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = LIFE_V1_LAYOUT,
		      .up = life_v1_to_v2 }),
);

static struct life_v2 *p2_task_data(struct task_struct *t)
{
	struct life_v2 *d = life_get_or_alloc(t, GFP_KERNEL, NULL);

	if (d && !life_cookie_matches(t, d->start, d->pid)) {
		atomic_inc(&recycled);
		d->start = t->start_boottime;
		d->pid = t->pid;
		d->visits = 0;
		d->born = 2;
	}
	return d;
}

static void p2_life_visit(struct seq_file *m)
{
	struct life_v2 *d = p2_task_data(current);

	if (!d) {
		seq_printf(m, "pid %d: visits=? [p2]\n", task_pid_nr(current));
		return;
	}
	d->visits++;
	seq_printf(m, "pid %d: visits=%u born=p%u recycled=%d [p2]\n",
		   task_pid_nr(current), d->visits, d->born,
		   atomic_read(&recycled));
	life_put(d);
}

static void p2_life_park(unsigned int ms)
{
	life_park_body(ms);
}

/* The same function as p1 patches: every patch of the chain must. */
static void p2_release_user_cpus_ptr(struct task_struct *p)
{
	life_free(p);
	life_release_user_cpus_ptr_body(p);
}

static struct klp_func vmlinux_funcs[] = {
	{ .old_name = "release_user_cpus_ptr",
	  .new_func = p2_release_user_cpus_ptr, },
	{ }
};

static struct klp_func victim_funcs[] = {
	{ .old_name = "life_visit", .new_func = p2_life_visit, },
	{ .old_name = "life_park", .new_func = p2_life_park, },
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

static int __init p2_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p2_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(p2_init);
module_exit(p2_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv lifetime sample, patch 2: life v2, same free hook");
MODULE_INFO(livepatch, "Y");
