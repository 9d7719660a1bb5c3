// SPDX-License-Identifier: GPL-2.0
/*
 * The model's patch lifecycle must match kernel/livepatch/core.c and
 * transition.c: callback order on enable, disable, failure and reversal,
 * replace semantics, the klp_state compatibility check, and when
 * klp_get_prev_state() answers.  Log transcripts are compared line by
 * line, as tools/testing/selftests/livepatch does with dmesg.
 */
#include <stdarg.h>

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>

#include "klp_model.h"
#include "test.h"

#define STATE_ID 0x51UL

/* A livepatch module: up to two objects, one function each. */
struct tpatch {
	struct module mod;
	struct klp_func funcs[3][2];
	struct klp_object objs[3];
	struct klp_state states[4];
	struct klp_patch patch;
	int fail_pre_patch_obj;		/* 1-based object whose pre_patch fails */
	bool query_prev_state;		/* callbacks call klp_get_prev_state() */
};

static char events[4096];

static void event(const char *fmt, ...) __printf(1, 2);
static void event(const char *fmt, ...)
{
	size_t len = strlen(events);
	va_list ap;

	if (len)
		events[len++] = ' ';
	va_start(ap, fmt);
	vsnprintf(events + len, sizeof(events) - len, fmt, ap);
	va_end(ap);
}

static struct tpatch *all_tpatches[8];

static struct tpatch *tpatch_of(struct klp_object *obj)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(all_tpatches); i++) {
		struct tpatch *tp = all_tpatches[i];

		if (tp && obj >= tp->objs && obj < tp->objs + ARRAY_SIZE(tp->objs))
			return tp;
	}
	BUG();
}

static void record(struct klp_object *obj, const char *what)
{
	struct tpatch *tp = tpatch_of(obj);
	const char *objname = obj->name ? obj->name : "vmlinux";

	/* the selftests' transcript format */
	pr_info("%s: %s: %s\n", tp->mod.name, what, objname);
	if (obj == tp->objs)
		event("%s:%s", tp->mod.name, what);
	else
		event("%s:%s(%s)", tp->mod.name, what, objname);

	/* callbacks run in process context, under the livepatch mutex */
	EXPECT_FALSE(in_atomic());
	if (tp->query_prev_state) {
		struct klp_state *prev = klp_get_prev_state(STATE_ID);

		event("prev=%u", prev ? prev->version : 0);
	}
}

static int pre_patch(struct klp_object *obj)
{
	struct tpatch *tp = tpatch_of(obj);

	record(obj, "pre_patch_callback");
	if (tp->fail_pre_patch_obj && obj == &tp->objs[tp->fail_pre_patch_obj - 1])
		return -ENODEV;
	return 0;
}

static void post_patch(struct klp_object *obj)
{
	record(obj, "post_patch_callback");
}

static void pre_unpatch(struct klp_object *obj)
{
	record(obj, "pre_unpatch_callback");
}

static void post_unpatch(struct klp_object *obj)
{
	record(obj, "post_unpatch_callback");
}

static int new_func(void)
{
	return 0;
}

static const struct klp_callbacks callbacks = {
	.pre_patch = pre_patch,
	.post_patch = post_patch,
	.pre_unpatch = pre_unpatch,
	.post_unpatch = post_unpatch,
};

/*
 * A patch named name; replace or not; nr_objs objects (vmlinux, then
 * "mod_a"); states as "id:version" pairs ending with 0.
 */
static struct tpatch *tpatch_make(const char *name, bool replace, int nr_objs, ...)
{
	struct tpatch *tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	unsigned long id;
	unsigned int i;
	va_list ap;

	BUG_ON(!tp);
	strscpy(tp->mod.name, name, sizeof(tp->mod.name));
	for (i = 0; i < (unsigned int)nr_objs; i++) {
		tp->funcs[i][0].old_name = i ? "mod_a_func" : "cmdline_proc_show";
		tp->funcs[i][0].new_func = new_func;
		tp->objs[i].name = i ? "mod_a" : NULL;
		tp->objs[i].funcs = tp->funcs[i];
		tp->objs[i].callbacks = callbacks;
	}
	va_start(ap, nr_objs);
	for (i = 0; (id = va_arg(ap, unsigned long)); i++) {
		tp->states[i].id = id;
		tp->states[i].version = va_arg(ap, unsigned int);
	}
	va_end(ap);
	tp->patch.mod = &tp->mod;
	tp->patch.objs = tp->objs;
	tp->patch.states = tp->states;
	tp->patch.replace = replace;
	for (i = 0; i < ARRAY_SIZE(all_tpatches); i++) {
		if (!all_tpatches[i]) {
			all_tpatches[i] = tp;
			break;
		}
	}
	return tp;
}

/* "Unload the module": it must not be in use by the livepatch core. */
static void tpatch_unload(struct tpatch *tp)
{
	unsigned int i;

	EXPECT_FALSE(klpm_patch_installed(&tp->patch));
	EXPECT_EQ(module_refcount(&tp->mod), 0);
	for (i = 0; i < ARRAY_SIZE(all_tpatches); i++)
		if (all_tpatches[i] == tp)
			all_tpatches[i] = NULL;
	kfree(tp);
}

static void events_clear(void)
{
	events[0] = '\0';
}

/* The captured log, from line first on, must be exactly these lines. */
static void expect_transcript(unsigned int first, const char *const *lines)
{
	unsigned int i;

	for (i = 0; lines[i]; i++)
		EXPECT_STREQ(shim_log_line(first + i), lines[i]);
	EXPECT_EQ(shim_log_nr(), first + i);
}

TEST(patch_enable_and_disable)
{
	struct tpatch *p1 = tpatch_make("p1", false, 1, 0UL);
	static const char *const enable_log[] = {
		"livepatch: enabling patch 'p1'",
		"livepatch: 'p1': initializing patching transition",
		"p1: pre_patch_callback: vmlinux",
		"livepatch: 'p1': starting patching transition",
		"livepatch: 'p1': completing patching transition",
		"p1: post_patch_callback: vmlinux",
		"livepatch: 'p1': patching complete",
		NULL
	};
	static const char *const disable_log[] = {
		"livepatch: 'p1': initializing unpatching transition",
		"p1: pre_unpatch_callback: vmlinux",
		"livepatch: 'p1': starting unpatching transition",
		"livepatch: 'p1': completing unpatching transition",
		"p1: post_unpatch_callback: vmlinux",
		"livepatch: 'p1': unpatching complete",
		NULL
	};

	events_clear();
	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	EXPECT_STREQ(events, "p1:pre_patch_callback p1:post_patch_callback");
	expect_transcript(0, enable_log);
	EXPECT(p1->patch.enabled);
	EXPECT(klpm_patch_installed(&p1->patch));
	EXPECT_NULL(klpm_transition_patch());
	EXPECT_EQ(module_refcount(&p1->mod), 1);

	shim_log_clear();
	events_clear();
	ASSERT_EQ(klpm_disable(&p1->patch), 0);
	EXPECT_STREQ(events, "p1:pre_unpatch_callback p1:post_unpatch_callback");
	expect_transcript(0, disable_log);
	EXPECT_FALSE(p1->patch.enabled);
	tpatch_unload(p1);
}

TEST(patch_objects_in_order)
{
	struct tpatch *p1 = tpatch_make("p1", false, 2, 0UL);

	events_clear();
	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	ASSERT_EQ(klpm_disable(&p1->patch), 0);
	EXPECT_STREQ(events,
		     "p1:pre_patch_callback p1:pre_patch_callback(mod_a) "
		     "p1:post_patch_callback p1:post_patch_callback(mod_a) "
		     "p1:pre_unpatch_callback p1:pre_unpatch_callback(mod_a) "
		     "p1:post_unpatch_callback p1:post_unpatch_callback(mod_a)");
	tpatch_unload(p1);
}

TEST(patch_pre_patch_failure_unwinds)
{
	struct tpatch *p1 = tpatch_make("p1", false, 2, 0UL);
	static const char *const log[] = {
		"livepatch: enabling patch 'p1'",
		"livepatch: 'p1': initializing patching transition",
		"p1: pre_patch_callback: vmlinux",
		"p1: pre_patch_callback: mod_a",
		"livepatch: pre-patch callback failed for object 'mod_a'",
		"livepatch: failed to enable patch 'p1'",
		"livepatch: 'p1': canceling patching transition, going to unpatch",
		"livepatch: 'p1': completing unpatching transition",
		"p1: post_unpatch_callback: vmlinux",
		"livepatch: 'p1': unpatching complete",
		NULL
	};

	p1->fail_pre_patch_obj = 2;
	events_clear();
	EXPECT_EQ(klp_enable_patch(&p1->patch), -ENODEV);
	/* post_unpatch only where pre_patch succeeded */
	EXPECT_STREQ(events,
		     "p1:pre_patch_callback p1:pre_patch_callback(mod_a) "
		     "p1:post_unpatch_callback");
	expect_transcript(0, log);
	EXPECT_FALSE(p1->patch.enabled);
	EXPECT_NULL(klpm_transition_patch());
	tpatch_unload(p1);
}

TEST(patch_replace_runs_only_the_new_callbacks)
{
	struct tpatch *p1 = tpatch_make("p1", true, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", true, 1, 0UL);

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	EXPECT_EQ(module_refcount(&p1->mod), 1);
	events_clear();
	ASSERT_EQ(klp_enable_patch(&p2->patch), 0);
	EXPECT_STREQ(events, "p2:pre_patch_callback p2:post_patch_callback");
	/* the replaced patch is gone, its module free to unload */
	EXPECT_FALSE(p1->patch.enabled);
	EXPECT_FALSE(klpm_patch_installed(&p1->patch));
	EXPECT_EQ(klpm_nr_patches(), 1);
	tpatch_unload(p1);

	events_clear();
	ASSERT_EQ(klpm_disable(&p2->patch), 0);
	EXPECT_STREQ(events, "p2:pre_unpatch_callback p2:post_unpatch_callback");
	tpatch_unload(p2);
}

static struct tpatch *seen_old;
static bool seen_old_enabled, seen_old_installed;

static void post_patch_looks_at_old(struct klp_object *obj)
{
	seen_old_enabled = seen_old->patch.enabled;
	seen_old_installed = klpm_patch_installed(&seen_old->patch);
	EXPECT(klpm_transition_patch() == &tpatch_of(obj)->patch);
	EXPECT_EQ(klpm_transition_target(), KLPM_PATCHED);
}

TEST(patch_replaced_patch_is_off_before_post_patch)
{
	struct tpatch *p1 = tpatch_make("p1", true, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", true, 1, 0UL);

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	p2->objs[0].callbacks.post_patch = post_patch_looks_at_old;
	seen_old = p1;
	seen_old_enabled = true;
	ASSERT_EQ(klp_enable_patch(&p2->patch), 0);
	/* disabled, but still listed until the transition is over */
	EXPECT_FALSE(seen_old_enabled);
	EXPECT(seen_old_installed);
	ASSERT_EQ(klpm_disable(&p2->patch), 0);
	tpatch_unload(p1);
	tpatch_unload(p2);
}

TEST(patch_non_replace_patches_stack)
{
	struct tpatch *p1 = tpatch_make("p1", false, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", false, 1, 0UL);

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	events_clear();
	ASSERT_EQ(klp_enable_patch(&p2->patch), 0);
	EXPECT_EQ(klpm_nr_patches(), 2);
	EXPECT(p1->patch.enabled);
	ASSERT_EQ(klpm_disable(&p1->patch), 0);	/* any of them */
	EXPECT(klpm_patch_installed(&p2->patch));
	ASSERT_EQ(klpm_disable(&p2->patch), 0);
	EXPECT_STREQ(events, "p2:pre_patch_callback p2:post_patch_callback "
		     "p1:pre_unpatch_callback p1:post_unpatch_callback "
		     "p2:pre_unpatch_callback p2:post_unpatch_callback");
	tpatch_unload(p1);
	tpatch_unload(p2);
}

TEST(patch_reverted_enable)
{
	struct tpatch *p1 = tpatch_make("p1", true, 1, STATE_ID, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", true, 1, STATE_ID, 2, 0UL);
	static const char *const log[] = {
		"livepatch: enabling patch 'p2'",
		"livepatch: 'p2': initializing patching transition",
		"p2: pre_patch_callback: vmlinux",
		"livepatch: 'p2': starting patching transition",
		"livepatch: 'p2': reversing transition from patching to unpatching",
		"livepatch: 'p2': starting unpatching transition",
		"livepatch: 'p2': completing unpatching transition",
		"p2: post_unpatch_callback: vmlinux",
		"livepatch: 'p2': unpatching complete",
		NULL
	};

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	shim_log_clear();
	events_clear();
	p2->query_prev_state = true;
	ASSERT_EQ(klpm_enable_begin(&p2->patch), 0);
	/* old and new code run: both patches are there */
	EXPECT(klpm_transition_patch() == &p2->patch);
	EXPECT_EQ(klpm_transition_target(), KLPM_PATCHED);
	EXPECT(p2->patch.enabled);
	EXPECT(p1->patch.enabled);
	EXPECT_EQ(klpm_nr_patches(), 2);

	ASSERT_EQ(klpm_transition_revert(), 0);
	EXPECT_FALSE(p2->patch.enabled);
	EXPECT_EQ(klpm_transition_target(), KLPM_UNPATCHED);
	ASSERT_EQ(klpm_transition_finish(), 0);

	/* no pre_unpatch, no post_patch; post_unpatch sees the old state */
	EXPECT_STREQ(events, "p2:pre_patch_callback prev=1 "
		     "p2:post_unpatch_callback prev=1");
	expect_transcript(0, log);
	EXPECT(p1->patch.enabled);
	EXPECT(klpm_patch_installed(&p1->patch));
	EXPECT_FALSE(klpm_patch_installed(&p2->patch));
	tpatch_unload(p2);

	events_clear();
	ASSERT_EQ(klpm_disable(&p1->patch), 0);
	EXPECT_STREQ(events, "p1:pre_unpatch_callback p1:post_unpatch_callback");
	tpatch_unload(p1);
}

TEST(patch_reverted_disable)
{
	struct tpatch *p1 = tpatch_make("p1", true, 1, 0UL);

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	events_clear();
	ASSERT_EQ(klpm_disable_begin(&p1->patch), 0);
	EXPECT_FALSE(p1->patch.enabled);
	EXPECT_EQ(klpm_transition_target(), KLPM_UNPATCHED);
	ASSERT_EQ(klpm_set_enabled(&p1->patch, true), 0);	/* reverse */
	ASSERT_EQ(klpm_transition_finish(), 0);
	EXPECT(p1->patch.enabled);
	EXPECT(klpm_patch_installed(&p1->patch));
	/* a reversed disable ends with post_patch, run a second time */
	EXPECT_STREQ(events, "p1:pre_unpatch_callback p1:post_patch_callback");
	EXPECT_LOG("'p1': reversing transition from unpatching to patching");

	events_clear();
	ASSERT_EQ(klpm_disable(&p1->patch), 0);
	EXPECT_STREQ(events, "p1:pre_unpatch_callback p1:post_unpatch_callback");
	tpatch_unload(p1);
}

TEST(patch_reverted_twice)
{
	struct tpatch *p1 = tpatch_make("p1", true, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", true, 1, 0UL);

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	events_clear();
	ASSERT_EQ(klpm_enable_begin(&p2->patch), 0);
	ASSERT_EQ(klpm_transition_revert(), 0);
	ASSERT_EQ(klpm_transition_revert(), 0);
	ASSERT_EQ(klpm_transition_finish(), 0);
	EXPECT_STREQ(events, "p2:pre_patch_callback p2:post_patch_callback");
	EXPECT(p2->patch.enabled);
	EXPECT_FALSE(klpm_patch_installed(&p1->patch));
	ASSERT_EQ(klpm_disable(&p2->patch), 0);
	tpatch_unload(p1);
	tpatch_unload(p2);
}

TEST(patch_prev_state_only_during_a_transition)
{
	struct tpatch *p1 = tpatch_make("p1", true, 1, STATE_ID, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", true, 1, STATE_ID, 2, 0UL);

	/* outside any transition: a warning (once) and NULL */
	EXPECT_NULL(klp_get_prev_state(STATE_ID));
	EXPECT_NULL(klp_get_prev_state(STATE_ID));
	EXPECT_WARNINGS(1);

	p1->query_prev_state = true;
	p2->query_prev_state = true;
	events_clear();
	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	ASSERT_EQ(klp_enable_patch(&p2->patch), 0);
	EXPECT_NULL(klp_get_prev_state(STATE_ID));
	EXPECT_WARNINGS(0);	/* still once per test */
	ASSERT_EQ(klpm_disable(&p2->patch), 0);
	/* during p2's enable, p1's state; during its disable, none */
	EXPECT_STREQ(events,
		     "p1:pre_patch_callback prev=0 p1:post_patch_callback prev=0 "
		     "p2:pre_patch_callback prev=1 p2:post_patch_callback prev=1 "
		     "p2:pre_unpatch_callback prev=0 p2:post_unpatch_callback prev=0");
	EXPECT_EQ(klp_get_state(&p2->patch, STATE_ID)->version, 2);
	EXPECT_NULL(klp_get_state(&p2->patch, STATE_ID + 1));
	tpatch_unload(p1);
	tpatch_unload(p2);
}

TEST(patch_prev_state_is_the_newest_of_stacked_patches)
{
	struct tpatch *p1 = tpatch_make("p1", false, 1, STATE_ID, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", false, 1, STATE_ID, 3, 0UL);
	struct tpatch *p3 = tpatch_make("p3", true, 1, STATE_ID, 3, 0UL);

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	ASSERT_EQ(klp_enable_patch(&p2->patch), 0);
	p3->query_prev_state = true;
	events_clear();
	ASSERT_EQ(klp_enable_patch(&p3->patch), 0);
	EXPECT_STREQ(events, "p3:pre_patch_callback prev=3 p3:post_patch_callback prev=3");
	EXPECT_EQ(klpm_nr_patches(), 1);
	ASSERT_EQ(klpm_disable(&p3->patch), 0);
	tpatch_unload(p1);
	tpatch_unload(p2);
	tpatch_unload(p3);
}

TEST(patch_state_downgrade_is_refused)
{
	struct tpatch *p2 = tpatch_make("p2", true, 1, STATE_ID, 2, 0UL);
	struct tpatch *p1 = tpatch_make("p1", true, 1, STATE_ID, 1, 0UL);
	struct tpatch *same = tpatch_make("same", true, 1, STATE_ID, 2, 0UL);

	ASSERT_EQ(klp_enable_patch(&p2->patch), 0);
	events_clear();
	shim_log_clear();
	EXPECT_EQ(klp_enable_patch(&p1->patch), -EINVAL);
	EXPECT_STREQ(shim_log_line(0),
		     "livepatch: Livepatch patch (p1) is not compatible with the already installed livepatches.");
	EXPECT_EQ(shim_log_nr(), 1);
	EXPECT_STREQ(events, "");
	EXPECT(p2->patch.enabled);
	EXPECT(klpm_patch_installed(&p2->patch));
	tpatch_unload(p1);

	/* the same version is fine */
	ASSERT_EQ(klp_enable_patch(&same->patch), 0);
	ASSERT_EQ(klpm_disable(&same->patch), 0);
	tpatch_unload(p2);
	tpatch_unload(same);
}

TEST(patch_replace_must_carry_every_state)
{
	struct tpatch *p1 = tpatch_make("p1", true, 1, STATE_ID, 1, STATE_ID + 1, 1, 0UL);
	struct tpatch *lacks = tpatch_make("lacks", true, 1, STATE_ID, 1, 0UL);
	struct tpatch *addon = tpatch_make("addon", false, 1, 0UL);

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	EXPECT_EQ(klp_enable_patch(&lacks->patch), -EINVAL);
	EXPECT_LOG("Livepatch patch (lacks) is not compatible");
	/* a non-replace patch may leave states alone */
	ASSERT_EQ(klp_enable_patch(&addon->patch), 0);
	ASSERT_EQ(klpm_disable(&addon->patch), 0);
	ASSERT_EQ(klpm_disable(&p1->patch), 0);
	/* with nothing installed there is nothing to be compatible with */
	ASSERT_EQ(klp_enable_patch(&lacks->patch), 0);
	ASSERT_EQ(klpm_disable(&lacks->patch), 0);
	tpatch_unload(p1);
	tpatch_unload(lacks);
	tpatch_unload(addon);
}

TEST(patch_enable_during_a_transition_is_busy)
{
	struct tpatch *p1 = tpatch_make("p1", true, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", true, 1, 0UL);

	ASSERT_EQ(klpm_enable_begin(&p1->patch), 0);
	events_clear();
	EXPECT_EQ(klp_enable_patch(&p2->patch), -EBUSY);
	EXPECT_STREQ(events, "");
	EXPECT_FALSE(klpm_patch_installed(&p2->patch));
	EXPECT_EQ(module_refcount(&p2->mod), 0);
	EXPECT_EQ(klpm_disable_begin(&p1->patch), -EBUSY);
	ASSERT_EQ(klpm_transition_finish(), 0);
	/* nothing left to finish */
	EXPECT_EQ(klpm_transition_finish(), -EINVAL);
	EXPECT_WARNINGS(1);
	ASSERT_EQ(klpm_disable(&p1->patch), 0);
	tpatch_unload(p1);
	tpatch_unload(p2);
}

TEST(patch_sysfs_enabled_rules)
{
	struct tpatch *p1 = tpatch_make("p1", false, 1, 0UL);
	struct tpatch *p2 = tpatch_make("p2", false, 1, 0UL);

	EXPECT_EQ(klpm_set_enabled(&p1->patch, false), -ENOENT);
	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	EXPECT_EQ(klpm_set_enabled(&p1->patch, true), -EINVAL);
	ASSERT_EQ(klpm_enable_begin(&p2->patch), 0);
	EXPECT_EQ(klpm_set_enabled(&p1->patch, false), -EBUSY);
	EXPECT_EQ(klpm_transition_finish(), 0);
	ASSERT_EQ(klpm_disable(&p1->patch), 0);
	ASSERT_EQ(klpm_disable(&p2->patch), 0);
	/* once disabled, gone: it cannot come back */
	EXPECT_EQ(klpm_set_enabled(&p2->patch, true), -ENOENT);
	tpatch_unload(p1);
	tpatch_unload(p2);
}

TEST(patch_invalid_patches_are_refused)
{
	struct tpatch *p = tpatch_make("p", false, 1, 0UL);
	struct klp_func nameless[] = { { .new_func = new_func, .old_sympos = 1 }, { } };
	struct klp_object funcless[] = { { .name = "mod_a" }, { } };

	EXPECT_EQ(klp_enable_patch(NULL), -EINVAL);
	p->patch.objs = NULL;
	EXPECT_EQ(klp_enable_patch(&p->patch), -EINVAL);
	p->patch.objs = funcless;
	EXPECT_EQ(klp_enable_patch(&p->patch), -EINVAL);
	p->patch.objs = p->objs;
	p->objs[0].funcs = nameless;
	EXPECT_EQ(klp_enable_patch(&p->patch), -EINVAL);
	EXPECT_EQ(klpm_nr_patches(), 0);
	tpatch_unload(p);
}

TEST(patch_enabling_twice_is_a_model_error)
{
	struct tpatch *p1 = tpatch_make("p1", false, 1, 0UL);

	ASSERT_EQ(klp_enable_patch(&p1->patch), 0);
	EXPECT_EQ(klp_enable_patch(&p1->patch), -EINVAL);
	EXPECT_WARNINGS(1);
	EXPECT_EQ(module_refcount(&p1->mod), 1);
	ASSERT_EQ(klpm_disable(&p1->patch), 0);
	tpatch_unload(p1);
}

TEST(patch_header_follows_the_kernel_version)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	EXPECT_EQ(KLP_TRANSITION_IDLE, KLPM_IDLE);
	EXPECT_EQ(KLP_TRANSITION_UNPATCHED, KLPM_UNPATCHED);
	EXPECT_EQ(KLP_TRANSITION_PATCHED, KLPM_PATCHED);
#else
	EXPECT_EQ(KLP_UNDEFINED, KLPM_IDLE);
	EXPECT_EQ(KLP_UNPATCHED, KLPM_UNPATCHED);
	EXPECT_EQ(KLP_PATCHED, KLPM_PATCHED);
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
	{
		klp_pre_patch_t fn = pre_patch;

		EXPECT(fn == callbacks.pre_patch);
		EXPECT_STREQ(KLP_PRE_PATCH_PREFIX, "__klp_pre_patch_callback_");
	}
#endif
	EXPECT_EQ(sizeof(((struct klp_state *)0)->id), sizeof(unsigned long));
	EXPECT_EQ(sizeof(((struct klp_state *)0)->version), sizeof(unsigned int));
}
