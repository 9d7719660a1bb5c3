// SPDX-License-Identifier: GPL-2.0
/*
 * SUSE's shared state: a refcounted shadow variable on obj = NULL, taken
 * in init, dropped in cleanup; the last user frees it.  Nothing to report.
 */
#include <linux/livepatch.h>

#define KLP_SHADOW_ID(bsc, id) (((unsigned long)(bsc) << 6) | (id))
#define KLP_BSC2_SHARED_STATE_ID KLP_SHADOW_ID(2222222, 0)

struct klp_bsc2_shared_state {
	unsigned long refcount;
};

static struct klp_bsc2_shared_state *klp_bsc2_shared_state;

static int klp_bsc2_get_shared_state(void)
{
	klp_bsc2_shared_state =
		klp_shadow_get_or_alloc(NULL, KLP_BSC2_SHARED_STATE_ID,
					sizeof(*klp_bsc2_shared_state),
					GFP_KERNEL, NULL, NULL);
	if (!klp_bsc2_shared_state)
		return -ENOMEM;
	++klp_bsc2_shared_state->refcount;
	return 0;
}

static void klp_bsc2_put_shared_state(void)
{
	--klp_bsc2_shared_state->refcount;
	if (!klp_bsc2_shared_state->refcount)
		klp_shadow_free(NULL, KLP_BSC2_SHARED_STATE_ID, NULL);
	klp_bsc2_shared_state = NULL;
}

int livepatch_bsc2_init(void)
{
	return klp_bsc2_get_shared_state();
}

void livepatch_bsc2_cleanup(void)
{
	klp_bsc2_put_shared_state();
}
