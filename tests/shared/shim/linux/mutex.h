/* SPDX-License-Identifier: GPL-2.0 */
/* struct mutex over a pthread mutex; locking it might sleep. */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <klpsv_shim.h>

struct mutex {
	struct shim_lock shim;
};

#define __MUTEX_INITIALIZER(lockname)	{ .shim = { .name = #lockname } }
#define DEFINE_MUTEX(mutexname) \
	struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

#define mutex_init(m)		shim_lock_init(&(m)->shim, #m)
#define mutex_destroy(m)	WARN_ON(shim_lock_is_locked(&(m)->shim))

#define mutex_lock(m) do {						\
	shim_might_sleep(__FILE__, __LINE__);				\
	shim_lock_acquire(&(m)->shim, __FILE__, __LINE__);		\
} while (0)
#define mutex_lock_nested(m, subclass)	mutex_lock(m)
#define mutex_lock_interruptible(m)	({ mutex_lock(m); 0; })
#define mutex_lock_killable(m)		({ mutex_lock(m); 0; })
#define mutex_trylock(m)		((int)shim_lock_try(&(m)->shim))
#define mutex_unlock(m)		shim_lock_release(&(m)->shim, __FILE__, __LINE__)
#define mutex_is_locked(m)	shim_lock_is_locked(&(m)->shim)

#endif /* _SHIM_LINUX_MUTEX_H */
