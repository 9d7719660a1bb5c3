/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_KTIME_H
#define _SHIM_LINUX_KTIME_H

#include <linux/jiffies.h>
#include <linux/types.h>

typedef s64 ktime_t;

#define NSEC_PER_USEC	1000L
#define NSEC_PER_MSEC	1000000L
#define NSEC_PER_SEC	1000000000L
#define USEC_PER_SEC	1000000L
#define MSEC_PER_SEC	1000L

u64 shim_ktime_get_ns(void);		/* CLOCK_MONOTONIC */
u64 shim_ktime_get_real_ns(void);	/* CLOCK_REALTIME */

#define ktime_get()		((ktime_t)shim_ktime_get_ns())
#define ktime_get_ns()		shim_ktime_get_ns()
#define ktime_get_mono_fast_ns()	shim_ktime_get_ns()
#define ktime_get_boottime_ns()	shim_ktime_get_ns()
#define ktime_get_real_ns()	shim_ktime_get_real_ns()
#define ktime_get_seconds()	((time64_t)(shim_ktime_get_ns() / NSEC_PER_SEC))
#define ktime_get_real_seconds() ((time64_t)(shim_ktime_get_real_ns() / NSEC_PER_SEC))
#define ktime_to_ns(kt)		((s64)(kt))
#define ktime_to_us(kt)		((s64)(kt) / NSEC_PER_USEC)
#define ktime_to_ms(kt)		((s64)(kt) / NSEC_PER_MSEC)
#define ns_to_ktime(ns)		((ktime_t)(ns))
#define ms_to_ktime(ms)		((ktime_t)(ms) * NSEC_PER_MSEC)
#define ktime_add(a, b)		((a) + (b))
#define ktime_sub(a, b)		((a) - (b))
#define ktime_add_ns(kt, ns)	((kt) + (ns))
#define ktime_compare(a, b)	((a) < (b) ? -1 : (a) > (b))
#define ktime_us_delta(later, earlier)	ktime_to_us(ktime_sub(later, earlier))
#define ktime_ms_delta(later, earlier)	ktime_to_ms(ktime_sub(later, earlier))

typedef s64 time64_t;

#endif /* _SHIM_LINUX_KTIME_H */
