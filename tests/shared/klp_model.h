/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-side handles on the livepatch model (klp_model.c): the steps of a
 * patch transition, so a test can act while old and new code both run,
 * and a look inside the shadow hash (which the kernel does not offer).
 *
 * klp_enable_patch() itself is in <linux/livepatch.h> and, as in the
 * kernel when every task switches at once, completes the transition.
 */
#ifndef _KLP_MODEL_H
#define _KLP_MODEL_H

#include <linux/livepatch.h>

/* Transition target, whatever the kernel version calls it. */
enum klpm_target {
	KLPM_IDLE = -1,
	KLPM_UNPATCHED = 0,
	KLPM_PATCHED = 1,
};

/*
 * klp_enable_patch() up to the running transition: checks, pre_patch
 * callbacks, code "patched", patch->enabled set.  0 or the error
 * klp_enable_patch() would return (then nothing is left installed).
 */
int klpm_enable_begin(struct klp_patch *patch);

/* Writes to /sys/kernel/livepatch/<patch>/enabled: disable, or reverse
 * the patch's own running transition.  -ENOENT if not installed. */
int klpm_set_enabled(struct klp_patch *patch, bool enabled);

/* Disable up to the running transition (pre_unpatch callbacks run). */
int klpm_disable_begin(struct klp_patch *patch);

/* Every task has switched: replaced patches go away, post_* run. */
int klpm_transition_finish(void);

/*
 * While set, klp_enable_patch() returns 0 with the transition still
 * running, as the kernel's does when a task has not switched yet (one
 * parked in a patched function): the test then plays old and new code and
 * ends it with klpm_transition_finish() or klpm_transition_revert().
 * klpm_reset() clears it.
 */
void klpm_hold_transitions(bool hold);

/* Reverse the running transition (what writing to "enabled" does). */
int klpm_transition_revert(void);

/* Disable and finish: "echo 0 > enabled" with every task switching. */
int klpm_disable(struct klp_patch *patch);

struct klp_patch *klpm_transition_patch(void);
enum klpm_target klpm_transition_target(void);
bool klpm_patch_installed(struct klp_patch *patch);
unsigned int klpm_nr_patches(void);

/*
 * Run @fn once, right after the next klp_shadow_[get_or_]alloc() that
 * creates a variable for @obj returns from klp_shadow's lock: a test plays
 * "another CPU" at exactly that point of the library (single-threaded
 * tests only).  klpm_reset() disarms it.
 */
void klpm_after_shadow_alloc(void *obj,
			     void (*fn)(void *obj, unsigned long id, void *data));
/*
 * Where klpsv allocates instances itself (format 2), the harness calls
 * this at the same point: the new instance claimed, the lock dropped.
 */
void klpm_run_after_alloc(void *obj, unsigned long id, void *data);

/* Forget every patch and transition, running no callback; returns how many. */
unsigned int klpm_reset(void);

/* Shadow hash introspection. */
unsigned int klpm_shadow_bucket(const void *obj);
unsigned long klpm_shadow_count(unsigned long id);
unsigned long klpm_shadow_count_all(void);
void klpm_shadow_for_each(void (*fn)(void *obj, unsigned long id, void *data,
				     void *arg), void *arg);
/* Drop every shadow variable, running no destructor; returns how many. */
unsigned long klpm_shadow_reset(bool report);

#endif /* _KLP_MODEL_H */
