/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place where klpsv touches kernel livepatch interfaces that move
 * between releases: klp_shadow_*, klp_enable_patch() and the klp_patch,
 * klp_state and klp_callbacks structures.  A kernel that changes them (6.19
 * moved struct klp_callbacks to livepatch_external.h; a proposed series
 * replaces klp_state.version/data with per-state callbacks) costs a change
 * here, not in the library.  Inline, so a lookup costs what the raw
 * klp_shadow_get() costs.
 */
#ifndef _KLPSV_COMPAT_H
#define _KLPSV_COMPAT_H

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/types.h>

/**
 * klpsv_compat_shadow_get() - klp_shadow_get()
 * @obj: the object
 * @id: shadow id
 *
 * Return: the shadow data, or NULL.
 */
static __always_inline void *klpsv_compat_shadow_get(void *obj, unsigned long id)
{
	return klp_shadow_get(obj, id);
}

/**
 * klpsv_compat_shadow_get_or_alloc() - klp_shadow_get_or_alloc()
 * @obj: the object
 * @id: shadow id
 * @size: bytes of shadow data
 * @gfp: allocation flags
 * @ctor: constructor, run under klp_shadow's lock
 * @ctor_data: passed to @ctor
 *
 * Return: the existing or new shadow data, or NULL.
 */
static inline void *klpsv_compat_shadow_get_or_alloc(void *obj,
		unsigned long id, size_t size, gfp_t gfp,
		klp_shadow_ctor_t ctor, void *ctor_data)
{
	return klp_shadow_get_or_alloc(obj, id, size, gfp, ctor, ctor_data);
}

/**
 * klpsv_compat_shadow_free() - klp_shadow_free() without destructor
 * @obj: the object
 * @id: shadow id
 */
static inline void klpsv_compat_shadow_free(void *obj, unsigned long id)
{
	klp_shadow_free(obj, id, NULL);
}

/**
 * klpsv_compat_registry_key() - key for system-wide shadow data
 *
 * An address in vmlinux, the same for every module and never reused for
 * an object.
 *
 * Return: the key.
 */
static inline void *klpsv_compat_registry_key(void)
{
	return (void *)&klp_shadow_get;
}

/**
 * klpsv_compat_enable_patch() - klp_enable_patch()
 * @patch: the patch
 *
 * Return: 0 or a negative errno.
 */
static inline int klpsv_compat_enable_patch(struct klp_patch *patch)
{
	return klp_enable_patch(patch);
}

/**
 * klpsv_compat_is_replace() - is the patch cumulative?
 * @patch: the patch
 *
 * Return: true for an atomic-replace patch.
 */
static inline bool klpsv_compat_is_replace(const struct klp_patch *patch)
{
	return patch->replace;
}

/**
 * klpsv_compat_transition_forced() - was the completing transition forced?
 * @patch: the patch whose transition completes (call from its post_patch)
 *
 * Writing 1 to a patch's sysfs "force" file completes a transition while
 * tasks may still run old code.  The kernel then marks the patches being
 * replaced as forced (not the new one) and never unloads their modules.
 * The new patch is the last in the kernel's list of patches, so the list
 * head follows it, and every other entry is a patch being replaced.
 *
 * Context: klp_mutex held (livepatch callbacks).
 * Return: true if any patch involved was forced.
 */
static inline bool klpsv_compat_transition_forced(struct klp_patch *patch)
{
	struct list_head *head = patch->list.next;
	struct klp_patch *p;

	if (patch->forced)
		return true;
	list_for_each_entry(p, head, list) {
		if (p->forced)
			return true;
	}
	return false;
}

/**
 * klpsv_compat_patch_name() - the patch's module name, for messages
 * @patch: the patch
 *
 * Return: the name.
 */
static inline const char *klpsv_compat_patch_name(const struct klp_patch *patch)
{
	return patch->mod ? patch->mod->name : "?";
}

/**
 * klpsv_compat_set_state() - fill one klp_state
 * @state: the state
 * @id: its id
 * @version: its version
 *
 * The kernel refuses a patch whose states are older than those of the
 * patch it replaces.
 */
static inline void klpsv_compat_set_state(struct klp_state *state,
					  unsigned long id,
					  unsigned int version)
{
	state->id = id;
	state->version = version;
	state->data = NULL;
}

/**
 * klpsv_compat_set_states() - give a patch its klp_state array
 * @patch: the patch
 * @states: the array, terminated by an id 0
 */
static inline void klpsv_compat_set_states(struct klp_patch *patch,
					   struct klp_state *states)
{
	patch->states = states;
}

/**
 * klpsv_compat_object_patch() - the patch an object belongs to
 * @obj: an object of an initialized patch (its callbacks run)
 *
 * The livepatch core adds each object's kobject under its patch's.
 *
 * Return: the patch.
 */
static inline struct klp_patch *klpsv_compat_object_patch(struct klp_object *obj)
{
	return container_of(obj->kobj.parent, struct klp_patch, kobj);
}

/**
 * klpsv_compat_object_going() - is this a module object being unloaded?
 * @obj: the object whose post_unpatch callback runs
 *
 * The core runs a module object's post_unpatch when that module goes
 * while the patch stays, with the module in MODULE_STATE_GOING.
 *
 * Return: true in that case.
 */
static inline bool klpsv_compat_object_going(const struct klp_object *obj)
{
	return obj->name && obj->mod && obj->mod->state == MODULE_STATE_GOING;
}

/**
 * klpsv_compat_module_params() - a module's parameter table
 * @mod: the module
 * @n: set to the number of entries
 *
 * The module loader keeps it for every module, from its __param section.
 *
 * Return: the table.
 */
static inline const struct kernel_param *
klpsv_compat_module_params(const struct module *mod, unsigned int *n)
{
	*n = mod->num_kp;
	return mod->kp;
}

/* PREEMPT_RT makes spinlock_t a sleeping lock (the unit tests switch it). */
#ifndef klpsv_compat_lock_sleeps
#define klpsv_compat_lock_sleeps()	IS_ENABLED(CONFIG_PREEMPT_RT)
#endif

/**
 * klpsv_compat_may_lock() - may the index lock be taken here?
 *
 * The index lock is a spinlock_t.  Without PREEMPT_RT it is taken with
 * IRQs disabled, in any context but NMI.  On PREEMPT_RT it sleeps, and
 * needs a preemptible context: not hard IRQ (an HRTIMER_MODE_HARD timer,
 * a non-threaded handler), not with IRQs off or a raw spinlock held.
 *
 * Return: true when it may be taken.
 */
static inline bool klpsv_compat_may_lock(void)
{
	return !klpsv_compat_lock_sleeps() || preemptible();
}

#endif /* _KLPSV_COMPAT_H */
