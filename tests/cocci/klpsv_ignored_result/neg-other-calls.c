// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: calls that only look like the checked ones: a local pool's
 * get_or_alloc helper (not a klpsv family), raw klp_shadow_get_or_alloc()
 * (another rule's business), klp_enable_patch() of a patch without klpsv,
 * and an init whose error path returns a different error code.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

#include <klpsv.h>

struct pool;

void *pool_get_or_alloc(struct pool *pool, gfp_t gfp);

static struct pool *pool;
static struct klp_patch patch;
static struct klpsv_patch kpatch;

static void warm_up(void *obj)
{
	pool_get_or_alloc(pool, GFP_KERNEL);
	klp_shadow_get_or_alloc(obj, 7, sizeof(int), GFP_KERNEL, NULL, NULL);
}

static int __init fix_init(void)
{
	int ret;

	ret = klpsv_enable_patch(&kpatch);
	if (WARN_ON(ret))
		return -EINVAL;
	return 0;
}

static int __init plain_init(void)
{
	klp_enable_patch(&patch);
	return 0;
}

module_init(fix_init);
MODULE_LICENSE("GPL");
