// SPDX-License-Identifier: GPL-2.0-only
/*
 * PROVENANCE: kpatch (github.com/dynup/kpatch), test/integration/rhel-8.4/
 * shadow-newpid.patch, the hunk to kernel/exit.c (Linux, GPL-2.0): the
 * patched do_exit().  Reduction: the unchanged body around the patch is
 * left out ([...]); the patch's own line is verbatim.
 */
#include <linux/livepatch.h>
void __noreturn do_exit(long code)
{
	struct task_struct *tsk = current;

	/* [...] */
	exit_task_work(tsk);
	exit_thread(tsk);

	klp_shadow_free(tsk, 0, NULL);

	/* [...] */
	do_task_dead();
}
