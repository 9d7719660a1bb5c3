// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel livepatch interfaces used by klpsv, in one file (see compat.h).
 *
 * Upstream (6.1 .. 6.19) offers the same signatures for everything used
 * here; a kernel that changes them (for example the proposed per-state
 * callbacks replacing klp_state.version/data) is handled in this file.
 */
#include <linux/livepatch.h>

#include "compat.h"

void *klpsv_compat_shadow_get(void *obj, unsigned long id)
{
	return klp_shadow_get(obj, id);
}

void *klpsv_compat_shadow_alloc(void *obj, unsigned long id, size_t size,
				gfp_t gfp, klp_shadow_ctor_t ctor,
				void *ctor_data)
{
	return klp_shadow_alloc(obj, id, size, gfp, ctor, ctor_data);
}

void klpsv_compat_shadow_free(void *obj, unsigned long id,
			      klp_shadow_dtor_t dtor)
{
	klp_shadow_free(obj, id, dtor);
}

/* Only meaningful from a callback, during a transition. */
struct klp_state *klpsv_compat_prev_state(unsigned long id)
{
	return klp_get_prev_state(id);
}

struct klp_state *klpsv_compat_state(struct klp_patch *patch, unsigned long id)
{
	return klp_get_state(patch, id);
}
