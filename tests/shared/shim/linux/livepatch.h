/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's livepatch interface as of 6.1 .. 6.19, implemented in
 * userspace by tests/shared/klp_model.c.  Public field names match upstream
 * so livepatch code compiles unchanged; of the internal fields only those
 * the model uses are kept (no ftrace; a kobject is only its parent link).
 */
#ifndef _SHIM_LINUX_LIVEPATCH_H
#define _SHIM_LINUX_LIVEPATCH_H

#include <linux/list.h>
#include <linux/module.h>
#include <linux/types.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define KLP_TRANSITION_IDLE		-1
#define KLP_TRANSITION_UNPATCHED	 0
#define KLP_TRANSITION_PATCHED		 1
#else
#define KLP_UNDEFINED	-1
#define KLP_UNPATCHED	 0
#define KLP_PATCHED	 1
#endif

/* Only what finds an object's patch: its kobject's parent. */
struct kobject {
	struct kobject *parent;
};

struct klp_func {
	/* external */
	const char *old_name;
	void *new_func;
	unsigned long old_sympos;

	/* internal */
	void *old_func;
	struct list_head node;
	struct list_head stack_node;
	unsigned long old_size, new_size;
	bool nop;
	bool patched;
	bool transition;
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#include <linux/livepatch_external.h>
#else
struct klp_object;

struct klp_callbacks {
	int (*pre_patch)(struct klp_object *obj);
	void (*post_patch)(struct klp_object *obj);
	void (*pre_unpatch)(struct klp_object *obj);
	void (*post_unpatch)(struct klp_object *obj);
	bool post_unpatch_enabled;
};
#endif

struct klp_object {
	/* external */
	const char *name;
	struct klp_func *funcs;
	struct klp_callbacks callbacks;

	/* internal */
	struct kobject kobj;
	struct list_head func_list;
	struct list_head node;
	struct module *mod;
	bool dynamic;
	bool patched;
};

struct klp_state {
	unsigned long id;
	unsigned int version;
	void *data;
};

struct klp_patch {
	/* external */
	struct module *mod;
	struct klp_object *objs;
	struct klp_state *states;
	bool replace;

	/* internal */
	struct list_head list;
	struct kobject kobj;
	struct list_head obj_list;
	bool enabled;
	bool forced;
};

#define klp_for_each_object_static(patch, obj) \
	for (obj = (patch)->objs; (obj)->funcs || (obj)->name; obj++)

#define klp_for_each_object_safe(patch, obj, tmp_obj)		\
	list_for_each_entry_safe(obj, tmp_obj, &(patch)->obj_list, node)

#define klp_for_each_object(patch, obj)	\
	list_for_each_entry(obj, &(patch)->obj_list, node)

#define klp_for_each_func_static(obj, func) \
	for (func = (obj)->funcs; \
	     (func)->old_name || (func)->new_func || (func)->old_sympos; \
	     func++)

#define klp_for_each_func_safe(obj, func, tmp_func)			\
	list_for_each_entry_safe(func, tmp_func, &(obj)->func_list, node)

#define klp_for_each_func(obj, func)	\
	list_for_each_entry(func, &(obj)->func_list, node)

int klp_enable_patch(struct klp_patch *patch);

typedef int (*klp_shadow_ctor_t)(void *obj, void *shadow_data, void *ctor_data);
typedef void (*klp_shadow_dtor_t)(void *obj, void *shadow_data);

void *klp_shadow_get(void *obj, unsigned long id);
void *klp_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp_flags,
		       klp_shadow_ctor_t ctor, void *ctor_data);
void *klp_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			      gfp_t gfp_flags, klp_shadow_ctor_t ctor,
			      void *ctor_data);
void klp_shadow_free(void *obj, unsigned long id, klp_shadow_dtor_t dtor);
void klp_shadow_free_all(unsigned long id, klp_shadow_dtor_t dtor);

struct klp_state *klp_get_state(struct klp_patch *patch, unsigned long id);
struct klp_state *klp_get_prev_state(unsigned long id);

#endif /* _SHIM_LINUX_LIVEPATCH_H */
