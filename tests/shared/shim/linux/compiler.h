/* SPDX-License-Identifier: GPL-2.0 */
/*
 * likely/unlikely, barriers, READ_ONCE/WRITE_ONCE and the acquire/release
 * helpers, mapped onto the C11 memory model (x86-64 strength or more).
 *
 * Under ThreadSanitizer (-DSHIM_TSAN, the tsan variant of shared.mk) every
 * marked access is a C11 atomic of the strength the kernel promises, so
 * TSan checks the ordering as the kernel's memory model would:
 * READ_ONCE/WRITE_ONCE are relaxed atomics (a plain volatile access is a
 * data race to TSan), smp_load_acquire/smp_store_release acquire and
 * release, smp_mb/smp_rmb/smp_wmb seq_cst, acquire and release fences
 * (which TSan 14 does not model: it neither reports nor trusts them), and
 * rcu_dereference() an acquire load (memory_order_consume, as compilers
 * implement it); the rest of <linux/rcupdate.h> and <linux/atomic.h>
 * already are atomics.  -DSHIM_WEAKEN_RELEASE turns smp_store_release(),
 * and so rcu_assign_pointer(), which the kernel builds on it, into a
 * relaxed store: tests/unit/tsan.sh --weaken builds the library so, and
 * TSan must report.
 */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#include <linux/compiler_types.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define likely_notrace(x)	likely(x)
#define unlikely_notrace(x)	unlikely(x)

#define barrier()		__asm__ __volatile__("" : : : "memory")
#define barrier_data(ptr)	__asm__ __volatile__("" : : "r"(ptr) : "memory")
#define unreachable()		__builtin_unreachable()
#define OPTIMIZER_HIDE_VAR(var)	__asm__ ("" : "=r" (var) : "0" (var))

#define is_signed_type(type)	(((type)(-1)) < (__force type)1)
#define is_unsigned_type(type)	(!is_signed_type(type))

#define compiletime_assert_rwonce_type(t)				\
	compiletime_assert(__native_word(t) || sizeof(t) == sizeof(long long), \
		"Unsupported access size for {READ,WRITE}_ONCE().")

#ifdef SHIM_TSAN
#define __READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#else
#define __READ_ONCE(x)	(*(const volatile __unqual_scalar_typeof(x) *)&(x))
#endif
#define READ_ONCE(x)							\
({									\
	compiletime_assert_rwonce_type(x);				\
	__READ_ONCE(x);							\
})

#ifdef SHIM_TSAN
#define __WRITE_ONCE(x, val)						\
do {									\
	typeof(x) ___w1 = (val);					\
	__atomic_store_n(&(x), ___w1, __ATOMIC_RELAXED);		\
} while (0)
#else
#define __WRITE_ONCE(x, val)						\
do {									\
	*(volatile typeof(x) *)&(x) = (val);				\
} while (0)
#endif
#define WRITE_ONCE(x, val)						\
do {									\
	compiletime_assert_rwonce_type(x);				\
	__WRITE_ONCE(x, val);						\
} while (0)

#define data_race(expr)		(expr)

/* Memory barriers: the kernel's asm/barrier.h, as C11 fences. */
#define mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#ifdef SHIM_TSAN
#define rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#else
#define rmb()		__atomic_thread_fence(__ATOMIC_ACQ_REL)
#define wmb()		__atomic_thread_fence(__ATOMIC_ACQ_REL)
#endif
#define smp_mb()	mb()
#define smp_rmb()	rmb()
#define smp_wmb()	wmb()
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#define smp_store_mb(var, value) do { WRITE_ONCE(var, value); smp_mb(); } while (0)

#define smp_load_acquire(p)						\
({									\
	compiletime_assert_rwonce_type(*(p));				\
	__unqual_scalar_typeof(*(p)) ___p1 =				\
		__atomic_load_n((p), __ATOMIC_ACQUIRE);			\
	___p1;								\
})

#ifdef SHIM_WEAKEN_RELEASE
#define __SHIM_RELEASE	__ATOMIC_RELAXED	/* the must-fail proof */
#else
#define __SHIM_RELEASE	__ATOMIC_RELEASE
#endif

#define smp_store_release(p, v)						\
do {									\
	compiletime_assert_rwonce_type(*(p));				\
	typeof(*(p)) ___v1 = (v);					\
	__atomic_store_n((p), ___v1, __SHIM_RELEASE);			\
} while (0)

#define smp_acquire__after_ctrl_dep()	smp_rmb()

/* Reached through many kernel headers; here, through this one. */
#include <linux/types.h>
#include <asm/byteorder.h>

#endif /* _SHIM_LINUX_COMPILER_H */
