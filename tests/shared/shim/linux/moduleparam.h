/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_MODULEPARAM_H
#define _SHIM_LINUX_MODULEPARAM_H

#include <linux/compiler_types.h>

struct kernel_param;
struct module;

struct kernel_param_ops {
	unsigned int flags;
	int (*set)(const char *val, const struct kernel_param *kp);
	int (*get)(char *buffer, const struct kernel_param *kp);
	void (*free)(void *arg);
};

struct kernel_param {
	const char *name;
	struct module *mod;
	const struct kernel_param_ops *ops;
	const unsigned short perm;
	signed char level;
	unsigned char flags;
	union {
		void *arg;
		const void *str;
		const void *arr;
	};
};

/*
 * A module's parameter table is what the test gives its struct module
 * (kp, num_kp): the one program holds every test's parameters.
 */
#define module_param_cb(name, ops, arg, perm)				\
	static __maybe_unused const struct kernel_param			\
	__UNIQUE_ID(param_##name) = { #name, NULL, ops, perm, -1, 0,	\
				      { arg } }

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
