// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: namespaced ids (SUSE's KLP_SHADOW_ID(), klpsv's KLPSV_ID()),
 * ids from a header, from variables and parameters, and a large constant.
 */
#include <linux/livepatch.h>
#include "shadow.h"

#define KLP_SHADOW_ID(bsc, id) (((unsigned long)(bsc) << 6) | (id))
#define SHARED_ID KLP_SHADOW_ID(1191813, 0)
#define SV_BIG 0x4b4c5053UL

void *shadow_get_wrapper(void *obj, unsigned long id)
{
	return klp_shadow_get(obj, id);
}

int fix_use(void *obj)
{
	if (!klp_shadow_get_or_alloc(NULL, SHARED_ID, 8, GFP_KERNEL, NULL, NULL))
		return -ENOMEM;
	if (!klp_shadow_get(obj, KLPSV_ID(7, 2)))
		return -ENOENT;
	if (!klp_shadow_get(obj, HEADER_ID))
		return -ENOENT;
	klp_shadow_free(obj, SV_BIG, NULL);
	return 0;
}
