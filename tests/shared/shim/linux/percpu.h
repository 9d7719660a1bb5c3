/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One "CPU": a per-CPU variable is a single instance shared by all
 * threads, so this_cpu_*() arithmetic is atomic to stay correct.
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#include <linux/preempt.h>
#include <linux/slab.h>

#define NR_CPUS		1
#define nr_cpu_ids	1U
#define num_possible_cpus()	1U
#define num_online_cpus()	1U
#define smp_processor_id()	0
#define raw_smp_processor_id()	0
#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < 1; (cpu)++)
#define for_each_online_cpu(cpu)	for ((cpu) = 0; (cpu) < 1; (cpu)++)

#define DEFINE_PER_CPU(type, name)		__typeof__(type) name
#define DECLARE_PER_CPU(type, name)		extern __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name)	__typeof__(type) name __aligned(64)

#define per_cpu_ptr(ptr, cpu)	((void)(cpu), (ptr))
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))
#define this_cpu_ptr(ptr)	(ptr)
#define raw_cpu_ptr(ptr)	(ptr)
#define get_cpu_ptr(ptr)	({ preempt_disable(); this_cpu_ptr(ptr); })
#define put_cpu_ptr(ptr)	do { (void)(ptr); preempt_enable(); } while (0)
#define get_cpu_var(var)	(*({ preempt_disable(); &(var); }))
#define put_cpu_var(var)	do { (void)&(var); preempt_enable(); } while (0)
#define get_cpu()		({ preempt_disable(); 0; })
#define put_cpu()		preempt_enable()

#define this_cpu_read(pcp)	__atomic_load_n(&(pcp), __ATOMIC_RELAXED)
#define this_cpu_write(pcp, v)	__atomic_store_n(&(pcp), (v), __ATOMIC_RELAXED)
#define this_cpu_add(pcp, v)	((void)__atomic_fetch_add(&(pcp), (v), __ATOMIC_RELAXED))
#define this_cpu_sub(pcp, v)	((void)__atomic_fetch_sub(&(pcp), (v), __ATOMIC_RELAXED))
#define this_cpu_inc(pcp)	this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)	this_cpu_sub(pcp, 1)
#define this_cpu_add_return(pcp, v) __atomic_add_fetch(&(pcp), (v), __ATOMIC_RELAXED)
#define __this_cpu_read(pcp)	this_cpu_read(pcp)
#define __this_cpu_write(pcp, v) this_cpu_write(pcp, v)
#define __this_cpu_add(pcp, v)	this_cpu_add(pcp, v)
#define __this_cpu_inc(pcp)	this_cpu_inc(pcp)
#define __this_cpu_dec(pcp)	this_cpu_dec(pcp)

#define alloc_percpu(type)	((type *)kzalloc(sizeof(type), GFP_KERNEL))
#define alloc_percpu_gfp(type, gfp) ((type *)kzalloc(sizeof(type), gfp))
#define free_percpu(ptr)	kfree(ptr)

#endif /* _SHIM_LINUX_PERCPU_H */
