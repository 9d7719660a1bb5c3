/* SPDX-License-Identifier: GPL-2.0 */
/*
 * min()/max() with the strict type check of 6.1 (the oldest kernel klpsv
 * builds for): mixing types is an error there, so it is one here.
 */
#ifndef _SHIM_LINUX_MINMAX_H
#define _SHIM_LINUX_MINMAX_H

#include <linux/compiler.h>

#define __shim_cmp(x, y, op) ({						\
	__auto_type __x = (x);						\
	__auto_type __y = (y);						\
	(void)(&__x == &__y);						\
	__x op __y ? __x : __y; })

#define min(x, y)	__shim_cmp(x, y, <)
#define max(x, y)	__shim_cmp(x, y, >)
#define min3(x, y, z)	min((typeof(x))min(x, y), z)
#define max3(x, y, z)	max((typeof(x))max(x, y), z)
#define umin(x, y)	min((x) + 0u + 0ul + 0ull, (y) + 0u + 0ul + 0ull)
#define umax(x, y)	max((x) + 0u + 0ul + 0ull, (y) + 0u + 0ul + 0ull)

#define min_t(type, x, y) ({ type __x = (x); type __y = (y); __x < __y ? __x : __y; })
#define max_t(type, x, y) ({ type __x = (x); type __y = (y); __x > __y ? __x : __y; })

#define min_not_zero(x, y) ({						\
	typeof(x) __x = (x);						\
	typeof(y) __y = (y);						\
	__x == 0 ? __y : ((__y == 0) ? __x : min(__x, __y)); })

#define clamp(val, lo, hi)	min((typeof(val))max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi)	clamp_t(typeof(val), val, lo, hi)

#define swap(a, b) \
	do { typeof(a) __tmp = (a); (a) = (b); (b) = __tmp; } while (0)

#endif /* _SHIM_LINUX_MINMAX_H */
