/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <linux/kernel.h>
#include <linux/preempt.h>
#include <klpsv_shim.h>

#define TASK_COMM_LEN		16
#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002

/* One per thread of the test program. */
struct task_struct {
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

struct task_struct *shim_current(void);
#define current			shim_current()

/* Counted (shim_cond_resched_calls()); a sleep bug in atomic context. */
#define cond_resched()		({ shim_cond_resched(__FILE__, __LINE__); 0; })
#define schedule()		shim_cond_resched(__FILE__, __LINE__)
#define need_resched()		0
#define signal_pending(p)	0
#define fatal_signal_pending(p)	0
#define set_current_state(s)	do { } while (0)
#define __set_current_state(s)	do { } while (0)

#endif /* _SHIM_LINUX_SCHED_H */
