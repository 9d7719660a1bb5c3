// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: list and RCU helpers that link heap objects into shadow data,
 * or module objects into module lists, keep no pointer into the module in
 * shadow data.
 */
#include <linux/livepatch.h>
#include <linux/list.h>
#include <linux/slab.h>

#define SV_USERS 0x5a10

struct user_entry {
	struct list_head list;
	int id;
};

struct shared_state {
	struct list_head users;
	struct user_entry __rcu *last;
};

static LIST_HEAD(local_users);
static struct user_entry local_entry;

int add_user(void *obj, int id)
{
	struct shared_state *s;
	struct user_entry *e;

	s = klp_shadow_get(obj, SV_USERS);
	if (!s)
		return -ENOENT;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->id = id;
	list_add_tail(&e->list, &s->users);
	rcu_assign_pointer(s->last, e);
	list_add(&local_entry.list, &local_users);
	return 0;
}
