// SPDX-License-Identifier: GPL-2.0
/*
 * A hand-made object shaped like a generated-init klpsv livepatch module,
 * for what klpsv-compat finds that no kernel refuses (tests/compat/run.sh):
 * built by tests/compat/Makefile in six variants:
 *
 *	klpsv_fake	one family, no callbacks on its vmlinux object: the
 *			kernel loads it and nothing runs klpsv; offline,
 *			refused ("families but no klpsv callbacks wired")
 *	klpsv_fake_wired  the same with .callbacks = KLPSV_CALLBACKS: loads
 *	klpsv_fake_abi	a family struct 8 bytes larger than this klpsv's: a
 *			module of an incompatible klpsv (exit 2)
 *	klpsv_fake_modobj  KLPSV_CALLBACKS on a module object, not on the
 *			vmlinux one: the library's refusal
 *	klpsv_fake_hand	a hand-written init (klpsv_enable_patch()) whose
 *			struct klpsv_patch leaves a KLPSV_FAMILY() out: the
 *			library's refusal
 *	klpsv_fake_given  no KLPSV_FAMILY() mark: its own pre_patch
 *			callback gives its families to
 *			klpsv_pre_patch_families(): loads
 *
 * Only the data klpsv-compat reads is real: the struct kernel_param in
 * __param, the family, the struct klp_patch and its klp_objects, with the
 * kernel's x86_64 layouts; no code of it ever runs.
 */
#include <klpsv.h>

#define FAKE_OBJ_SIZE	128

struct fake_kernel_param {
	const char *name;
	void *mod;
	const void *ops;
	unsigned short perm;
	signed char level;
	unsigned char flags;
	void *arg;
};

struct fake_klp_object {
	const char *name;
	void *funcs;
	void *callbacks[4];
	char internal[FAKE_OBJ_SIZE - 48];
};

struct fake_klp_patch {
	void *mod;
	struct fake_klp_object *objs;
	void *states;
	bool replace;
	char internal[200];
};

/* The library's symbols klpsv-compat looks for. */
const struct kernel_param_ops klpsv_family_param_ops;
int klpsv_pre_patch(struct klp_object *obj) { return 0; }
void klpsv_post_patch(struct klp_object *obj) { }
void klpsv_post_unpatch(struct klp_object *obj) { }
noinline int klpsv_enable_patch(struct klpsv_patch *kp) { return 0; }
noinline int klpsv_pre_patch_families(struct klp_object *obj,
				      struct klpsv_family **families)
{
	return 0;
}

struct module __this_module __section(".gnu.linkonce.this_module");
static const char modinfo[] __section(".modinfo") __used =
	"license=GPL\0name=" FAKE_NAME "\0vermagic=6.1.0 SMP mod_unload modversions ";

struct fake_stats {
	u32 touches;
};

static const struct klpsv_field fake_fields[] = {
	{ "touches", 0, 4 },
};

#ifdef FAKE_ABI
static struct {
	struct klpsv_family f;
	unsigned long newer_member;
} fake_family = { .f = {
#else
static struct klpsv_family fake_family = {
#endif
	.name = "stats",
	.id = KLPSV_ID(1, 1),
	.version = KLPSV_V(1),
	.layout = { .size = sizeof(struct fake_stats), .nr_fields = 1,
		    .fields = fake_fields },
	.type_size = sizeof(struct fake_stats),
#ifdef FAKE_ABI
} };
#else
};
#endif

#ifndef FAKE_GIVEN
static struct fake_kernel_param fake_param
	__section("__param") __used __aligned(8) = {
	.name = "klpsv_family_fake",
	.mod = &__this_module,
	.ops = &klpsv_family_param_ops,
	.arg = &fake_family,
};
#else
static struct klpsv_family *fake_given[] = { (void *)&fake_family, NULL };

static int fake_pre_patch(struct klp_object *obj)
{
	return klpsv_pre_patch_families(obj, fake_given);
}
#endif

#define FAKE_CALLBACKS \
	{ klpsv_pre_patch, klpsv_post_patch, NULL, klpsv_post_unpatch }

static char fake_funcs[64];
static struct fake_klp_object fake_objs[] = {
	{
		.funcs = fake_funcs,
#if defined(FAKE_WIRED) || defined(FAKE_HAND)
		.callbacks = FAKE_CALLBACKS,
#elif defined(FAKE_GIVEN)
		.callbacks = { fake_pre_patch, klpsv_post_patch, NULL,
			       klpsv_post_unpatch },
#endif
	},
#ifdef FAKE_MODOBJ
	{
		.name = "fake_victim",
		.funcs = fake_funcs,
		.callbacks = FAKE_CALLBACKS,
	},
#endif
	{ }
};

struct fake_klp_patch fake_patch = {
	.mod = &__this_module,
	.objs = fake_objs,
	.replace = true,
};

#ifdef FAKE_HAND
/* A second family, declared but left out of the patch's families. */
static struct klpsv_family fake_tag_family = {
	.name = "tag",
	.id = KLPSV_ID(1, 2),
	.version = KLPSV_V(1),
	.layout = { .size = sizeof(struct fake_stats), .nr_fields = 1,
		    .fields = fake_fields },
	.type_size = sizeof(struct fake_stats),
};

static struct fake_kernel_param fake_tag_param
	__section("__param") __used __aligned(8) = {
	.name = "klpsv_family_fake_tag",
	.mod = &__this_module,
	.ops = &klpsv_family_param_ops,
	.arg = &fake_tag_family,
};

static struct klpsv_family *fake_families[] = { &fake_family, NULL };
static struct {
	void *patch;
	struct klpsv_family **families;
	char private[sizeof(struct klpsv_patch) - 16];
} fake_kpatch = {
	.patch = &fake_patch,
	.families = fake_families,
};

static __used int fake_init(void)
{
	return klpsv_enable_patch((struct klpsv_patch *)&fake_kpatch);
}
#endif
