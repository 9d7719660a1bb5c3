// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: two ids allocated on objects; the post_unpatch callback frees
 * one of them wholesale and forgets the other.
 */
#include <linux/livepatch.h>

#define SV_A 0x6e71
#define SV_B 0x6e72

struct conn;

void fix_conn_open(struct conn *c)
{
	if (!klp_shadow_alloc(c, SV_A, 8, GFP_KERNEL, NULL, NULL))
		return;
	if (!klp_shadow_alloc(c, SV_B, 8, GFP_KERNEL, NULL, NULL))
		klp_shadow_free(c, SV_A, NULL);
}

void fix_conn_reset(struct conn *c)
{
	if (!klp_shadow_get_or_alloc(c, SV_B, 8, GFP_ATOMIC, NULL, NULL))
		return;
}

static void fix_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_A, NULL);
}
