/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The assertions check the shim lock's owner (any lock type with a
 * ->shim member: spinlock_t, raw_spinlock_t, struct mutex), so they work
 * without lockdep; a failed one is a counted WARNING.
 */
#ifndef _SHIM_LINUX_LOCKDEP_H
#define _SHIM_LINUX_LOCKDEP_H

#include <linux/bug.h>
#include <klpsv_shim.h>

struct lock_class_key { char __shim_unused; };

#define lockdep_is_held(l)		shim_lock_held(&(l)->shim)
#define lockdep_assert_held(l)		WARN_ON(!lockdep_is_held(l))
#define lockdep_assert_held_once(l)	WARN_ON_ONCE(!lockdep_is_held(l))
#define lockdep_assert_not_held(l)	WARN_ON(lockdep_is_held(l))
#define lockdep_assert_irqs_disabled()	WARN_ON_ONCE(!shim_irqs_disabled())
#define lockdep_assert_irqs_enabled()	WARN_ON_ONCE(shim_irqs_disabled())
#define lockdep_assert_preemption_disabled() WARN_ON_ONCE(!shim_in_atomic())
#define lockdep_assert_preemption_enabled()  WARN_ON_ONCE(shim_in_atomic())
#define lockdep_set_class(l, key)	do { (void)(key); } while (0)
#define lockdep_set_class_and_name(l, key, name) \
	do { (void)(key); (void)(name); } while (0)
#define lockdep_set_novalidate_class(l)	do { } while (0)
static inline void lockdep_register_key(struct lock_class_key *key) { }
static inline void lockdep_unregister_key(struct lock_class_key *key) { }
#define lockdep_off()			do { } while (0)
#define lockdep_on()			do { } while (0)

#endif /* _SHIM_LINUX_LOCKDEP_H */
