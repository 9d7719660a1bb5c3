/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What klpsv-compat reads from a livepatch module (.ko): its name, its
 * families (the __param entries KLPSV_FAMILY() emits), its struct
 * klp_patch and klp_objects as far as klpsv's checks look at them, and,
 * for a hand-written module, its struct klpsv_patch.
 */
#ifndef _KLPSV_COMPAT_KMOD_H
#define _KLPSV_COMPAT_KMOD_H

#include "kelf.h"

struct klpsv_family;

#define KMOD_MAX_FAMILIES	256
#define KMOD_MAX_OBJS		64
#define KMOD_MAX_STATES		64

/* Which of klpsv's callbacks a klp_object carries. */
struct kmod_obj {
	const char *name;		/* NULL: vmlinux */
	bool pre_patch, post_patch, pre_unpatch, post_unpatch;
	/* ... and whether those are klpsv's own */
	bool klpsv_pre_patch, klpsv_post_patch, klpsv_post_unpatch;
};

struct kmod_state {
	unsigned long id;
	unsigned int version;
};

struct kmod {
	struct kelf elf;
	const char *path;
	const char *name;		/* .modinfo name= */
	const char *vermagic;
	/* every family, in __param order */
	struct klpsv_family *families[KMOD_MAX_FAMILIES + 1];
	unsigned int nr_families;
	/*
	 * a hand-written module (its init calls klpsv_enable_patch()): its
	 * struct klpsv_patch's families
	 */
	bool hand_written;
	struct klpsv_family **kp_families;
	/*
	 * a generated one whose own pre_patch callback calls
	 * klpsv_pre_patch_families(): the families it gives
	 */
	struct klpsv_family **given_families;
	/* its static struct klp_patch, when it has one */
	bool has_patch;
	bool replace;
	struct kmod_obj objs[KMOD_MAX_OBJS];
	unsigned int nr_objs;
	struct kmod_state states[KMOD_MAX_STATES];
	unsigned int nr_states;
	/*
	 * some code or data of the module refers to klpsv_pre_patch() or
	 * klpsv_pre_patch_families()
	 */
	bool wired;
	/* the library is in the module (klpsv_pre_patch() is defined) */
	bool has_klpsv;
};

/*
 * Read the module at @path.  Returns 0, or 2 (bad input, incompatible
 * klpsv) after writing why into @err.
 */
int kmod_read(struct kmod *m, const char *path, char *err, size_t errlen);
void kmod_free(struct kmod *m);

/* Names of the library's functions (generated from lib/ at build time). */
extern const char *const compat_lib_funcs[];

#endif /* _KLPSV_COMPAT_KMOD_H */
