// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: every id allocated on objects is freed wholesale (from
 * post_unpatch, or under another spelling of the same value); shared state
 * on obj = NULL is the SUSE refcount pattern's business.
 */
#include <linux/livepatch.h>

#define SV_A 0x6e71
#define SV_A_AGAIN 0x6e71
#define KLP_SHADOW_ID(bsc, id) (((unsigned long)(bsc) << 6) | (id))
#define STATE_ID KLP_SHADOW_ID(1195950, 0)
#define SV_C KLP_SHADOW_ID(1195950, 1)

struct conn;

void fix_conn_open(struct conn *c)
{
	if (!klp_shadow_alloc(c, SV_A, 8, GFP_KERNEL, NULL, NULL))
		return;
	if (!klp_shadow_get_or_alloc(c, SV_C, 8, GFP_KERNEL, NULL, NULL))
		return;
	if (!klp_shadow_get_or_alloc(NULL, STATE_ID, 8, GFP_KERNEL, NULL, NULL))
		return;
}

static void fix_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_A_AGAIN, NULL);
	klp_shadow_free_all(SV_C, NULL);
}
