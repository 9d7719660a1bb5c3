// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a module whose load commits one bug of the kind a
 * debug kernel's detectors report, to show that the VM harness fails the
 * run and names the detector.  The bug is chosen with the "bug" parameter:
 *
 *   uaf         read memory after kfree()             (KASAN)
 *   sleep       mutex_lock() with interrupts disabled (DEBUG_ATOMIC_SLEEP)
 *   lock_order  take two mutexes in both orders       (lockdep)
 *
 * Each compiles on every kernel; on a kernel without the detector the bug
 * goes unreported, which is why tests/vm/selftest.sh runs these cases only
 * on kernels that have it.  None of them hangs or crashes the guest.
 */
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/kfence.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to commit on load: uaf, sleep or lock_order");

static DEFINE_MUTEX(detector_bug_a);
static DEFINE_MUTEX(detector_bug_b);

/*
 * A read of freed memory.  An object KFENCE sampled would be reported by
 * KFENCE instead: keep such objects aside and allocate again.
 */
static int detector_bug_uaf(void)
{
	char *kept[8] = { };
	char *p = NULL;
	int i, ret = 0;

	for (i = 0; i < ARRAY_SIZE(kept); i++) {
		p = kmalloc(64, GFP_KERNEL);
		if (!p || !is_kfence_address(p))
			break;
		kept[i] = p;
		p = NULL;
	}
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	memset(p, 0x5a, 64);
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("klpsv_detector_bug: read after free: %d\n", READ_ONCE(p[8]));
out:
	for (i = 0; i < ARRAY_SIZE(kept); i++)
		kfree(kept[i]);
	return ret;
}

/* A sleeping lock taken with interrupts disabled (uncontended: no hang). */
static void detector_bug_sleep(void)
{
	local_irq_disable();
	mutex_lock(&detector_bug_a);
	mutex_unlock(&detector_bug_a);
	local_irq_enable();
}

/* a -> b, then b -> a: a possible deadlock, though one task never hangs. */
static void detector_bug_lock_order(void)
{
	mutex_lock(&detector_bug_a);
	mutex_lock(&detector_bug_b);
	mutex_unlock(&detector_bug_b);
	mutex_unlock(&detector_bug_a);

	mutex_lock(&detector_bug_b);
	mutex_lock(&detector_bug_a);
	mutex_unlock(&detector_bug_a);
	mutex_unlock(&detector_bug_b);
}

static int __init detector_bug_init(void)
{
	if (!strcmp(bug, "uaf"))
		return detector_bug_uaf();
	if (!strcmp(bug, "sleep"))
		detector_bug_sleep();
	else if (!strcmp(bug, "lock_order"))
		detector_bug_lock_order();
	else
		return -EINVAL;
	return 0;
}

static void __exit detector_bug_exit(void)
{
}

module_init(detector_bug_init);
module_exit(detector_bug_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv VM harness self-test: one bug a debug kernel's detectors report");
