/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct module is reduced to what livepatch code touches: its name, its
 * reference count (the livepatch core holds one while a patch is
 * installed) and the livepatch flag.  module_init()/module_exit() only
 * reference their functions: tests call them.
 */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#include <linux/atomic.h>
#include <linux/compiler_types.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include <linux/types.h>

#define MODULE_NAME_LEN 56

enum module_state {
	MODULE_STATE_LIVE,
	MODULE_STATE_COMING,
	MODULE_STATE_GOING,
	MODULE_STATE_UNFORMED,
};

struct module {
	enum module_state state;
	char name[MODULE_NAME_LEN];
	bool klp;
	atomic_t refcnt;
	const struct kernel_param *kp;
	unsigned int num_kp;
};

extern struct module __this_module;
#define THIS_MODULE (&__this_module)

#define __shim_modinfo(tag, info) \
	_Static_assert(sizeof(info) > 0, "MODULE_INFO(" #tag ")")
#define MODULE_INFO(tag, info)		__shim_modinfo(tag, info)
#define MODULE_LICENSE(license)		__shim_modinfo(license, license)
#define MODULE_AUTHOR(author)		__shim_modinfo(author, author)
#define MODULE_DESCRIPTION(desc)	__shim_modinfo(description, desc)
#define MODULE_VERSION(version)		__shim_modinfo(version, version)
#define MODULE_ALIAS(alias)		__shim_modinfo(alias, alias)
#define MODULE_SOFTDEP(dep)		__shim_modinfo(softdep, dep)
#define MODULE_IMPORT_NS(ns)		_Static_assert(1, "MODULE_IMPORT_NS")

#define module_init(fn) \
	static __maybe_unused int (*const __UNIQUE_ID(module_init))(void) = fn
#define module_exit(fn) \
	static __maybe_unused void (*const __UNIQUE_ID(module_exit))(void) = fn

static inline bool try_module_get(struct module *module)
{
	if (module)
		atomic_inc(&module->refcnt);
	return true;
}

static inline void __module_get(struct module *module)
{
	try_module_get(module);
}

static inline void module_put(struct module *module)
{
	if (module)
		WARN_ON(atomic_dec_return(&module->refcnt) < 0);
}

static inline int module_refcount(struct module *mod)
{
	return atomic_read(&mod->refcnt);
}

static inline const char *module_name(struct module *mod)
{
	return mod ? mod->name : "kernel";
}

static inline bool is_livepatch_module(struct module *mod)
{
	return mod->klp;
}

#endif /* _SHIM_LINUX_MODULE_H */
