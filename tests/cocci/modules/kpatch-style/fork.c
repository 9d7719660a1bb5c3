// SPDX-License-Identifier: GPL-2.0
/* Patched fork path (kpatch shadow-newpid style): id 0 on task_struct. */
#include <linux/livepatch.h>
#include <linux/sched.h>

long kpatch_do_fork(struct task_struct *p)
{
	static int ctr;
	int *newpid;

	newpid = klp_shadow_get_or_alloc(p, 0, sizeof(*newpid), GFP_KERNEL,
					 NULL, NULL);
	if (newpid)
		*newpid = ctr++;
	return 0;
}
