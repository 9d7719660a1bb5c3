// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: every result is returned or acted on: the init returns
 * klpsv_enable_patch()'s error after undoing its debugfs setup, the
 * pre_patch callback returns klpsv_pre_patch()'s error, the accessor's
 * result is tested and put.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = 1,
	.layout = STATS_V1_LAYOUT,
);

static struct dentry *dir;
static struct klp_patch patch;
static struct klpsv_patch kpatch;

static void p1_touch(struct chain_session *s)
{
	struct stats_v1 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return;
	st->touches++;
	stats_put(st);
}

static int p1_pre_patch(struct klp_object *obj)
{
	int ret;

	ret = klpsv_pre_patch(obj);
	if (ret)
		return ret;
	pr_info("stats taken over\n");
	return 0;
}

static int __init p1_init(void)
{
	int ret;

	dir = debugfs_create_dir("p1", NULL);
	ret = klpsv_enable_patch(&kpatch);
	if (ret < 0)
		goto err_debugfs;
	pr_info("loaded\n");
	return 0;

err_debugfs:
	debugfs_remove(dir);
	return ret;
}

module_init(p1_init);
MODULE_LICENSE("GPL");
