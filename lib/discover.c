// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a module's families and its klp_patch without a struct
 * klpsv_patch: how a patch whose init klpsv does not write (klp-build,
 * kpatch-build) still gets every check.
 *
 * KLPSV_FAMILY() marks each family with a hidden module parameter (perm
 * 0: no sysfs file, no modinfo line) whose ops are klpsv_family_param_ops.
 * The module loader keeps every module's parameter table, whatever the
 * build flow or link order, so the library finds its module's families
 * there; klpsv-compat finds them the same way in a .ko.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/moduleparam.h>

#include "internal.h"

/* Nobody sets a family: it is a marker, not a parameter. */
static int family_param_set(const char *val, const struct kernel_param *kp)
{
	pr_err("'%s' is not a parameter: it marks a klpsv family\n", kp->name);
	return -EINVAL;
}

const struct kernel_param_ops klpsv_family_param_ops = {
	.set = family_param_set,
};

/*
 * The module's next family, from its parameter @*pos on, or NULL: only
 * this copy's marks, as another klpsv copy's ops differ.
 */
static struct klpsv_family *next_family(const struct module *mod,
					unsigned int *pos)
{
	unsigned int n;
	const struct kernel_param *params = klpsv_compat_module_params(mod, &n);

	while (*pos < n) {
		const struct kernel_param *param = &params[(*pos)++];

		if (param->ops == &klpsv_family_param_ops)
			return param->arg;
	}
	return NULL;
}

static bool listed(const struct klpsv_patch *kp, const struct klpsv_family *f)
{
	struct klpsv_family *g;
	unsigned int i;

	for_each_family(kp, g, i) {
		if (g == f)
			return true;
	}
	return false;
}

/**
 * klpsv_check_declared() - is every family of the module in the patch?
 * @kp: the patch
 * @where: where its families are listed, for the message
 *
 * A family declared with KLPSV_FAMILY() but left out of @kp->families
 * would never be taken over: its accessors would return NULL.
 *
 * Return: 0, or -EINVAL after logging which family.
 */
int klpsv_check_declared(struct klpsv_patch *kp, const char *where)
{
	struct klpsv_family *f;
	unsigned int pos = 0;

	while ((f = next_family(kp->patch->mod, &pos))) {
		if (!listed(kp, f))
			return klpsv_refuse(NULL, NULL, "%s: family '%s' is declared with KLPSV_FAMILY() but not in the patch's families: add it to %s",
					    klpsv_patch_name(kp), f->name, where);
	}
	return 0;
}

/* The patch's vmlinux object, or NULL. */
static struct klp_object *vmlinux_object(struct klp_patch *patch)
{
	struct klp_object *obj;

	klp_for_each_object_static(patch, obj) {
		if (!obj->name)
			return obj;
	}
	return NULL;
}

/**
 * klpsv_check_wiring() - are klpsv's callbacks on the vmlinux object?
 * @kp: the patch
 * @obj: the object whose callback runs, or NULL at module init
 *
 * klpsv hands data over once per patch, from the callbacks of the
 * vmlinux object: it is patched whenever the patch is, while a module
 * object's callbacks run only when that module is loaded.  Callbacks of
 * the author's own must call klpsv's; that cannot be checked here.
 *
 * Return: 0, or -EINVAL after logging what to add.
 */
int klpsv_check_wiring(struct klpsv_patch *kp, struct klp_object *obj)
{
	struct klp_object *vmlinux = vmlinux_object(kp->patch);
	const char *p = klpsv_patch_name(kp);

	if (!vmlinux && obj && obj->name)
		return klpsv_refuse(NULL, NULL, "%s: klpsv's callbacks are on object '%s' but the patch has no vmlinux object: add one (.name = NULL, .funcs = an empty array) with .callbacks = KLPSV_CALLBACKS",
				    p, obj->name);
	if (!vmlinux)
		return klpsv_refuse(NULL, NULL, "%s: the patch has no vmlinux klp_object: add one (.name = NULL, .funcs = an empty array) with .callbacks = KLPSV_CALLBACKS",
				    p);
	if (vmlinux->callbacks.pre_patch && vmlinux->callbacks.post_patch &&
	    vmlinux->callbacks.post_unpatch)
		return 0;
	if (obj && obj->name)
		return klpsv_refuse(NULL, NULL, "%s: klpsv's callbacks are on object '%s' but not on the vmlinux object: put .callbacks = KLPSV_CALLBACKS on the vmlinux object",
				    p, obj->name);
	return klpsv_refuse(NULL, NULL, "%s: the vmlinux klp_object lacks klpsv's callbacks: add .callbacks = KLPSV_CALLBACKS to it",
			    p);
}

/* The patch a module's klpsv copy builds when its init did not. */
static struct klpsv_family *found[KLPSV_MAX_FAMILIES + 1];
static struct klpsv_patch generated = { .families = found };

/**
 * klpsv_generated_patch() - the klpsv patch of a module whose init
 *	called klp_enable_patch() itself
 * @obj: the object whose pre_patch callback runs
 * @families: the patch's families, NULL-terminated, or NULL for those
 *	found in the module
 *
 * Context: pre_patch callback, klp_mutex held.
 * Return: the patch, or an ERR_PTR() after logging why there is none.
 */
struct klpsv_patch *klpsv_generated_patch(struct klp_object *obj,
					  struct klpsv_family **families)
{
	struct klp_patch *patch = klpsv_compat_object_patch(obj);
	struct klpsv_family *f;
	unsigned int pos = 0, nr = 0, i;
	int err;

	generated = (struct klpsv_patch){ .patch = patch, .families = found };
	if (families) {
		generated.families = families;
		err = klpsv_check_declared(&generated, "the families given to klpsv_pre_patch_families()");
		if (err)
			return ERR_PTR(err);
		for_each_family(&generated, f, nr)
			;
		pr_info("%s: no klpsv_enable_patch(): %u families given to %s()\n",
			klpsv_patch_name(&generated), nr, "klpsv_pre_patch_families");
		return &generated;
	}
	while ((f = next_family(patch->mod, &pos))) {
		if (nr == KLPSV_MAX_FAMILIES) {
			pr_err("%s: more than %d families in one module\n",
			       klpsv_patch_name(&generated), KLPSV_MAX_FAMILIES);
			return ERR_PTR(-EINVAL);
		}
		/* by id: the order of the marks is the compiler's */
		for (i = nr++; i && found[i - 1]->id > f->id; i--)
			found[i] = found[i - 1];
		found[i] = f;
	}
	found[nr] = NULL;
	if (!nr) {
		pr_err("%s: klpsv's callbacks run but the module declares no family: declare them with KLPSV_FAMILY(), or enable the patch with klpsv_enable_patch()\n",
		       klpsv_patch_name(&generated));
		return ERR_PTR(-EINVAL);
	}
	pr_info("%s: no klpsv_enable_patch(): %u families found in the module\n",
		klpsv_patch_name(&generated), nr);
	return &generated;
}
