// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace model of the kernel livepatch core as livepatch code sees
 * it in 6.1 .. 6.19: shadow variables (kernel/livepatch/shadow.c), system
 * states (state.c) and the enable/disable/transition sequence with its
 * callbacks (core.c, transition.c).  Behaviour, ordering and log lines
 * follow upstream so tests can compare transcripts like the selftests.
 *
 * Not modelled: tasks, ftrace, sysfs, module objects that are not loaded
 * (every klp_object counts as loaded), the livepatch module flag.
 */
#define pr_fmt(fmt) "livepatch: " fmt

#include <linux/hashtable.h>
#include <linux/livepatch.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "klp_model.h"

#define KSYM_NAME_LEN 512

/* ---------------------------------------------------------------------
 * Shadow variables: one hash of 4096 buckets keyed by obj; lock-free
 * readers, writers under one spinlock with IRQs off, and constructor and
 * destructor called under that lock.
 */

#define SHADOW_HASH_BITS 12

static DEFINE_HASHTABLE(klp_shadow_hash, SHADOW_HASH_BITS);
static DEFINE_SPINLOCK(klp_shadow_lock);

/* No size and no owner: what upstream stores. */
struct klp_shadow {
	struct hlist_node node;
	struct rcu_head rcu_head;
	void *obj;
	unsigned long id;
	char data[];
};

static bool shadow_is(struct klp_shadow *shadow, void *obj, unsigned long id)
{
	return shadow->obj == obj && shadow->id == id;
}

void *klp_shadow_get(void *obj, unsigned long id)
{
	struct klp_shadow *shadow;
	void *data = NULL;

	rcu_read_lock();
	hash_for_each_possible_rcu(klp_shadow_hash, shadow, node,
				   (unsigned long)obj) {
		if (shadow_is(shadow, obj, id)) {
			data = shadow->data;
			break;
		}
	}
	rcu_read_unlock();
	return data;
}
EXPORT_SYMBOL_GPL(klp_shadow_get);

/* klpm_after_shadow_alloc(): a test's code, run once at that point. */
static void *hook_obj;
static void (*hook_fn)(void *obj, unsigned long id, void *data);

void klpm_after_shadow_alloc(void *obj,
			     void (*fn)(void *obj, unsigned long id, void *data))
{
	hook_obj = obj;
	hook_fn = fn;
}

void klpm_run_after_alloc(void *obj, unsigned long id, void *data)
{
	void (*fn)(void *obj, unsigned long id, void *data) = hook_fn;

	if (!fn || obj != hook_obj)
		return;
	hook_fn = NULL;
	fn(obj, id, data);
}

static void *shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
				 gfp_t gfp_flags, klp_shadow_ctor_t ctor,
				 void *ctor_data, bool warn_on_exist)
{
	struct klp_shadow *new_shadow;
	unsigned long flags;
	void *data;

	data = klp_shadow_get(obj, id);
	if (data)
		goto exists;

	/* Allocated with the caller's gfp, outside the lock; zeroed. */
	new_shadow = kzalloc(size + sizeof(*new_shadow), gfp_flags);
	if (!new_shadow)
		return NULL;

	spin_lock_irqsave(&klp_shadow_lock, flags);
	data = klp_shadow_get(obj, id);
	if (unlikely(data)) {
		/* lost a race: the other one stands */
		spin_unlock_irqrestore(&klp_shadow_lock, flags);
		kfree(new_shadow);
		goto exists;
	}

	new_shadow->obj = obj;
	new_shadow->id = id;

	if (ctor) {
		int err = ctor(obj, new_shadow->data, ctor_data);

		if (err) {
			spin_unlock_irqrestore(&klp_shadow_lock, flags);
			kfree(new_shadow);
			pr_err("Failed to construct shadow variable <%p, %lx> (%d)\n",
			       obj, id, err);
			return NULL;
		}
	}

	hash_add_rcu(klp_shadow_hash, &new_shadow->node, (unsigned long)obj);
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
	klpm_run_after_alloc(obj, id, new_shadow->data);
	return new_shadow->data;

exists:
	if (warn_on_exist) {
		WARN(1, "Duplicate shadow variable <%p, %lx>\n", obj, id);
		return NULL;
	}
	/* whatever its size: upstream does not know it */
	return data;
}

void *klp_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp_flags,
		       klp_shadow_ctor_t ctor, void *ctor_data)
{
	return shadow_get_or_alloc(obj, id, size, gfp_flags, ctor, ctor_data, true);
}
EXPORT_SYMBOL_GPL(klp_shadow_alloc);

void *klp_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			      gfp_t gfp_flags, klp_shadow_ctor_t ctor,
			      void *ctor_data)
{
	return shadow_get_or_alloc(obj, id, size, gfp_flags, ctor, ctor_data, false);
}
EXPORT_SYMBOL_GPL(klp_shadow_get_or_alloc);

/* Caller holds klp_shadow_lock; readers may still see it until a GP. */
static void shadow_release(struct klp_shadow *shadow, klp_shadow_dtor_t dtor)
{
	hash_del_rcu(&shadow->node);
	if (dtor)
		dtor(shadow->obj, shadow->data);
	kfree_rcu(shadow, rcu_head);
}

void klp_shadow_free(void *obj, unsigned long id, klp_shadow_dtor_t dtor)
{
	struct klp_shadow *shadow;
	unsigned long flags;

	spin_lock_irqsave(&klp_shadow_lock, flags);
	hash_for_each_possible(klp_shadow_hash, shadow, node, (unsigned long)obj) {
		if (shadow_is(shadow, obj, id)) {
			shadow_release(shadow, dtor);
			break;
		}
	}
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(klp_shadow_free);

void klp_shadow_free_all(unsigned long id, klp_shadow_dtor_t dtor)
{
	struct klp_shadow *shadow;
	unsigned long flags;
	int bkt;

	/*
	 * Not the _safe walk, like upstream: a released entry keeps its
	 * ->next and its memory until a grace period, and a thread holding
	 * a spinlock is an RCU reader.
	 */
	spin_lock_irqsave(&klp_shadow_lock, flags);
	hash_for_each(klp_shadow_hash, bkt, shadow, node) {
		if (shadow->id == id)
			shadow_release(shadow, dtor);
	}
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(klp_shadow_free_all);

unsigned int klpm_shadow_bucket(const void *obj)
{
	return hash_min((unsigned long)obj, SHADOW_HASH_BITS);
}

void klpm_shadow_for_each(void (*fn)(void *obj, unsigned long id, void *data,
				     void *arg), void *arg)
{
	struct klp_shadow *shadow;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&klp_shadow_lock, flags);
	hash_for_each(klp_shadow_hash, bkt, shadow, node)
		fn(shadow->obj, shadow->id, shadow->data, arg);
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
}

static void count_id(void *obj, unsigned long id, void *data, void *arg)
{
	unsigned long *c = arg;

	if (id == c[0])
		c[1]++;
	c[2]++;
}

unsigned long klpm_shadow_count(unsigned long id)
{
	unsigned long c[3] = { id, 0, 0 };

	klpm_shadow_for_each(count_id, c);
	return c[1];
}

unsigned long klpm_shadow_count_all(void)
{
	unsigned long c[3] = { 0, 0, 0 };

	klpm_shadow_for_each(count_id, c);
	return c[2];
}

unsigned long klpm_shadow_reset(bool report)
{
	struct klp_shadow *shadow;
	struct hlist_node *tmp;
	unsigned long flags, n = 0;
	int bkt;

	spin_lock_irqsave(&klp_shadow_lock, flags);
	hash_for_each_safe(klp_shadow_hash, bkt, tmp, shadow, node) {
		if (report && n < 10)
			pr_err("left over: shadow variable <%p, %lx>\n",
			       shadow->obj, shadow->id);
		shadow_release(shadow, NULL);
		n++;
	}
	spin_unlock_irqrestore(&klp_shadow_lock, flags);
	return n;
}

/* ---------------------------------------------------------------------
 * Patches, states and transitions.
 */

/* Serializes everything below; callbacks run under it, as upstream. */
static DEFINE_MUTEX(klp_mutex);

/* Enabled patches and the one in transition, oldest first. */
static LIST_HEAD(klp_patches);

static struct klp_patch *klp_transition_patch;
static enum klpm_target klp_target_state = KLPM_IDLE;

#define klp_for_each_patch(patch) \
	list_for_each_entry(patch, &klp_patches, list)
#define klp_for_each_patch_safe(patch, tmp) \
	list_for_each_entry_safe(patch, tmp, &klp_patches, list)
#define klp_for_each_state(patch, state) \
	for (state = (patch)->states; state && state->id; state++)

static const char *patch_name(struct klp_patch *patch)
{
	return patch->mod->name;
}

static const char *target_name(void)
{
	return klp_target_state == KLPM_PATCHED ? "patching" : "unpatching";
}

struct klp_state *klp_get_state(struct klp_patch *patch, unsigned long id)
{
	struct klp_state *state;

	klp_for_each_state(patch, state) {
		if (state->id == id)
			return state;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(klp_get_state);

/*
 * The newest state with this id among the patches older than the one in
 * transition; only meaningful (and only allowed) during a transition.
 */
struct klp_state *klp_get_prev_state(unsigned long id)
{
	struct klp_state *state, *last_state = NULL;
	struct klp_patch *patch;

	if (WARN_ON_ONCE(!klp_transition_patch))
		return NULL;

	klp_for_each_patch(patch) {
		if (patch == klp_transition_patch)
			break;
		state = klp_get_state(patch, id);
		if (state)
			last_state = state;
	}
	return last_state;
}
EXPORT_SYMBOL_GPL(klp_get_prev_state);

/* A replace patch must carry every live state, any patch a version >=. */
static bool state_compatible(struct klp_patch *patch, struct klp_state *old_state)
{
	struct klp_state *state = klp_get_state(patch, old_state->id);

	if (!state)
		return !patch->replace;
	return state->version >= old_state->version;
}

static bool patch_compatible(struct klp_patch *patch)
{
	struct klp_patch *old_patch;
	struct klp_state *old_state;

	klp_for_each_patch(old_patch) {
		klp_for_each_state(old_patch, old_state) {
			if (!state_compatible(patch, old_state))
				return false;
		}
	}
	return true;
}

static int pre_patch_callback(struct klp_object *obj)
{
	int ret = 0;

	if (obj->callbacks.pre_patch)
		ret = obj->callbacks.pre_patch(obj);
	obj->callbacks.post_unpatch_enabled = !ret;
	return ret;
}

static void post_patch_callback(struct klp_object *obj)
{
	if (obj->callbacks.post_patch)
		obj->callbacks.post_patch(obj);
}

static void pre_unpatch_callback(struct klp_object *obj)
{
	if (obj->callbacks.pre_unpatch)
		obj->callbacks.pre_unpatch(obj);
}

/* Only for objects whose pre_patch succeeded, and only once. */
static void post_unpatch_callback(struct klp_object *obj)
{
	if (obj->callbacks.post_unpatch_enabled && obj->callbacks.post_unpatch)
		obj->callbacks.post_unpatch(obj);
	obj->callbacks.post_unpatch_enabled = false;
}

static void unpatch_objects(struct klp_patch *patch)
{
	struct klp_object *obj;

	klp_for_each_object(patch, obj)
		obj->patched = false;
}

static void init_transition(struct klp_patch *patch, enum klpm_target state)
{
	struct klp_object *obj;
	struct klp_func *func;

	WARN_ON_ONCE(klp_target_state != KLPM_IDLE);
	klp_transition_patch = patch;
	klp_target_state = state;
	pr_debug("'%s': initializing %s transition\n", patch_name(patch),
		 target_name());
	klp_for_each_object(patch, obj)
		klp_for_each_func(obj, func)
			func->transition = true;
}

static void start_transition(void)
{
	pr_notice("'%s': starting %s transition\n",
		  patch_name(klp_transition_patch), target_name());
}

static void complete_transition(void)
{
	struct klp_patch *patch = klp_transition_patch, *old;
	struct klp_object *obj;
	struct klp_func *func;

	pr_debug("'%s': completing %s transition\n", patch_name(patch),
		 target_name());

	if (patch->replace && klp_target_state == KLPM_PATCHED) {
		/* the replaced patches' callbacks never run */
		klp_for_each_patch(old) {
			if (old == patch)
				break;
			old->enabled = false;
			unpatch_objects(old);
		}
	}
	if (klp_target_state == KLPM_UNPATCHED)
		unpatch_objects(patch);

	klp_for_each_object(patch, obj)
		klp_for_each_func(obj, func)
			func->transition = false;

	klp_for_each_object(patch, obj) {
		if (klp_target_state == KLPM_PATCHED)
			post_patch_callback(obj);
		else
			post_unpatch_callback(obj);
	}

	pr_notice("'%s': %s complete\n", patch_name(patch), target_name());
	klp_target_state = KLPM_IDLE;
	klp_transition_patch = NULL;
}

/* klp_free_patch_*(): off the list, module reference dropped. */
static void free_patch(struct klp_patch *patch)
{
	if (!list_empty(&patch->list))
		list_del_init(&patch->list);
	if (!patch->forced)
		module_put(patch->mod);
}

static void init_patch_early(struct klp_patch *patch)
{
	struct klp_object *obj;
	struct klp_func *func;

	INIT_LIST_HEAD(&patch->list);
	INIT_LIST_HEAD(&patch->obj_list);
	patch->enabled = false;
	patch->forced = false;

	klp_for_each_object_static(patch, obj) {
		INIT_LIST_HEAD(&obj->func_list);
		obj->kobj.parent = &patch->kobj;
		list_add_tail(&obj->node, &patch->obj_list);
		obj->patched = false;
		obj->mod = NULL;
		/* a freshly loaded module's data: the flag starts clear */
		obj->callbacks.post_unpatch_enabled = false;
		klp_for_each_func_static(obj, func) {
			list_add_tail(&func->node, &obj->func_list);
			INIT_LIST_HEAD(&func->stack_node);
			func->patched = false;
			func->transition = false;
		}
	}
}

static int init_patch(struct klp_patch *patch)
{
	struct klp_object *obj;
	struct klp_func *func;

	klp_for_each_object(patch, obj) {
		if (obj->name && strlen(obj->name) >= MODULE_NAME_LEN)
			return -EINVAL;
		klp_for_each_func(obj, func) {
			if (!func->old_name)
				return -EINVAL;
			if (!func->new_func && !func->nop)
				return -EINVAL;
			if (strlen(func->old_name) >= KSYM_NAME_LEN)
				return -EINVAL;
		}
	}
	list_add_tail(&patch->list, &klp_patches);
	return 0;
}

static void cancel_transition(void)
{
	if (WARN_ON_ONCE(klp_target_state != KLPM_PATCHED))
		return;
	pr_debug("'%s': canceling patching transition, going to unpatch\n",
		 patch_name(klp_transition_patch));
	klp_target_state = KLPM_UNPATCHED;
	complete_transition();
}

static int enable_patch(struct klp_patch *patch)
{
	struct klp_object *obj;
	int ret;

	if (klp_transition_patch)
		return -EBUSY;
	if (WARN_ON(patch->enabled))
		return -EINVAL;

	pr_notice("enabling patch '%s'\n", patch_name(patch));
	init_transition(patch, KLPM_PATCHED);

	klp_for_each_object(patch, obj) {
		ret = pre_patch_callback(obj);
		if (ret) {
			pr_warn("pre-patch callback failed for object '%s'\n",
				obj->name ? obj->name : "vmlinux");
			goto err;
		}
		obj->patched = true;
	}

	start_transition();
	patch->enabled = true;
	return 0;
err:
	pr_warn("failed to enable patch '%s'\n", patch_name(patch));
	cancel_transition();
	return ret;
}

static bool installed(struct klp_patch *patch)
{
	struct klp_patch *p;

	klp_for_each_patch(p)
		if (p == patch)
			return true;
	return false;
}

int klpm_enable_begin(struct klp_patch *patch)
{
	struct klp_object *obj;
	int ret;

	if (!patch || !patch->mod || !patch->objs)
		return -EINVAL;
	klp_for_each_object_static(patch, obj) {
		if (!obj->funcs)
			return -EINVAL;
	}

	mutex_lock(&klp_mutex);

	/* a module cannot be loaded twice: the model's own sanity check */
	if (WARN(installed(patch), "patch '%s' is already installed\n",
		 patch_name(patch))) {
		mutex_unlock(&klp_mutex);
		return -EINVAL;
	}

	if (!patch_compatible(patch)) {
		pr_err("Livepatch patch (%s) is not compatible with the already installed livepatches.\n",
		       patch_name(patch));
		mutex_unlock(&klp_mutex);
		return -EINVAL;
	}

	if (!try_module_get(patch->mod)) {
		mutex_unlock(&klp_mutex);
		return -ENODEV;
	}

	init_patch_early(patch);
	ret = init_patch(patch);
	if (!ret)
		ret = enable_patch(patch);
	if (ret)
		free_patch(patch);

	mutex_unlock(&klp_mutex);
	return ret;
}

/* Caller holds klp_mutex. */
static void try_complete_transition(void)
{
	struct klp_patch *patch = klp_transition_patch, *old, *tmp;

	complete_transition();

	if (!patch->enabled) {
		free_patch(patch);
	} else if (patch->replace) {
		klp_for_each_patch_safe(old, tmp) {
			if (old == patch)
				break;
			free_patch(old);
		}
	}
}

int klpm_transition_finish(void)
{
	mutex_lock(&klp_mutex);
	if (WARN(!klp_transition_patch, "no livepatch transition to finish\n")) {
		mutex_unlock(&klp_mutex);
		return -EINVAL;
	}
	try_complete_transition();
	mutex_unlock(&klp_mutex);
	return 0;
}

/* klpm_hold_transitions(): some task has not switched yet. */
static bool klpm_hold;

void klpm_hold_transitions(bool hold)
{
	WRITE_ONCE(klpm_hold, hold);
}

int klp_enable_patch(struct klp_patch *patch)
{
	int ret = klpm_enable_begin(patch);

	if (!ret && !READ_ONCE(klpm_hold))
		klpm_transition_finish();
	return ret;
}
EXPORT_SYMBOL_GPL(klp_enable_patch);

static void reverse_transition(void)
{
	pr_debug("'%s': reversing transition from %s\n",
		 patch_name(klp_transition_patch),
		 klp_target_state == KLPM_PATCHED ? "patching to unpatching" :
						    "unpatching to patching");
	klp_transition_patch->enabled = !klp_transition_patch->enabled;
	klp_target_state = klp_target_state == KLPM_PATCHED ?
			   KLPM_UNPATCHED : KLPM_PATCHED;
	start_transition();
}

static int disable_patch(struct klp_patch *patch)
{
	struct klp_object *obj;

	if (WARN_ON(!patch->enabled))
		return -EINVAL;
	if (klp_transition_patch)
		return -EBUSY;

	init_transition(patch, KLPM_UNPATCHED);
	klp_for_each_object(patch, obj)
		if (obj->patched)
			pre_unpatch_callback(obj);
	start_transition();
	patch->enabled = false;
	return 0;
}

int klpm_set_enabled(struct klp_patch *patch, bool enabled)
{
	int ret = 0;

	mutex_lock(&klp_mutex);
	if (!installed(patch))
		ret = -ENOENT;		/* no sysfs directory */
	else if (patch->enabled == enabled)
		ret = -EINVAL;		/* already in requested state */
	else if (patch == klp_transition_patch)
		reverse_transition();
	else if (!enabled)
		ret = disable_patch(patch);
	else
		ret = -EINVAL;		/* a disabled patch cannot come back */
	mutex_unlock(&klp_mutex);
	return ret;
}

int klpm_disable_begin(struct klp_patch *patch)
{
	if (klpm_transition_patch() == patch)
		return -EBUSY;	/* that would be a reversal */
	return klpm_set_enabled(patch, false);
}

int klpm_disable(struct klp_patch *patch)
{
	int ret = klpm_disable_begin(patch);

	if (!ret)
		klpm_transition_finish();
	return ret;
}

int klpm_transition_revert(void)
{
	struct klp_patch *patch = klpm_transition_patch();

	if (!patch)
		return -EINVAL;
	return klpm_set_enabled(patch, !patch->enabled);
}

/* The queries also work from callbacks, which run under klp_mutex. */
static bool query_lock(void)
{
	if (lockdep_is_held(&klp_mutex))
		return false;
	mutex_lock(&klp_mutex);
	return true;
}

static void query_unlock(bool locked)
{
	if (locked)
		mutex_unlock(&klp_mutex);
}

struct klp_patch *klpm_transition_patch(void)
{
	bool locked = query_lock();
	struct klp_patch *patch = klp_transition_patch;

	query_unlock(locked);
	return patch;
}

enum klpm_target klpm_transition_target(void)
{
	return READ_ONCE(klp_target_state);
}

bool klpm_patch_installed(struct klp_patch *patch)
{
	bool locked = query_lock();
	bool ret = installed(patch);

	query_unlock(locked);
	return ret;
}

unsigned int klpm_nr_patches(void)
{
	bool locked = query_lock();
	unsigned int n = list_count_nodes(&klp_patches);

	query_unlock(locked);
	return n;
}

unsigned int klpm_reset(void)
{
	struct klp_patch *patch, *tmp;
	unsigned int n = 0;

	mutex_lock(&klp_mutex);
	klp_for_each_patch_safe(patch, tmp) {
		unpatch_objects(patch);
		patch->enabled = false;
		free_patch(patch);
		n++;
	}
	klp_transition_patch = NULL;
	klp_target_state = KLPM_IDLE;
	klpm_hold = false;
	hook_fn = NULL;
	mutex_unlock(&klp_mutex);
	return n;
}
