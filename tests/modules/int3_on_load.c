// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a module whose load executes an int3 the kernel does
 * not expect, an "Oops: int3" as qemu's TCG sometimes causes at a call
 * site being rewritten, to show that the VM harness boots such a guest
 * again (and fails the run when it keeps dying).
 */
#include <linux/module.h>

static int __init int3_on_load_init(void)
{
	asm volatile("int3");
	return 0;
}

static void __exit int3_on_load_exit(void)
{
}

module_init(int3_on_load_init);
module_exit(int3_on_load_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv VM harness self-test: an unexpected int3 on load");
