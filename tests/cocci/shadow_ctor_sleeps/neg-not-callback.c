// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: sleeping code in functions that are not shadow constructors
 * or destructors (a pre_patch callback, a helper called before
 * klp_shadow_alloc()), and a gfp_t passed in by the caller.
 */
#include <linux/livepatch.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#define SV_CFG 22

static DEFINE_MUTEX(cfg_lock);

struct cfg {
	void *blob;
};

static int cfg_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct cfg *c = shadow_data;
	gfp_t gfp = *(gfp_t *)ctor_data;

	c->blob = kzalloc(64, gfp);
	return c->blob ? 0 : -ENOMEM;
}

static int cfg_pre_patch(struct klp_object *obj)
{
	mutex_lock(&cfg_lock);
	mutex_unlock(&cfg_lock);
	return 0;
}

int livepatch_cfg_attach(void *obj)
{
	gfp_t gfp = GFP_ATOMIC;
	void *scratch = kmalloc(64, GFP_KERNEL);

	if (!scratch)
		return -ENOMEM;
	kfree(scratch);
	return klp_shadow_alloc(obj, SV_CFG, sizeof(struct cfg), GFP_KERNEL,
				cfg_ctor, &gfp) ? 0 : -ENOMEM;
}
