/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kpatch-build patch module gets from kpatch's kmod/patch
 * (kpatch-macros.h and the records create-diff-object writes), written
 * for this sample: same macro names and use, a simpler mechanism.
 *
 * Upstream, KPATCH_PRE_PATCH_CALLBACK(fn) and the like place a record
 * { fn, objname } in a section (.kpatch.callbacks.pre_patch, ...);
 * create-diff-object fills objname with the object the patched file
 * belongs to, and writes one record per patched function into
 * .kpatch.funcs.  The generated init (livepatch-patch-hook.c) walks those
 * sections, groups functions and callbacks by object, builds the
 * klp_patch and calls klp_enable_patch().
 *
 * Here a patched source file sets KPATCH_OBJNAME itself before including
 * this header, each record is a global named after its kind and object,
 * and the sections are plain arrays in each patch module's table file
 * (*_kpatch.c), which names the records.
 */
#ifndef _KLPSV_SAMPLE_KPATCH_MACROS_H
#define _KLPSV_SAMPLE_KPATCH_MACROS_H

#include <linux/livepatch.h>
#include <linux/stringify.h>

/* kpatch's name for what its callbacks receive. */
typedef struct klp_object patch_object;

/**
 * struct kpatch_pre_patch_callback - a pre-patch callback record
 * @callback: the function
 * @objname: the object it is for ("vmlinux" or a module)
 */
struct kpatch_pre_patch_callback {
	int (*callback)(patch_object *obj);
	const char *objname;
};

/**
 * struct kpatch_post_patch_callback - a post-patch callback record
 * @callback: the function
 * @objname: the object it is for ("vmlinux" or a module)
 */
struct kpatch_post_patch_callback {
	void (*callback)(patch_object *obj);
	const char *objname;
};

/**
 * struct kpatch_post_unpatch_callback - a post-unpatch callback record
 * @callback: the function
 * @objname: the object it is for ("vmlinux" or a module)
 */
struct kpatch_post_unpatch_callback {
	void (*callback)(patch_object *obj);
	const char *objname;
};

/**
 * struct kpatch_patch_func - a patched function record
 * @new_addr: its new code, in the patch module
 * @name: the function in the patched object
 * @objname: the patched object ("vmlinux" or a module)
 * @sympos: which of several local symbols of that name (0: the only one)
 */
struct kpatch_patch_func {
	void *new_addr;
	const char *name;
	const char *objname;
	unsigned long sympos;
};

/* The records name the kernel itself "vmlinux", as kpatch's do. */
#define __KPATCH_OBJNAME_STR	__stringify(KPATCH_OBJNAME)

#define __KPATCH_REC(kind, obj)	__kpatch_##kind##_##obj
#define __KPATCH_REC_NAME(kind, obj)	__KPATCH_REC(kind, obj)

/* This file's record of each kind. */
#define __KPATCH_PRE_PATCH_REC	__KPATCH_REC_NAME(pre_patch, KPATCH_OBJNAME)
#define __KPATCH_POST_PATCH_REC	__KPATCH_REC_NAME(post_patch, KPATCH_OBJNAME)
#define __KPATCH_POST_UNPATCH_REC	__KPATCH_REC_NAME(post_unpatch, KPATCH_OBJNAME)

#define KPATCH_PRE_PATCH_CALLBACK(fn)					\
	extern struct kpatch_pre_patch_callback __KPATCH_PRE_PATCH_REC;	\
	struct kpatch_pre_patch_callback __KPATCH_PRE_PATCH_REC = {	\
		.callback = fn, .objname = __KPATCH_OBJNAME_STR,	\
	}
#define KPATCH_POST_PATCH_CALLBACK(fn)					\
	extern struct kpatch_post_patch_callback __KPATCH_POST_PATCH_REC; \
	struct kpatch_post_patch_callback __KPATCH_POST_PATCH_REC = {	\
		.callback = fn, .objname = __KPATCH_OBJNAME_STR,	\
	}
#define KPATCH_POST_UNPATCH_CALLBACK(fn)				\
	extern struct kpatch_post_unpatch_callback __KPATCH_POST_UNPATCH_REC; \
	struct kpatch_post_unpatch_callback __KPATCH_POST_UNPATCH_REC = { \
		.callback = fn, .objname = __KPATCH_OBJNAME_STR,	\
	}

/* The declarations a *_kpatch.c table needs to name an object's records. */
#define KPATCH_DECLARE_CALLBACKS(obj)					\
	extern struct kpatch_pre_patch_callback __KPATCH_REC(pre_patch, obj); \
	extern struct kpatch_post_patch_callback __KPATCH_REC(post_patch, obj); \
	extern struct kpatch_post_unpatch_callback __KPATCH_REC(post_unpatch, obj)

#define KPATCH_PRE_PATCH_REC(obj)	(&__KPATCH_REC(pre_patch, obj))
#define KPATCH_POST_PATCH_REC(obj)	(&__KPATCH_REC(post_patch, obj))
#define KPATCH_POST_UNPATCH_REC(obj)	(&__KPATCH_REC(post_unpatch, obj))

#endif /* _KLPSV_SAMPLE_KPATCH_MACROS_H */
