/* SPDX-License-Identifier: GPL-2.0 */
/* "IRQs off" is a per-thread flag: no interrupts exist in the harness. */
#ifndef _SHIM_LINUX_IRQFLAGS_H
#define _SHIM_LINUX_IRQFLAGS_H

#include <linux/typecheck.h>
#include <klpsv_shim.h>

#define local_irq_save(flags)						\
	do {								\
		typecheck(unsigned long, flags);			\
		flags = shim_local_irq_save();				\
	} while (0)
#define local_irq_restore(flags)					\
	do {								\
		typecheck(unsigned long, flags);			\
		shim_local_irq_restore(flags);				\
	} while (0)
#define local_irq_disable()	shim_local_irq_disable()
#define local_irq_enable()	shim_local_irq_enable()
#define irqs_disabled()		shim_irqs_disabled()
#define local_bh_disable()	shim_preempt_disable()
#define local_bh_enable()	shim_preempt_enable()

#endif /* _SHIM_LINUX_IRQFLAGS_H */
