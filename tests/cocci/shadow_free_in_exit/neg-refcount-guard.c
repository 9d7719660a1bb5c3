// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: SUSE's shared-state pattern.  A refcounted shadow variable on
 * obj = NULL is taken by every patch module in its init and dropped in its
 * exit; only the last user frees it (refcount or emptiness test), which is
 * safe under atomic replace: the successor holds its own reference.
 */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/list.h>

#define KLP_SHADOW_ID(bsc, id) (((unsigned long)(bsc) << 6) | (id))
#define STATE_ID KLP_SHADOW_ID(1195950, 0)
#define USERS_ID KLP_SHADOW_ID(1176012, 0)

struct shared_state {
	unsigned long refcount;
	struct list_head users;
};

static struct shared_state *state;
static struct shared_state *users_state;

static void put_shared_state(void)
{
	--state->refcount;
	if (!state->refcount) {
		klp_shadow_free(NULL, STATE_ID, NULL);
	}
	state = NULL;
}

static void put_users_state(void)
{
	if (list_empty(&users_state->users))
		klp_shadow_free(NULL, USERS_ID, NULL);
	users_state = NULL;
}

void livepatch_bsc_cleanup(void)
{
	put_shared_state();
	put_users_state();
}

static void __exit klp_patch_cleanup(void)
{
	livepatch_bsc_cleanup();
}

module_exit(klp_patch_cleanup);
