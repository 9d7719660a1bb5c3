// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a module whose load prints a kernel WARNING, to show
 * that the VM harness fails a run whose kernel log reports a problem.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init warn_on_load_init(void)
{
	WARN(1, "klpsv harness self-test: deliberate warning\n");
	return 0;
}

static void __exit warn_on_load_exit(void)
{
}

module_init(warn_on_load_init);
module_exit(warn_on_load_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv VM harness self-test: warns on load");
