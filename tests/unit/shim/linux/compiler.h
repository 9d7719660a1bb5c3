/* SPDX-License-Identifier: GPL-2.0 */
/*
 * likely/unlikely, barriers, READ_ONCE/WRITE_ONCE and the acquire/release
 * helpers, mapped onto the C11 memory model (x86-64 strength or more).
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

#define __READ_ONCE(x)	(*(const volatile __unqual_scalar_typeof(x) *)&(x))
#define READ_ONCE(x)							\
({									\
	compiletime_assert_rwonce_type(x);				\
	__READ_ONCE(x);							\
})

#define __WRITE_ONCE(x, val)						\
do {									\
	*(volatile typeof(x) *)&(x) = (val);				\
} while (0)
#define WRITE_ONCE(x, val)						\
do {									\
	compiletime_assert_rwonce_type(x);				\
	__WRITE_ONCE(x, val);						\
} while (0)

#define data_race(expr)		(expr)

/* Memory barriers: the kernel's asm/barrier.h, as C11 fences. */
#define mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()		__atomic_thread_fence(__ATOMIC_ACQ_REL)
#define wmb()		__atomic_thread_fence(__ATOMIC_ACQ_REL)
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

#define smp_store_release(p, v)						\
do {									\
	compiletime_assert_rwonce_type(*(p));				\
	typeof(*(p)) ___v1 = (v);					\
	__atomic_store_n((p), ___v1, __ATOMIC_RELEASE);			\
} while (0)

#define smp_acquire__after_ctrl_dep()	smp_rmb()

/* Reached through many kernel headers; here, through this one. */
#include <linux/types.h>
#include <asm/byteorder.h>

#endif /* _SHIM_LINUX_COMPILER_H */
