/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_MODULEPARAM_H
#define _SHIM_LINUX_MODULEPARAM_H

#include <linux/compiler_types.h>

/* Parameters keep their initial values; tests set the variables. */
#define module_param_named(name, value, type, perm)			\
	static __maybe_unused void *const __UNIQUE_ID(param_##name) = &(value)
#define module_param(name, type, perm)	module_param_named(name, name, type, perm)
#define module_param_string(name, string, len, perm) \
	module_param_named(name, string, string, perm)
#define module_param_array(name, type, nump, perm) \
	module_param_named(name, name, type, perm)
#define MODULE_PARM_DESC(_parm, desc) \
	_Static_assert(sizeof(desc) > 0, "MODULE_PARM_DESC")

#endif /* _SHIM_LINUX_MODULEPARAM_H */
