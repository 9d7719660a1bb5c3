/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attributes and sparse annotations.  Force-included into every unit-test
 * object, as the kernel does.  Sparse-only annotations are empty here:
 * `make C=2` against real kernel headers is what checks them.
 */
#ifndef _SHIM_LINUX_COMPILER_TYPES_H
#define _SHIM_LINUX_COMPILER_TYPES_H

/* glibc defines a few of the same names: let it go first. */
#include <sys/cdefs.h>

#define __user
#define __kernel
#define __iomem
#define __percpu
#define __rcu
#define __private
#define __safe
#define __force
#define __nocast
#ifndef __bitwise
#define __bitwise
#endif
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __acquire(x)		(void)0
#define __release(x)		(void)0
#define __cond_lock(x, c)	(c)
#define ACCESS_PRIVATE(p, member) ((p)->member)

#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define noinline		__attribute__((__noinline__))
#define noinline_for_stack	noinline
#define __must_check		__attribute__((__warn_unused_result__))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define __used			__attribute__((__used__))
#define __packed		__attribute__((__packed__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __scanf(a, b)		__attribute__((__format__(scanf, a, b)))
#define __noreturn		__attribute__((__noreturn__))
#define __cold			__attribute__((__cold__))
#define __weak			__attribute__((__weak__))
#define __section(s)		__attribute__((__section__(s)))
#define __pure			__attribute__((__pure__))
#define __malloc		__attribute__((__malloc__))
#define __visible		__attribute__((__externally_visible__))
#define __nonstring		__attribute__((__nonstring__))
#define notrace			__attribute__((__no_instrument_function__))
#ifndef __attribute_const__
#define __attribute_const__	__attribute__((__const__))
#endif
#define __compiletime_error(msg) __attribute__((__error__(msg)))
#define fallthrough		__attribute__((__fallthrough__))
#ifndef __counted_by
#define __counted_by(m)
#endif
#define __randomize_layout
#define __no_randomize_layout
#define __latent_entropy

#define ___PASTE(a, b)		a##b
#define __PASTE(a, b)		___PASTE(a, b)
#define __UNIQUE_ID(prefix)	__PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define __same_type(a, b)	__builtin_types_compatible_p(typeof(a), typeof(b))

/* Is this type a native word size -- useful for atomic operations */
#define __native_word(t) \
	(sizeof(t) == sizeof(char) || sizeof(t) == sizeof(short) || \
	 sizeof(t) == sizeof(int) || sizeof(t) == sizeof(long))

/*
 * Like the kernel: the failing call must be optimised away, so conditions
 * that are only constant after inlining work too (needs -O1 or more).
 */
#define __compiletime_assert(condition, msg, prefix, suffix)		\
	do {								\
		extern void prefix ## suffix(void) __compiletime_error(msg); \
		if (!(condition))					\
			prefix ## suffix();				\
	} while (0)
#define _compiletime_assert(condition, msg, prefix, suffix) \
	__compiletime_assert(condition, msg, prefix, suffix)
#define compiletime_assert(condition, msg) \
	_compiletime_assert(condition, msg, __compiletime_assert_, __COUNTER__)
#define compiletime_assert_atomic_type(t) \
	compiletime_assert(__native_word(t), \
		"Need native word sized stores/loads for atomicity.")

/* typeof() of x with qualifiers dropped, for scalar x. */
#define __scalar_type_to_expr_cases(type)			\
		unsigned type:	(unsigned type)0,		\
		signed type:	(signed type)0
#define __unqual_scalar_typeof(x) typeof(				\
		_Generic((x),						\
			 char:	(char)0,				\
			 __scalar_type_to_expr_cases(char),		\
			 __scalar_type_to_expr_cases(short),		\
			 __scalar_type_to_expr_cases(int),		\
			 __scalar_type_to_expr_cases(long),		\
			 __scalar_type_to_expr_cases(long long),	\
			 default: (x)))

#endif /* _SHIM_LINUX_COMPILER_TYPES_H */
