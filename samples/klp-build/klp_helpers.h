/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a klp-build patch module (Linux 6.19, scripts/livepatch/) gets from
 * include/linux/livepatch_helpers.h and include/linux/livepatch_external.h,
 * for kernels that have neither (6.1, 6.12): written for this sample, same
 * names and same use, a simpler mechanism.
 *
 * Upstream, a patched source file declares its object's callbacks with
 * KLP_PRE_PATCH_CALLBACK(fn) and the like: each defines a pointer named
 * after the callback kind and the object the file belongs to
 * (KLP_OBJNAME: vmlinux, or the module the file is built into), in a
 * section the patch never keeps.  "objtool klp diff" reads them and writes
 * one struct klp_object_ext per patched object, with its functions and
 * those callbacks, into sections the module's linker script bounds; the
 * generated init (init.c) walks them.
 *
 * Here a patched source file sets KLP_OBJNAME itself before including this
 * header (it is compiled into the patch module, not into the object it
 * patches), the pointers are ordinary globals, and the tables klp diff
 * would write are plain arrays in a file of each patch module
 * (*_klp.c), which names the pointers.
 */
#ifndef _KLPSV_SAMPLE_KLP_HELPERS_H
#define _KLPSV_SAMPLE_KLP_HELPERS_H

#include <linux/livepatch.h>

/* The callback types (upstream's livepatch_external.h names them). */
typedef int (*klp_pre_patch_t)(struct klp_object *obj);
typedef void (*klp_post_patch_t)(struct klp_object *obj);
typedef void (*klp_pre_unpatch_t)(struct klp_object *obj);
typedef void (*klp_post_unpatch_t)(struct klp_object *obj);

/* The names of the callback pointers, by kind and object. */
#define __KLP_CB(kind, obj)	__klp_##kind##_callback_##obj
#define __KLP_CB_NAME(kind, obj)	__KLP_CB(kind, obj)

/* This file's pointer of each kind. */
#define __KLP_PRE_PATCH_CB	__KLP_CB_NAME(pre_patch, KLP_OBJNAME)
#define __KLP_POST_PATCH_CB	__KLP_CB_NAME(post_patch, KLP_OBJNAME)
#define __KLP_PRE_UNPATCH_CB	__KLP_CB_NAME(pre_unpatch, KLP_OBJNAME)
#define __KLP_POST_UNPATCH_CB	__KLP_CB_NAME(post_unpatch, KLP_OBJNAME)

#define KLP_PRE_PATCH_CALLBACK(func)					\
	extern klp_pre_patch_t __KLP_PRE_PATCH_CB;			\
	klp_pre_patch_t __KLP_PRE_PATCH_CB = func
#define KLP_POST_PATCH_CALLBACK(func)					\
	extern klp_post_patch_t __KLP_POST_PATCH_CB;			\
	klp_post_patch_t __KLP_POST_PATCH_CB = func
#define KLP_PRE_UNPATCH_CALLBACK(func)					\
	extern klp_pre_unpatch_t __KLP_PRE_UNPATCH_CB;			\
	klp_pre_unpatch_t __KLP_PRE_UNPATCH_CB = func
#define KLP_POST_UNPATCH_CALLBACK(func)					\
	extern klp_post_unpatch_t __KLP_POST_UNPATCH_CB;		\
	klp_post_unpatch_t __KLP_POST_UNPATCH_CB = func

/* The declarations a *_klp.c table needs to name an object's pointers. */
#define KLP_DECLARE_CALLBACKS(obj)					\
	extern klp_pre_patch_t __KLP_CB(pre_patch, obj);		\
	extern klp_post_patch_t __KLP_CB(post_patch, obj);		\
	extern klp_post_unpatch_t __KLP_CB(post_unpatch, obj)

/**
 * struct klp_func_ext - a patched function, as klp diff records it
 * @old_name: the function in the patched object
 * @new_func: its new code, copied into the patch module
 * @sympos: which of several local symbols of that name (0: the only one)
 */
struct klp_func_ext {
	const char *old_name;
	void *new_func;
	unsigned long sympos;
};

/**
 * struct klp_callbacks_ext - an object's callbacks, as klp diff records them
 * @pre_patch: the object's KLP_PRE_PATCH_CALLBACK() pointer, or NULL
 * @post_patch: its KLP_POST_PATCH_CALLBACK() pointer, or NULL
 * @pre_unpatch: its KLP_PRE_UNPATCH_CALLBACK() pointer, or NULL
 * @post_unpatch: its KLP_POST_UNPATCH_CALLBACK() pointer, or NULL
 *
 * Upstream, objtool resolves each pointer to the function at build time;
 * this sample keeps the address of the pointer and init.c reads it.
 */
struct klp_callbacks_ext {
	klp_pre_patch_t *pre_patch;
	klp_post_patch_t *post_patch;
	klp_pre_unpatch_t *pre_unpatch;
	klp_post_unpatch_t *post_unpatch;
};

/**
 * struct klp_object_ext - a patched object, as klp diff records it
 * @name: the module's name, NULL for vmlinux
 * @funcs: its patched functions
 * @nr_funcs: how many
 * @callbacks: the callbacks its patched source files declared
 */
struct klp_object_ext {
	const char *name;
	const struct klp_func_ext *funcs;
	unsigned int nr_funcs;
	struct klp_callbacks_ext callbacks;
};

/* The object's callbacks, for a klp_object_ext initializer. */
#define KLP_CALLBACKS_EXT(obj) {					\
	.pre_patch = &__KLP_CB(pre_patch, obj),				\
	.post_patch = &__KLP_CB(post_patch, obj),			\
	.post_unpatch = &__KLP_CB(post_unpatch, obj),			\
}

#endif /* _KLPSV_SAMPLE_KLP_HELPERS_H */
