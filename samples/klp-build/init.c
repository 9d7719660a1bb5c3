// SPDX-License-Identifier: GPL-2.0
/*
 * The init of a klp-build patch module (Linux 6.19,
 * scripts/livepatch/init.c), rewritten for this sample: build the
 * klp_patch from the per-object and per-function records klp diff wrote,
 * and enable it.  Nothing here knows klpsv: no struct klpsv_patch, no
 * klpsv_enable_patch(), no klp_state (upstream's init sets none).  klpsv
 * runs from the callbacks the patched source files declared.
 *
 * Upstream, the records are the sections __klp_objects and __klp_funcs,
 * bounded by symbols of the module's linker script, and init.c is
 * compiled once into each patch module.  Here each patch module's table
 * file (*_klp.c) defines the plain arrays klp_objects[] and klp_nr_objects
 * and then includes this file: one kbuild tree builds several patch
 * modules, and kbuild wants each object file in one module only.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "klp_helpers.h"

static struct klp_patch *klp_build_patch;

static int __init klp_build_init(void)
{
	struct klp_object *objs;
	unsigned int i, j;
	int ret = -ENOMEM;

	objs = kcalloc(klp_nr_objects + 1, sizeof(*objs), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;

	for (i = 0; i < klp_nr_objects; i++) {
		const struct klp_object_ext *ext = &klp_objects[i];
		const struct klp_callbacks_ext *cb = &ext->callbacks;
		struct klp_func *funcs;

		funcs = kcalloc(ext->nr_funcs + 1, sizeof(*funcs), GFP_KERNEL);
		if (!funcs)
			goto err;
		for (j = 0; j < ext->nr_funcs; j++) {
			funcs[j].old_name = ext->funcs[j].old_name;
			funcs[j].new_func = ext->funcs[j].new_func;
			funcs[j].old_sympos = ext->funcs[j].sympos;
		}
		objs[i].name = ext->name;
		objs[i].funcs = funcs;
		objs[i].callbacks.pre_patch = cb->pre_patch ? *cb->pre_patch : NULL;
		objs[i].callbacks.post_patch = cb->post_patch ? *cb->post_patch : NULL;
		objs[i].callbacks.pre_unpatch = cb->pre_unpatch ? *cb->pre_unpatch : NULL;
		objs[i].callbacks.post_unpatch = cb->post_unpatch ? *cb->post_unpatch : NULL;
	}

	klp_build_patch = kzalloc(sizeof(*klp_build_patch), GFP_KERNEL);
	if (!klp_build_patch)
		goto err;
	klp_build_patch->mod = THIS_MODULE;
	klp_build_patch->objs = objs;
	/* klp-build makes cumulative patches unless told otherwise. */
	klp_build_patch->replace = true;
	/* Upstream's TODO: patch->states.  klpsv needs none. */

	ret = klp_enable_patch(klp_build_patch);
	if (ret)
		goto err;
	return 0;

err:
	kfree(klp_build_patch);
	klp_build_patch = NULL;
	for (i = 0; i < klp_nr_objects; i++)
		kfree(objs[i].funcs);
	kfree(objs);
	return ret;
}

static void __exit klp_build_exit(void)
{
	struct klp_object *obj;

	for (obj = klp_build_patch->objs; obj->funcs; obj++)
		kfree(obj->funcs);
	kfree(klp_build_patch->objs);
	kfree(klp_build_patch);
}

module_init(klp_build_init);
module_exit(klp_build_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
