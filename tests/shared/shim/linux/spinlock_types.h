/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_SPINLOCK_TYPES_H
#define _SHIM_LINUX_SPINLOCK_TYPES_H

#include <klpsv_shim.h>

/* Distinct types, as in the kernel, over the same shim lock. */
typedef struct spinlock {
	struct shim_lock shim;
} spinlock_t;

typedef struct raw_spinlock {
	struct shim_lock shim;
} raw_spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname)	{ .shim = { .name = #lockname } }
#define __RAW_SPIN_LOCK_UNLOCKED(lockname) { .shim = { .name = #lockname } }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define DEFINE_RAW_SPINLOCK(x)	raw_spinlock_t x = __RAW_SPIN_LOCK_UNLOCKED(x)

#endif /* _SHIM_LINUX_SPINLOCK_TYPES_H */
