// SPDX-License-Identifier: GPL-2.0-only
/*
 * PROVENANCE: kpatch (github.com/dynup/kpatch), test/integration/rhel-8.4/
 * shadow-newpid.patch, the hunk to fs/proc/array.c (Linux, GPL-2.0): the
 * patched task_context_switch_counts(), verbatim.
 */
#include <linux/livepatch.h>
static inline void task_context_switch_counts(struct seq_file *m,
						struct task_struct *p)
{
	int *newpid;

	seq_put_decimal_ull(m, "voluntary_ctxt_switches:\t", p->nvcsw);
	seq_put_decimal_ull(m, "\nnonvoluntary_ctxt_switches:\t", p->nivcsw);
	seq_putc(m, '\n');

	newpid = klp_shadow_get(p, 0);
	if (newpid)
		seq_printf(m, "newpid:\t%d\n", *newpid);
}
