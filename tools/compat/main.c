// SPDX-License-Identifier: GPL-2.0
/*
 * klpsv-compat OLD.ko NEW.ko [NEWER.ko ...]
 *
 * Would each livepatch module load as the cumulative replacement of the
 * one before it (the first on a kernel with no klpsv data)?  Each module
 * is loaded, in userspace, as the kernel would load it: its families and
 * patch read from the .ko (kmod.c), its init run by the library's own
 * code (lib/, the same sources the module was built from) on the
 * livepatch model of tests/shared, so the verdict and its message are
 * those the kernel would log.  A module that loads takes the data over
 * as it would on the kernel (one instance-free takeover), and the next
 * module is checked against what it leaves.  No code of the modules ever
 * runs: their callbacks are klpsv's, wired as the module wires them.
 *
 * Exit: 0 every module would load, 1 one would be refused, 2 bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/string.h>
#include <klpsv.h>
#include <klpsv_shim.h>
#include <klp_model.h>

#include "kmod.h"

struct loaded {
	struct kmod km;
	struct module mod;
	struct klp_func no_funcs[1];
	struct klp_object objs[KMOD_MAX_OBJS + 1];
	struct klp_patch patch;
	struct klpsv_patch kp;
	struct klp_state states[KMOD_MAX_STATES + 1];
	struct klp_state kept[KMOD_MAX_STATES + KMOD_MAX_FAMILIES + 1];
	/* the module's parameter table: its KLPSV_FAMILY() marks */
	struct kernel_param params[KMOD_MAX_FAMILIES];
};

static bool verbose;

/* A callback of the module's own that does not call klpsv: it succeeds. */
static int other_pre(struct klp_object *obj)
{
	return 0;
}

static void other_cb(struct klp_object *obj)
{
}

/*
 * The module's own pre_patch callback that gives its families to
 * klpsv_pre_patch_families(): of the module being loaded.
 */
static struct klpsv_family **given_now;

static int given_pre_patch(struct klp_object *obj)
{
	return klpsv_pre_patch_families(obj, given_now);
}

/* The module as the kernel sees it once loaded, before its init runs. */
static void build(struct loaded *l)
{
	struct kmod *km = &l->km;
	unsigned int i;

	strscpy(l->mod.name, km->name, sizeof(l->mod.name));
	l->mod.klp = true;
	/* as the module loader keeps it, with this klpsv's marks */
	for (i = 0; i < km->nr_families; i++)
		memcpy(&l->params[i], &(struct kernel_param){
			.name = km->families[i]->name, .mod = &l->mod,
			.ops = &klpsv_family_param_ops, .arg = km->families[i],
		}, sizeof(l->params[i]));
	l->mod.kp = l->params;
	l->mod.num_kp = km->nr_families;
	l->patch.mod = &l->mod;
	l->patch.objs = l->objs;
	for (i = 0; i < km->nr_objs; i++) {
		const struct kmod_obj *o = &km->objs[i];
		struct klp_callbacks *cb = &l->objs[i].callbacks;

		l->objs[i].name = o->name;
		l->objs[i].funcs = l->no_funcs;
		/* an author's callback that calls klpsv's counts as klpsv's */
		if (o->pre_patch && km->given_families && !o->klpsv_pre_patch)
			cb->pre_patch = given_pre_patch;
		else if (o->pre_patch)
			cb->pre_patch = o->klpsv_pre_patch || km->wired ?
					klpsv_pre_patch : other_pre;
		if (o->post_patch)
			cb->post_patch = o->klpsv_post_patch || km->wired ?
					 klpsv_post_patch : other_cb;
		if (o->pre_unpatch)
			cb->pre_unpatch = other_cb;
		if (o->post_unpatch)
			cb->post_unpatch = o->klpsv_post_unpatch || km->wired ?
					   klpsv_post_unpatch : other_cb;
	}
	if (!km->has_patch) {
		/* no static klp_patch (one built at init): assume the usual */
		l->objs[0].funcs = l->no_funcs;
		if (km->wired)
			l->objs[0].callbacks = (struct klp_callbacks)KLPSV_CALLBACKS;
	}
	l->patch.replace = km->has_patch ? km->replace : true;
	for (i = 0; i < km->nr_states; i++) {
		l->states[i].id = km->states[i].id;
		l->states[i].version = km->states[i].version;
	}
	if (km->nr_states)
		l->patch.states = l->states;
	l->kp.patch = &l->patch;
	l->kp.families = km->hand_written ? km->kp_families : km->families;
}

/* The module's init: what it calls, klpsv_enable_patch() or klp_enable_patch(). */
static int module_init_run(struct loaded *l)
{
	if (l->km.hand_written)
		return klpsv_enable_patch(&l->kp);
	return klp_enable_patch(&l->patch);
}

/*
 * Another module's klpsv copy takes over from here: in the kernel every
 * module has its own, the installed patch keeping its klp_states.
 */
static void detach(struct loaded *l)
{
	unsigned int n = 0;

	if (l->patch.states) {
		while (l->patch.states[n].id && n < ARRAY_SIZE(l->kept) - 1) {
			l->kept[n] = l->patch.states[n];
			n++;
		}
	}
	klpsv_patch_exit(&l->kp);
	l->patch.states = n ? l->kept : NULL;
}

/* The kernel's log of the load: errors and warnings, or all with -v. */
static void print_log(void)
{
	unsigned int i;

	for (i = 0; i < shim_log_nr(); i++) {
		if (verbose || shim_log_level(i) <= 4)
			printf("%s\n", shim_log_line(i));
	}
	shim_log_clear();
}

static int help(void)
{
	fprintf(stderr, "usage: klpsv-compat [-v] OLD.ko NEW.ko [NEWER.ko ...]\n"
		"  Would each livepatch module load as the cumulative replacement of the\n"
		"  one before (the first on a kernel with no klpsv data)?  Prints the\n"
		"  kernel's verdict and message for each.  -v: klpsv's info lines too.\n"
		"  Exit: 0 all would load, 1 one would be refused, 2 bad input.\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct loaded *mods, *live = NULL;
	unsigned int n, i, refused = 0;
	char err[1024];
	int argi = 1;

	if (argi < argc && !strcmp(argv[argi], "-v")) {
		verbose = true;
		argi++;
	}
	if (argc - argi < 1)
		return help();
	n = argc - argi;
	mods = calloc(n, sizeof(*mods));
	if (!mods)
		return 2;
	for (i = 0; i < n; i++) {
		if (kmod_read(&mods[i].km, argv[argi + i], err, sizeof(err))) {
			fprintf(stderr, "klpsv-compat: %s\n", err);
			return 2;
		}
		build(&mods[i]);
	}
	shim_log_clear();

	for (i = 0; i < n; i++) {
		struct loaded *l = &mods[i];
		const char *name = l->km.name;
		int ret;

		given_now = l->km.given_families;
		ret = module_init_run(l);
		print_log();
		if (!ret && klpm_transition_patch())
			ret = klpm_transition_finish();
		print_log();
		if (!ret && !l->km.wired &&
		    (l->km.nr_families || l->km.given_families)) {
			/*
			 * The kernel loads it: nothing runs klpsv.  Offline, it
			 * is refused (the patch is taken back off the model).
			 */
			printf("klpsv-compat: %s: families but no klpsv callbacks wired: add .callbacks = KLPSV_CALLBACKS to the vmlinux klp_object\n",
			       name);
			klpm_disable(&l->patch);
			shim_log_clear();
			ret = -EINVAL;
		}
		if (ret) {
			printf("klpsv-compat: step %u/%u: %s (%s) REFUSED%s%s%s\n",
			       i + 1, n, name, l->km.path,
			       live ? ", " : "", live ? live->km.name : "",
			       live ? " stays live" : "");
			/* the module is gone, and its klpsv copy with it */
			klpsv_patch_exit(&l->kp);
			refused++;
			continue;
		}
		printf("klpsv-compat: step %u/%u: %s (%s) loads%s%s\n",
		       i + 1, n, name, l->km.path,
		       live ? ", replacing " : " on a kernel with no klpsv data",
		       live ? live->km.name : "");
		detach(l);
		live = l;
	}
	return refused ? 1 : 0;
}
