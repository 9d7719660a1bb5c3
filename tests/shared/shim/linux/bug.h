/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WARN*() print "WARNING: at file:line func()" to stderr and the captured
 * log and count in shim_warnings(); the *_ONCE() forms fire once per test.
 * BUG*() print "kernel BUG at ..." and abort the run.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <klpsv_shim.h>

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		shim_warn(__FILE__, __LINE__, __func__,			\
			  "WARN_ON(%s)", #condition);			\
	unlikely(__ret_warn_on);					\
})

#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		shim_warn(__FILE__, __LINE__, __func__, format);	\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(condition) ({					\
	static unsigned int __warned;					\
	int __ret_warn_once = !!(condition);				\
	if (unlikely(__ret_warn_once) && shim_once(&__warned))		\
		shim_warn(__FILE__, __LINE__, __func__,			\
			  "WARN_ON_ONCE(%s)", #condition);		\
	unlikely(__ret_warn_once);					\
})

#define WARN_ONCE(condition, format...) ({				\
	static unsigned int __warned;					\
	int __ret_warn_once = !!(condition);				\
	if (unlikely(__ret_warn_once) && shim_once(&__warned))		\
		shim_warn(__FILE__, __LINE__, __func__, format);	\
	unlikely(__ret_warn_once);					\
})

#define WARN_TAINT(condition, taint, format...) WARN(condition, format)

#define BUG() shim_bug(__FILE__, __LINE__, __func__)
#define BUG_ON(condition) do { if (unlikely(condition)) BUG(); } while (0)

#endif /* _SHIM_LINUX_BUG_H */
