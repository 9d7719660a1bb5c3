// SPDX-License-Identifier: GPL-2.0
/*
 * Failure injection for tests: make the Nth allocation or the Nth step of
 * this module's klpsv fail, to prove every rollback point.  Compiled in
 * only when KLPSV_FAULT_INJECTION is defined (this tree's test builds):
 *
 *	insmod patch.ko klpsv_fail_alloc=3	# the 3rd allocation fails
 *	insmod patch.ko klpsv_fail_step=2	# the 2nd step fails
 *	insmod patch.ko klpsv_index_format=1	# indexes as older klpsv
 *
 * debugfs "fault" shows how many allocations and steps ran so far.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>

#include "internal.h"

#ifdef KLPSV_FAULT_INJECTION

static int klpsv_fail_alloc;
module_param(klpsv_fail_alloc, int, 0644);
MODULE_PARM_DESC(klpsv_fail_alloc, "test only: make the Nth klpsv allocation fail (0: never)");

static int klpsv_fail_step;
module_param(klpsv_fail_step, int, 0644);
MODULE_PARM_DESC(klpsv_fail_step, "test only: make the Nth klpsv migration step fail (0: never)");

static uint klpsv_index_format;
module_param(klpsv_index_format, uint, 0444);
MODULE_PARM_DESC(klpsv_index_format, "test only: the shared format of the indexes this module creates (1: instances are klp_shadow variables, as older klpsv makes them; 0: the current one)");

static atomic_t alloc_calls = ATOMIC_INIT(0);
static atomic_t step_calls = ATOMIC_INIT(0);

/**
 * klpsv_fault_alloc() - should this allocation fail?
 *
 * Return: true for the klpsv_fail_alloc-th call.
 */
bool klpsv_fault_alloc(void)
{
	int fail = READ_ONCE(klpsv_fail_alloc);

	return atomic_inc_return(&alloc_calls) == fail && fail > 0;
}

/**
 * klpsv_fault_step() - should this step fail?
 *
 * Return: true for the klpsv_fail_step-th call.
 */
bool klpsv_fault_step(void)
{
	int fail = READ_ONCE(klpsv_fail_step);

	return atomic_inc_return(&step_calls) == fail && fail > 0;
}

/**
 * klpsv_fault_format() - the format new indexes get
 *
 * Return: 1 to make indexes as older klpsv does, or 0 for KLPSV_FORMAT.
 */
unsigned int klpsv_fault_format(void)
{
	return READ_ONCE(klpsv_index_format) == 1 ? 1 : 0;
}

static int fault_show(struct seq_file *m, void *v)
{
	seq_printf(m, "alloc_calls=%d step_calls=%d\n",
		   atomic_read(&alloc_calls), atomic_read(&step_calls));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fault);

/**
 * klpsv_fault_debugfs() - add the "fault" file to a debugfs directory
 * @dir: the patch's klpsv debugfs directory
 */
void klpsv_fault_debugfs(struct dentry *dir)
{
	debugfs_create_file("fault", 0444, dir, NULL, &fault_fops);
}

#endif /* KLPSV_FAULT_INJECTION */
