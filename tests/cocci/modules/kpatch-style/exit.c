// SPDX-License-Identifier: GPL-2.0
/* Patched exit path: frees the task's shadow data; nothing frees it on disable. */
#include <linux/livepatch.h>
#include <linux/sched.h>

void kpatch_do_exit(struct task_struct *tsk)
{
	klp_shadow_free(tsk, 0, NULL);
}
