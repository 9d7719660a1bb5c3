// SPDX-License-Identifier: GPL-2.0-only
/*
 * PROVENANCE: kpatch (github.com/dynup/kpatch), test/integration/rhel-8.4/
 * shadow-newpid.patch, the hunk to kernel/fork.c (Linux, GPL-2.0): the
 * patched _do_fork() as kpatch-build copies it into the patch module.
 * Reduction: the unchanged body of _do_fork() around the patch is left
 * out ([...]); the patch's own lines are verbatim.
 */
#include <linux/livepatch.h>
long _do_fork(unsigned long clone_flags,
	      unsigned long stack_start,
	      unsigned long stack_size,
	      int __user *parent_tidptr,
	      int __user *child_tidptr,
	      unsigned long tls)
{
	struct task_struct *p;
	int trace = 0;
	long nr;
	int *newpid;
	static int ctr = 0;

	/* [...] */
	p = copy_process(clone_flags, stack_start, stack_size,
			 child_tidptr, NULL, trace, tls, NUMA_NO_NODE);
	add_latent_entropy();

	if (IS_ERR(p))
		return PTR_ERR(p);

	newpid = klp_shadow_get_or_alloc(p, 0, sizeof(*newpid), GFP_KERNEL,
					 NULL, NULL);
	if (newpid)
		*newpid = ctr++;

	/* [...] */
	nr = pid_vnr(get_task_pid(p, PIDTYPE_PID));
	wake_up_new_task(p);
	return nr;
}
