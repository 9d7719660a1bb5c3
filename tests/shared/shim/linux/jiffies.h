/* SPDX-License-Identifier: GPL-2.0 */
/* jiffies follows CLOCK_MONOTONIC at HZ=250, counted from program start. */
#ifndef _SHIM_LINUX_JIFFIES_H
#define _SHIM_LINUX_JIFFIES_H

#include <linux/math.h>
#include <linux/types.h>

#define HZ		250
#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1) - 1)

/* An lvalue, so READ_ONCE(jiffies) works; refreshed on every use. */
unsigned long *shim_jiffies_ptr(void);
#define jiffies		(*shim_jiffies_ptr())
#define jiffies_64	((u64)jiffies)
#define get_jiffies_64() ((u64)jiffies)

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)
#define time_is_before_jiffies(a)	time_after(jiffies, a)
#define time_is_after_jiffies(a)	time_before(jiffies, a)

static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	return DIV_ROUND_UP((unsigned long)m * HZ, 1000);
}

static inline unsigned long usecs_to_jiffies(const unsigned int u)
{
	return DIV_ROUND_UP((unsigned long)u * HZ, 1000000);
}

static inline unsigned int jiffies_to_msecs(const unsigned long j)
{
	return (1000 / HZ) * j;
}

#endif /* _SHIM_LINUX_JIFFIES_H */
