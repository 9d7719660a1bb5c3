// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: the error of klpsv_enable_patch() is logged, then the init
 * returns 0 anyway; a second variant keeps it in a variable it never
 * returns; a helper ignores what klpsv_get_or_alloc() returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

#include <klpsv.h>

static struct klpsv_family conn_family = {
	.name = "conn",
	.id = KLPSV_ID(4242, 1),
	.version = 1,
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.replace = true,
};

static struct klpsv_family *families[] = { &conn_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static void conn_track(void *conn)
{
	klpsv_get_or_alloc(&conn_family, conn, GFP_ATOMIC, NULL);
}

static int __init fix_init(void)
{
	int ret;

	ret = klpsv_enable_patch(&kpatch);
	if (ret)
		pr_err("patch refused: %d\n", ret);
	return 0;
}

static int __init fix_init_quiet(void)
{
	int ret = klpsv_enable_patch(&kpatch);

	return 0;
}

module_init(fix_init);
MODULE_LICENSE("GPL");
