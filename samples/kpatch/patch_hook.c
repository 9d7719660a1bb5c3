// SPDX-License-Identifier: GPL-2.0
/*
 * The init of a kpatch-build patch module (kpatch's
 * kmod/patch/livepatch-patch-hook.c), rewritten for this sample: group the
 * function and callback records by object, build the klp_patch, enable
 * it.  Nothing here knows klpsv: no struct klpsv_patch, no
 * klpsv_enable_patch(), no klp_state.  klpsv runs from the callbacks the
 * patched source files declared with KPATCH_*_CALLBACK().
 *
 * Upstream, the records are sections (.kpatch.funcs,
 * .kpatch.callbacks.*) walked from their start to their end symbol.
 * Here each patch module's table file (*_kpatch.c) defines the plain
 * arrays kpatch_funcs[], kpatch_pre_patch_cbs[], kpatch_post_patch_cbs[]
 * and kpatch_post_unpatch_cbs[] (with their KPATCH_NR_* counts), then
 * includes this file, once per module.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kpatch_macros.h"

/* Upper bound on patched objects: every function in its own object. */
#define KPATCH_MAX_OBJS	(ARRAY_SIZE(kpatch_funcs) + KPATCH_NR_CALLBACKS + 1)

static struct klp_patch *kpatch_lpatch;

/* The kernel's name for an object: NULL for vmlinux. */
static const char *kpatch_klp_name(const char *objname)
{
	return strcmp(objname, "vmlinux") ? objname : NULL;
}

static bool kpatch_same_obj(const struct klp_object *obj, const char *objname)
{
	const char *name = kpatch_klp_name(objname);

	return name ? obj->name && !strcmp(obj->name, name) : !obj->name;
}

/* The object of that name in @objs[0..*nr), added if new. */
static struct klp_object *kpatch_find_obj(struct klp_object *objs,
					  unsigned int *nr,
					  const char *objname)
{
	unsigned int i;

	for (i = 0; i < *nr; i++)
		if (kpatch_same_obj(&objs[i], objname))
			return &objs[i];
	objs[*nr].name = kpatch_klp_name(objname);
	return &objs[(*nr)++];
}

static int __init kpatch_hook_init(void)
{
	unsigned int nr_objs = 0, i, j, n;
	struct klp_object *objs, *obj;
	int ret = -ENOMEM;

	objs = kcalloc(KPATCH_MAX_OBJS, sizeof(*objs), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;

	/* Every object a function or a callback names. */
	for (i = 0; i < ARRAY_SIZE(kpatch_funcs); i++)
		kpatch_find_obj(objs, &nr_objs, kpatch_funcs[i].objname);
	for (i = 0; i < KPATCH_NR_PRE_PATCH; i++)
		kpatch_find_obj(objs, &nr_objs,
				kpatch_pre_patch_cbs[i]->objname)->callbacks.pre_patch =
			kpatch_pre_patch_cbs[i]->callback;
	for (i = 0; i < KPATCH_NR_POST_PATCH; i++)
		kpatch_find_obj(objs, &nr_objs,
				kpatch_post_patch_cbs[i]->objname)->callbacks.post_patch =
			kpatch_post_patch_cbs[i]->callback;
	for (i = 0; i < KPATCH_NR_POST_UNPATCH; i++)
		kpatch_find_obj(objs, &nr_objs,
				kpatch_post_unpatch_cbs[i]->objname)->callbacks.post_unpatch =
			kpatch_post_unpatch_cbs[i]->callback;

	/* Each object's functions, in one array ending with an empty one. */
	for (i = 0; i < nr_objs; i++) {
		struct klp_func *funcs;

		obj = &objs[i];
		n = 0;
		for (j = 0; j < ARRAY_SIZE(kpatch_funcs); j++)
			n += kpatch_same_obj(obj, kpatch_funcs[j].objname);
		funcs = kcalloc(n + 1, sizeof(*funcs), GFP_KERNEL);
		if (!funcs)
			goto err;
		n = 0;
		for (j = 0; j < ARRAY_SIZE(kpatch_funcs); j++) {
			if (!kpatch_same_obj(obj, kpatch_funcs[j].objname))
				continue;
			funcs[n].old_name = kpatch_funcs[j].name;
			funcs[n].new_func = kpatch_funcs[j].new_addr;
			funcs[n].old_sympos = kpatch_funcs[j].sympos;
			n++;
		}
		obj->funcs = funcs;
	}

	kpatch_lpatch = kzalloc(sizeof(*kpatch_lpatch), GFP_KERNEL);
	if (!kpatch_lpatch)
		goto err;
	kpatch_lpatch->mod = THIS_MODULE;
	kpatch_lpatch->objs = objs;
	/* kpatch-build's default: a cumulative patch (--non-replace not given). */
	kpatch_lpatch->replace = true;

	ret = klp_enable_patch(kpatch_lpatch);
	if (ret)
		goto err;
	return 0;

err:
	kfree(kpatch_lpatch);
	kpatch_lpatch = NULL;
	for (i = 0; i < nr_objs; i++)
		kfree(objs[i].funcs);
	kfree(objs);
	return ret;
}

static void __exit kpatch_hook_exit(void)
{
	struct klp_object *obj;

	for (obj = kpatch_lpatch->objs; obj->funcs; obj++)
		kfree(obj->funcs);
	kfree(kpatch_lpatch->objs);
	kfree(kpatch_lpatch);
}

module_init(kpatch_hook_init);
module_exit(kpatch_hook_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
