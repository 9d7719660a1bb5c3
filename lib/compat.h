/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place where klpsv touches kernel livepatch interfaces that move
 * between releases (klp_shadow_*, klp_state, klp_get_prev_state).  Keeping
 * them here means a kernel change costs one file, not the whole library.
 */
#ifndef _KLPSV_COMPAT_H
#define _KLPSV_COMPAT_H

#include <linux/livepatch.h>
#include <linux/types.h>

void *klpsv_compat_shadow_get(void *obj, unsigned long id);
void *klpsv_compat_shadow_alloc(void *obj, unsigned long id, size_t size,
				gfp_t gfp, klp_shadow_ctor_t ctor,
				void *ctor_data);
void klpsv_compat_shadow_free(void *obj, unsigned long id,
			      klp_shadow_dtor_t dtor);
struct klp_state *klpsv_compat_prev_state(unsigned long id);
struct klp_state *klpsv_compat_state(struct klp_patch *patch, unsigned long id);

#endif /* _KLPSV_COMPAT_H */
