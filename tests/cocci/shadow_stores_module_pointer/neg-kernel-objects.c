// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: pointers that do not point into this module: vmlinux objects
 * declared extern, a module pointer variable's value (what it points to,
 * here heap memory), the shadow data's own fields, and a local pointer
 * variable that is not the shadow data.
 */
#include <linux/livepatch.h>
#include <linux/sched.h>

#define SV_OWNER 32

extern struct task_struct init_task;
static void *scratch_buf;

struct owner {
	struct task_struct *task;
	void *buf;
	unsigned long *self_count;
	unsigned long count;
};

static int handler(void)
{
	return 0;
}

int livepatch_owner_set(void *obj)
{
	struct owner *o = klp_shadow_get(obj, SV_OWNER);
	int (*fn)(void);

	if (!o)
		return -ENOENT;
	o->task = &init_task;
	o->buf = scratch_buf;
	o->self_count = &o->count;
	fn = handler;
	return fn();
}
