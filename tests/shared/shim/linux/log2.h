/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_LOG2_H
#define _SHIM_LINUX_LOG2_H

#include <linux/types.h>

#define ilog2(n) ((n) ? 63 - __builtin_clzll((unsigned long long)(n)) : -1)

static inline __attribute_const__ bool is_power_of_2(unsigned long n)
{
	return n != 0 && ((n & (n - 1)) == 0);
}

static inline __attribute_const__ unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

static inline __attribute_const__ unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (63 - __builtin_clzl(n));
}

#define order_base_2(n) ((n) > 1 ? ilog2((n) - 1) + 1 : 0)

#endif /* _SHIM_LINUX_LOG2_H */
