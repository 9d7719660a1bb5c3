// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: a shared state (a shadow variable on obj = NULL) lists the
 * patch modules that use it; each module links its own static entry into
 * the list with list_add(), and registers a static notifier with
 * rcu_assign_pointer().  Once the module is replaced and unloaded, the
 * shadow data points into freed module memory.
 */
#include <linux/livepatch.h>
#include <linux/list.h>

#define KLP_SHADOW_ID(bsc, id) (((unsigned long)(bsc) << 6) | (id))
#define SHARED_STATE_ID KLP_SHADOW_ID(1176012, 0)

struct user_entry {
	struct list_head list;
	struct module *mod;
};

struct shared_state {
	spinlock_t lock;
	struct list_head users;
	struct notifier_block __rcu *nb;
};

static struct shared_state *shared;

static struct user_entry this_patch = {
	.list = LIST_HEAD_INIT(this_patch.list),
	.mod = THIS_MODULE,
};

static struct notifier_block this_nb;

int get_shared_state(void)
{
	shared = klp_shadow_get_or_alloc(NULL, SHARED_STATE_ID, sizeof(*shared),
					 GFP_KERNEL, NULL, NULL);
	if (!shared)
		return -ENOMEM;

	spin_lock(&shared->lock);
	list_add(&this_patch.list, &shared->users);
	spin_unlock(&shared->lock);
	rcu_assign_pointer(shared->nb, &this_nb);
	return 0;
}
