/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_PREEMPT_H
#define _SHIM_LINUX_PREEMPT_H

#include <klpsv_shim.h>

#define preempt_disable()		shim_preempt_disable()
#define preempt_enable()		shim_preempt_enable()
#define preempt_enable_no_resched()	shim_preempt_enable()
#define preempt_disable_notrace()	shim_preempt_disable()
#define preempt_enable_notrace()	shim_preempt_enable()
#define migrate_disable()		shim_preempt_disable()
#define migrate_enable()		shim_preempt_enable()
#define preempt_count()			shim_preempt_count()
#define in_atomic()			shim_in_atomic()
#define preemptible()			(!shim_in_atomic())
#define in_task()			1
#define in_interrupt()			0
#define in_irq()			0
#define in_hardirq()			0
#define in_softirq()			0
#define in_serving_softirq()		0
#define in_nmi()			0

#endif /* _SHIM_LINUX_PREEMPT_H */
