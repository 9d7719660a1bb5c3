/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic_t, atomic64_t and atomic_long_t on the compiler's C11 atomic
 * builtins, with the kernel's ordering: plain RMW ops are relaxed, ops
 * returning a value are fully ordered.
 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <linux/compiler.h>
#include <linux/types.h>

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }
#define ATOMIC_LONG_INIT(i)	ATOMIC64_INIT(i)

#define __SHIM_ATOMIC_OPS(pfx, atype, ctype)				\
static inline ctype pfx##_read(const atype *v)				\
{ return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline ctype pfx##_read_acquire(const atype *v)			\
{ return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE); }		\
static inline void pfx##_set(atype *v, ctype i)				\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void pfx##_set_release(atype *v, ctype i)			\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELEASE); }			\
static inline void pfx##_add(ctype i, atype *v)				\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_sub(ctype i, atype *v)				\
{ __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_inc(atype *v) { pfx##_add(1, v); }		\
static inline void pfx##_dec(atype *v) { pfx##_sub(1, v); }		\
static inline void pfx##_and(ctype i, atype *v)				\
{ __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_or(ctype i, atype *v)				\
{ __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_xor(ctype i, atype *v)				\
{ __atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline ctype pfx##_add_return(ctype i, atype *v)			\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline ctype pfx##_add_return_relaxed(ctype i, atype *v)		\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline ctype pfx##_sub_return(ctype i, atype *v)			\
{ return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline ctype pfx##_inc_return(atype *v)				\
{ return pfx##_add_return(1, v); }					\
static inline ctype pfx##_inc_return_relaxed(atype *v)			\
{ return pfx##_add_return_relaxed(1, v); }				\
static inline ctype pfx##_dec_return(atype *v)				\
{ return pfx##_sub_return(1, v); }					\
static inline ctype pfx##_fetch_add(ctype i, atype *v)			\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline ctype pfx##_fetch_sub(ctype i, atype *v)			\
{ return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline ctype pfx##_fetch_inc(atype *v)				\
{ return pfx##_fetch_add(1, v); }					\
static inline ctype pfx##_fetch_dec(atype *v)				\
{ return pfx##_fetch_sub(1, v); }					\
static inline ctype pfx##_fetch_and(ctype i, atype *v)			\
{ return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline ctype pfx##_fetch_or(ctype i, atype *v)			\
{ return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline bool pfx##_dec_and_test(atype *v)				\
{ return pfx##_dec_return(v) == 0; }					\
static inline bool pfx##_inc_and_test(atype *v)				\
{ return pfx##_inc_return(v) == 0; }					\
static inline bool pfx##_sub_and_test(ctype i, atype *v)		\
{ return pfx##_sub_return(i, v) == 0; }					\
static inline bool pfx##_add_negative(ctype i, atype *v)		\
{ return pfx##_add_return(i, v) < 0; }					\
static inline ctype pfx##_xchg(atype *v, ctype n)			\
{ return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST); }	\
static inline ctype pfx##_cmpxchg(atype *v, ctype o, ctype n)		\
{									\
	__atomic_compare_exchange_n(&v->counter, &o, n, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	return o;							\
}									\
static inline ctype pfx##_cmpxchg_relaxed(atype *v, ctype o, ctype n)	\
{									\
	__atomic_compare_exchange_n(&v->counter, &o, n, false,		\
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);\
	return o;							\
}									\
static inline bool pfx##_try_cmpxchg(atype *v, ctype *o, ctype n)	\
{									\
	return __atomic_compare_exchange_n(&v->counter, o, n, false,	\
					   __ATOMIC_SEQ_CST,		\
					   __ATOMIC_SEQ_CST);		\
}									\
static inline bool pfx##_add_unless(atype *v, ctype a, ctype u)	\
{									\
	ctype c = pfx##_read(v);					\
									\
	do {								\
		if (c == u)						\
			return false;					\
	} while (!pfx##_try_cmpxchg(v, &c, c + a));			\
	return true;							\
}									\
static inline bool pfx##_inc_not_zero(atype *v)				\
{ return pfx##_add_unless(v, 1, 0); }					\
static inline ctype pfx##_dec_if_positive(atype *v)			\
{									\
	ctype c = pfx##_read(v);					\
									\
	do {								\
		if (c <= 0)						\
			return c - 1;					\
	} while (!pfx##_try_cmpxchg(v, &c, c - 1));			\
	return c - 1;							\
}

__SHIM_ATOMIC_OPS(atomic, atomic_t, int)
__SHIM_ATOMIC_OPS(atomic64, atomic64_t, s64)

/* atomic_long_t is atomic64_t, with long in the signatures. */
typedef struct { long counter; } __shim_atomic_long_t;
#define __shim_al(v) ((__shim_atomic_long_t *)(v))
#define atomic_long_read(v)		__shim_atomic_long_read(__shim_al(v))
#define atomic_long_set(v, i)		__shim_atomic_long_set(__shim_al(v), i)
#define atomic_long_add(i, v)		__shim_atomic_long_add(i, __shim_al(v))
#define atomic_long_sub(i, v)		__shim_atomic_long_sub(i, __shim_al(v))
#define atomic_long_inc(v)		__shim_atomic_long_inc(__shim_al(v))
#define atomic_long_dec(v)		__shim_atomic_long_dec(__shim_al(v))
#define atomic_long_add_return(i, v)	__shim_atomic_long_add_return(i, __shim_al(v))
#define atomic_long_sub_return(i, v)	__shim_atomic_long_sub_return(i, __shim_al(v))
#define atomic_long_inc_return(v)	__shim_atomic_long_inc_return(__shim_al(v))
#define atomic_long_dec_return(v)	__shim_atomic_long_dec_return(__shim_al(v))
#define atomic_long_fetch_add(i, v)	__shim_atomic_long_fetch_add(i, __shim_al(v))
#define atomic_long_dec_and_test(v)	__shim_atomic_long_dec_and_test(__shim_al(v))
#define atomic_long_xchg(v, n)		__shim_atomic_long_xchg(__shim_al(v), n)
#define atomic_long_cmpxchg(v, o, n)	__shim_atomic_long_cmpxchg(__shim_al(v), o, n)
#define atomic_long_try_cmpxchg(v, o, n) __shim_atomic_long_try_cmpxchg(__shim_al(v), o, n)
#define atomic_long_inc_not_zero(v)	__shim_atomic_long_inc_not_zero(__shim_al(v))
#define atomic_long_add_unless(v, a, u)	__shim_atomic_long_add_unless(__shim_al(v), a, u)
__SHIM_ATOMIC_OPS(__shim_atomic_long, __shim_atomic_long_t, long)

/* Generic cmpxchg()/xchg() on any native word. */
#define cmpxchg(ptr, o, n) ({						\
	typeof(*(ptr)) __o = (o);					\
	__atomic_compare_exchange_n((ptr), &__o, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__o;								\
})
#define cmpxchg_relaxed(ptr, o, n) ({					\
	typeof(*(ptr)) __o = (o);					\
	__atomic_compare_exchange_n((ptr), &__o, (n), false,		\
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);\
	__o;								\
})
#define try_cmpxchg(ptr, oldp, n)					\
	__atomic_compare_exchange_n((ptr), (oldp), (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define xchg(ptr, x)	__atomic_exchange_n((ptr), (x), __ATOMIC_SEQ_CST)

#endif /* _SHIM_LINUX_ATOMIC_H */
