/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU on liburcu (urcu-memb).  Threads register on first use and
 * unregister when they exit.  An atomic thread (spinlock held, preemption
 * or "IRQs" off) is a reader too, as in the kernel.  rcu_dereference()
 * outside a reader, and list_for_each_entry_rcu() outside a reader or the
 * given lock, are reported like lockdep's "suspicious RCU usage" (counted
 * as warnings).  Sleeping in a reader is a counted sleep bug.
 */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <klpsv_shim.h>

#define rcu_read_lock()			shim_rcu_read_lock()
#define rcu_read_unlock()		shim_rcu_read_unlock()
#define rcu_read_lock_bh()		shim_rcu_read_lock()
#define rcu_read_unlock_bh()		shim_rcu_read_unlock()
#define rcu_read_lock_sched()		shim_preempt_disable()
#define rcu_read_unlock_sched()		shim_preempt_enable()
#define rcu_read_lock_held()		shim_rcu_read_lock_held()
#define rcu_read_lock_bh_held()		shim_rcu_read_lock_held()
#define rcu_read_lock_sched_held()	shim_in_atomic()
#define rcu_read_lock_any_held()	shim_rcu_read_lock_any_held()
#define rcu_is_watching()		true

#define synchronize_rcu()		shim_synchronize_rcu(__FILE__, __LINE__)
#define synchronize_rcu_expedited()	shim_synchronize_rcu(__FILE__, __LINE__)
#define rcu_barrier()			shim_rcu_barrier()

#define call_rcu(head, func) do {					\
	rcu_callback_t __shim_func = (func);				\
	shim_call_rcu((head), __shim_func);				\
} while (0)

#define kfree_rcu(ptr, rhf) do {					\
	typeof(ptr) ___p = (ptr);					\
	if (___p)							\
		shim_kfree_rcu(&___p->rhf, ___p);			\
} while (0)
#define kvfree_rcu(ptr, rhf) do {					\
	typeof(ptr) ___p = (ptr);					\
	if (___p)							\
		shim_kvfree_rcu(&___p->rhf, ___p);			\
} while (0)
#define kfree_rcu_mightsleep(ptr) do {					\
	typeof(ptr) ___p = (ptr);					\
	if (___p) {							\
		synchronize_rcu();					\
		shim_kfree(___p, SHIM_KMALLOC, NULL);			\
	}								\
} while (0)

#define RCU_LOCKDEP_WARN(c, s) do {					\
	if (c)								\
		shim_rcu_suspicious(__FILE__, __LINE__, s);		\
} while (0)

#ifdef SHIM_TSAN
/* memory_order_consume, as compilers implement it (see linux/compiler.h) */
#define rcu_dereference_raw(p) ({					\
	typeof(p) ________p1 = __atomic_load_n(&(p), __ATOMIC_ACQUIRE);	\
	((typeof(*(p)) *)(________p1));					\
})
#else
#define rcu_dereference_raw(p) ({					\
	typeof(p) ________p1 = READ_ONCE(p);				\
	((typeof(*(p)) *)(________p1));					\
})
#endif

#define rcu_dereference_check(p, c) ({					\
	RCU_LOCKDEP_WARN(!(c) && !rcu_read_lock_held(),			\
			 "suspicious rcu_dereference_check() usage");	\
	rcu_dereference_raw(p);						\
})
#define rcu_dereference_protected(p, c) ({				\
	RCU_LOCKDEP_WARN(!(c), "suspicious rcu_dereference_protected() usage"); \
	((typeof(*(p)) *)(p));						\
})
#define rcu_dereference(p)		rcu_dereference_check(p, 0)
#define rcu_dereference_bh(p)		rcu_dereference_check(p, 0)
#define rcu_dereference_sched(p)	rcu_dereference_check(p, shim_in_atomic())
#define rcu_access_pointer(p)		((typeof(*(p)) *)READ_ONCE(p))
#define rcu_pointer_handoff(p)		(p)

#define RCU_INITIALIZER(v)		(v)
#define RCU_INIT_POINTER(p, v)		WRITE_ONCE(p, v)
#define rcu_assign_pointer(p, v)	smp_store_release(&(p), v)
#define rcu_replace_pointer(rcu_ptr, ptr, c) ({				\
	typeof(ptr) __tmp = rcu_dereference_protected((rcu_ptr), (c));	\
	rcu_assign_pointer((rcu_ptr), (ptr));				\
	__tmp;								\
})

#endif /* _SHIM_LINUX_RCUPDATE_H */
