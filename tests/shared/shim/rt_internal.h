/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the shim runtime's own files only.  Plain C types: rt_rcu.c
 * includes liburcu, whose struct rcu_head must not meet the shim's.
 */
#ifndef _SHIM_RT_INTERNAL_H
#define _SHIM_RT_INTERNAL_H

#include <stdbool.h>

/* rt_rcu.c */
void shim_rcu_atomic_enter(void);
void shim_rcu_atomic_exit(void);
int shim_rcu_nesting(void);
bool shim_rcu_reset_thread(void);

/* rt_printk.c: to the log and to stderr (unless echo already does). */
void shim_report(int level, const char *fmt, ...)
	__attribute__((__format__(printf, 2, 3)));

/* rt_context.c */
void shim_count_warning(void);
void shim_context_new_test(void);

/* rt_slab.c, rt_misc.c */
void shim_alloc_new_test(void);

#endif /* _SHIM_RT_INTERNAL_H */
