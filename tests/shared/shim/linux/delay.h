/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_DELAY_H
#define _SHIM_LINUX_DELAY_H

#include <linux/kernel.h>

void shim_usleep(unsigned long usecs);

/* Sleeping delays check the context; busy-waits do not. */
#define msleep(ms)		do { might_sleep(); shim_usleep((ms) * 1000UL); } while (0)
#define ssleep(s)		msleep((s) * 1000UL)
#define msleep_interruptible(ms)	({ msleep(ms); 0UL; })
#define usleep_range(lo, hi)	do { might_sleep(); shim_usleep(lo); } while (0)
#define fsleep(us)		do { might_sleep(); shim_usleep(us); } while (0)
#define udelay(us)		shim_usleep(us)
#define ndelay(ns)		shim_usleep(((ns) + 999) / 1000)
#define mdelay(ms)		shim_usleep((ms) * 1000UL)

#endif /* _SHIM_LINUX_DELAY_H */
