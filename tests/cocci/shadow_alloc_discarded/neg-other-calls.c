// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: discarded results of calls that are not allocations
 * (klp_shadow_free(), a wrapper of the module), and an address taken.
 */
#include <linux/livepatch.h>

#define SV_X 0x7a40

static void *(*alloc_fn)(void *, unsigned long, size_t, gfp_t,
			 klp_shadow_ctor_t, void *) = klp_shadow_alloc;

void *my_shadow_alloc(void *obj)
{
	return klp_shadow_alloc(obj, SV_X, 8, GFP_KERNEL, NULL, NULL);
}

void fix_release(void *obj)
{
	klp_shadow_free(obj, SV_X, NULL);
	my_shadow_alloc(obj);
}
