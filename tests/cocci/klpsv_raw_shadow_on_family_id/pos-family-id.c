// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: a patch that declares its "conn" family with KLPSV_FAMILY(),
 * then reaches the same data through raw klp_shadow_*() calls: a debug dump
 * reads the klpsv header as data, and the post_unpatch callback frees the
 * family's instances behind klpsv's index.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include <klpsv.h>

#include "conn.h"

KLPSV_FAMILY(conn, struct conn_v1,
	.name = "conn",
	.id = CONN_ID,
	.version = 1,
	.layout = CONN_V1_LAYOUT,
);

static void p1_dump(struct seq_file *m, struct conn *c)
{
	struct conn_v1 *cv = klp_shadow_get(c, CONN_ID);

	if (cv)
		seq_printf(m, "conn %u: retries=%u\n", c->id, cv->retries);
}

static void p1_retry(struct conn *c)
{
	struct conn_v1 *cv = conn_get_or_alloc(c, GFP_KERNEL, NULL);

	if (!cv)
		return;
	cv->retries++;
	conn_put(cv);
}

static void p1_forget(struct conn *c)
{
	/* the epoch bits do not make it any less klpsv's id */
	klp_shadow_free(c, CONN_ID | 1, NULL);
}

static void p1_post_unpatch(struct klp_object *obj)
{
	klpsv_post_unpatch(obj);
	klp_shadow_free_all(CONN_ID, NULL);
}

static struct klp_func funcs[] = {
	{ .old_name = "conn_retry", .new_func = p1_retry, },
	{ .old_name = "conn_dump", .new_func = p1_dump, },
	{ .old_name = "conn_forget", .new_func = p1_forget, },
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.pre_patch = klpsv_pre_patch,
			.post_patch = klpsv_post_patch,
			.pre_unpatch = klpsv_pre_unpatch,
			.post_unpatch = p1_post_unpatch,
		},
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &conn_family, NULL };

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
MODULE_INFO(livepatch, "Y");
