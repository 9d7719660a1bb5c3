// SPDX-License-Identifier: GPL-2.0
/*
 * klpsv benchmark, patch 2: family "bench" at v2, a breaking change from
 * v1 (a twin per instance, in a new layout epoch), and callbacks that time
 * klpsv's own ones.  A patch with callbacks of its own calls klpsv's from
 * them (Documentation/api.rst), so nothing here reaches into lib/.
 *
 * The step and the release of each v1 instance mark one window each
 * (bench.h) in the callback that runs them: a window bounds the lock holds
 * in it.  pre_patch runs no step (it reserves the twins), so post_patch's
 * walk marks both.
 *
 * /sys/kernel/debug/klpsv_bench_v2/takeover reads
 *	pre_ns=.. pre_err=.. post_ns=.. unpatch_ns=.. steps=.. releases=..
 *	pre: <windows> post: <windows>
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "kbench.h"

static struct bench_windows pre_win, post_win;
static struct bench_windows *cur_win = &pre_win;	/* the running callback's */
static u64 pre_ns, post_ns, unpatch_ns, steps, releases;
static int pre_err;

/* Runs under the family's lock, IRQs off, once per instance. */
static int bench_up(void *obj, const void *from, void *to)
{
	bench_v1_to_v2(from, to);
	steps++;
	bench_win_mark(cur_win);
	return 0;
}

/* Runs outside every lock as each v1 instance is dropped, after its twin
 * has taken over (post_patch).
 */
static void bench_release(void *obj, void *data)
{
	releases++;
	bench_win_mark(cur_win);
}

KLPSV_FAMILY(bench, struct bench_v2,
	.name = "bench",
	.id = BENCH_ID,
	.version = KLPSV_V(2),
	.layout = BENCH_V2_LAYOUT,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = BENCH_V1_LAYOUT,
		      .up = bench_up, .release = bench_release }),
);

static int v2_pre_patch(struct klp_object *obj)
{
	u64 t0;

	cur_win = &pre_win;
	bench_win_start(&pre_win);
	t0 = ktime_get_ns();
	pre_err = klpsv_pre_patch(obj);
	pre_ns = ktime_get_ns() - t0;
	pr_info("pre_patch: %llu ns (%d)\n", pre_ns, pre_err);
	return pre_err;
}

static void v2_post_patch(struct klp_object *obj)
{
	u64 t0;

	cur_win = &post_win;
	bench_win_start(&post_win);
	t0 = ktime_get_ns();
	klpsv_post_patch(obj);
	post_ns = ktime_get_ns() - t0;
	pr_info("post_patch: %llu ns\n", post_ns);
}

static void v2_post_unpatch(struct klp_object *obj)
{
	u64 t0 = ktime_get_ns();

	klpsv_post_unpatch(obj);
	unpatch_ns = ktime_get_ns() - t0;
	pr_info("post_unpatch: %llu ns\n", unpatch_ns);
}

static int takeover_show(struct seq_file *m, void *v)
{
	char buf[320];

	seq_printf(m, "pre_ns=%llu pre_err=%d post_ns=%llu unpatch_ns=%llu steps=%llu releases=%llu",
		   pre_ns, pre_err, post_ns, unpatch_ns, steps, releases);
	bench_win_print(buf, sizeof(buf), &pre_win);
	seq_printf(m, " pre: %s", buf);
	bench_win_print(buf, sizeof(buf), &post_win);
	seq_printf(m, " post: %s\n", buf);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(takeover);

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		.funcs = no_funcs,
		.callbacks = {
			.pre_patch = v2_pre_patch,
			.post_patch = v2_post_patch,
			.post_unpatch = v2_post_unpatch,
		},
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &bench_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static struct dentry *dir;

static int __init bench_p2_init(void)
{
	int err;

	/* Before enabling: post_patch may run before init returns. */
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("takeover", 0444, dir, NULL, &takeover_fops);
	err = klpsv_enable_patch(&kpatch);
	if (err)
		debugfs_remove(dir);
	return err;
}

static void __exit bench_p2_exit(void)
{
	debugfs_remove(dir);
	klpsv_patch_exit(&kpatch);
}

module_init(bench_p2_init);
module_exit(bench_p2_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv benchmark, patch 2: family bench v2, timed takeover");
MODULE_INFO(livepatch, "Y");
