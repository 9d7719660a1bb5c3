// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: kpatch's shadow examples' style: literal ids 0, 1 on task
 * objects, and ids 10, 11 on obj = NULL.
 */
#include <linux/livepatch.h>
#include <linux/sched.h>

void fix_fork(struct task_struct *p)
{
	int *newpid;
	bool *flag;

	newpid = klp_shadow_get_or_alloc(p, 0, sizeof(*newpid), GFP_KERNEL,
					 NULL, NULL);
	if (newpid)
		*newpid = 1;
	flag = klp_shadow_alloc(p, 1, sizeof(*flag), GFP_KERNEL, NULL, NULL);
	if (flag)
		*flag = true;
}

void fix_exit(struct task_struct *tsk)
{
	klp_shadow_free(tsk, 0, NULL);
	klp_shadow_free(tsk, 1, NULL);
}

int fix_global(void)
{
	if (!klp_shadow_get_or_alloc(NULL, 10, 16, GFP_KERNEL, NULL, NULL))
		return -ENOMEM;
	if (!klp_shadow_get_or_alloc(NULL, 11UL, 16, GFP_KERNEL, NULL, NULL))
		return -ENOMEM;
	return 0;
}
