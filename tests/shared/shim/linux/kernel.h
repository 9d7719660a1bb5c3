/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include_next <linux/kernel.h>
#include <stdarg.h>
#include <stdio.h>
#include <linux/array_size.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/err.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/irqflags.h>
#include <linux/minmax.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/stddef.h>
#include <linux/stringify.h>
#include <linux/typecheck.h>
#include <linux/types.h>
#include <asm/page.h>

#define ALIGN(x, a)		__ALIGN_KERNEL((x), (a))
#define ALIGN_DOWN(x, a)	__ALIGN_KERNEL((x) - ((a) - 1), (a))
#define PTR_ALIGN(p, a)		((typeof(p))ALIGN((unsigned long)(p), (a)))
#define PTR_ALIGN_DOWN(p, a)	((typeof(p))ALIGN_DOWN((unsigned long)(p), (a)))
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)

#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))
#define upper_16_bits(n)	((u16)((n) >> 16))
#define lower_16_bits(n)	((u16)((n) & 0xffff))

/* "BUG: sleeping function called from invalid context", counted. */
#define might_sleep()		shim_might_sleep(__FILE__, __LINE__)
#define might_sleep_if(cond)	do { if (cond) might_sleep(); } while (0)
#define might_resched()		do { } while (0)
#define cant_sleep()		WARN_ON_ONCE(!shim_in_atomic())
#define might_fault()		might_sleep()

#define REPEAT_BYTE(x)		((~0ul / 0xff) * (x))

#define TAINT_LIVEPATCH		15
#define LOCKDEP_STILL_OK	1
static inline void add_taint(unsigned int flag, int lockdep_ok) { }

static inline __printf(3, 0)
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int i;

	if (!size)
		return 0;
	i = vsnprintf(buf, size, fmt, args);
	if (i < 0)
		return 0;
	return (size_t)i < size ? i : (int)(size - 1);
}

static inline __printf(3, 4)
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int i;

	va_start(args, fmt);
	i = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return i;
}

__printf(4, 5) char *shim_kasprintf(const char *file, int line, gfp_t gfp,
				    const char *fmt, ...);
__printf(4, 0) char *shim_kvasprintf(const char *file, int line, gfp_t gfp,
				     const char *fmt, va_list args);
#define kasprintf(gfp, fmt...)	shim_kasprintf(__FILE__, __LINE__, gfp, fmt)
#define kvasprintf(gfp, fmt, args) shim_kvasprintf(__FILE__, __LINE__, gfp, fmt, args)

#endif /* _SHIM_LINUX_KERNEL_H */
