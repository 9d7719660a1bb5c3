/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_INIT_H
#define _SHIM_LINUX_INIT_H

#include <linux/compiler_types.h>
#include <linux/cache.h>

#define __init
#define __exit
#define __initdata
#define __initconst
#define __exitdata
#define __refdata
#define __ref
#define __meminit

/* Initcalls never run by themselves: tests call the functions. */
#define __shim_initcall(fn) \
	static __maybe_unused int (*const __UNIQUE_ID(initcall))(void) = fn
#define early_initcall(fn)	__shim_initcall(fn)
#define core_initcall(fn)	__shim_initcall(fn)
#define subsys_initcall(fn)	__shim_initcall(fn)
#define fs_initcall(fn)		__shim_initcall(fn)
#define device_initcall(fn)	__shim_initcall(fn)
#define late_initcall(fn)	__shim_initcall(fn)

#endif /* _SHIM_LINUX_INIT_H */
