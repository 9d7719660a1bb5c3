// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: kpatch's shadow-newpid shape: per-task shadow data allocated
 * in a patched fork path, freed in a patched exit path only: the tasks
 * alive when the patch is disabled keep theirs forever.
 */
#include <linux/livepatch.h>
#include <linux/sched.h>

#define SV_NEWPID 0x6e70

static int ctr;

long fix_do_fork(struct task_struct *p)
{
	int *newpid;

	newpid = klp_shadow_get_or_alloc(p, SV_NEWPID, sizeof(*newpid),
					 GFP_KERNEL, NULL, NULL);
	if (newpid)
		*newpid = ctr++;
	return 0;
}

void fix_do_exit(struct task_struct *tsk)
{
	klp_shadow_free(tsk, SV_NEWPID, NULL);
}
