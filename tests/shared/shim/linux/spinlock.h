/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spinlock_t over a pthread mutex.  Holding one makes the thread atomic
 * (preempt count raised; the _irq forms also turn "IRQs" off), so
 * might_sleep() under it is reported and counted.  Taking a lock the
 * thread already holds is a BUG (it would deadlock).
 */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <linux/spinlock_types.h>
#include <linux/typecheck.h>
#include <klpsv_shim.h>

#define spin_lock_init(l)	shim_lock_init(&(l)->shim, #l)
#define raw_spin_lock_init(l)	shim_lock_init(&(l)->shim, #l)

#define __shim_spin_lock(l) do {					\
	shim_preempt_disable();						\
	shim_lock_acquire(&(l)->shim, __FILE__, __LINE__);		\
} while (0)

#define __shim_spin_unlock(l) do {					\
	shim_lock_release(&(l)->shim, __FILE__, __LINE__);		\
	shim_preempt_enable();						\
} while (0)

#define __shim_spin_trylock(l) ({					\
	bool __locked;							\
	shim_preempt_disable();						\
	__locked = shim_lock_try(&(l)->shim);				\
	if (!__locked)							\
		shim_preempt_enable();					\
	__locked;							\
})

#define __shim_spin_lock_irqsave(l, flags) do {				\
	typecheck(unsigned long, flags);				\
	flags = shim_local_irq_save();					\
	__shim_spin_lock(l);						\
} while (0)

#define __shim_spin_unlock_irqrestore(l, flags) do {			\
	typecheck(unsigned long, flags);				\
	__shim_spin_unlock(l);						\
	shim_local_irq_restore(flags);					\
} while (0)

/* spinlock_t, unlike raw_spinlock_t, sleeps on PREEMPT_RT. */
#define __shim_rt_check()	shim_rt_spin_lock_check(__FILE__, __LINE__)

#define spin_lock(l)		do { __shim_rt_check(); __shim_spin_lock(l); } while (0)
#define spin_unlock(l)		__shim_spin_unlock(l)
#define spin_trylock(l)		__shim_spin_trylock(l)
#define spin_lock_bh(l)		spin_lock(l)
#define spin_unlock_bh(l)	__shim_spin_unlock(l)
#define spin_lock_irq(l)	do { __shim_rt_check(); shim_local_irq_disable(); __shim_spin_lock(l); } while (0)
#define spin_unlock_irq(l)	do { __shim_spin_unlock(l); shim_local_irq_enable(); } while (0)
#define spin_lock_irqsave(l, flags)	 do { __shim_rt_check(); __shim_spin_lock_irqsave(l, flags); } while (0)
#define spin_unlock_irqrestore(l, flags) __shim_spin_unlock_irqrestore(l, flags)
#define spin_trylock_irqsave(l, flags) ({				\
	bool __ok;							\
	flags = shim_local_irq_save();					\
	__ok = __shim_spin_trylock(l);					\
	if (!__ok)							\
		shim_local_irq_restore(flags);				\
	__ok;								\
})
#define spin_is_locked(l)	shim_lock_is_locked(&(l)->shim)
#define assert_spin_locked(l)	WARN_ON(!shim_lock_is_locked(&(l)->shim))

#define raw_spin_lock(l)	__shim_spin_lock(l)
#define raw_spin_unlock(l)	__shim_spin_unlock(l)
#define raw_spin_trylock(l)	__shim_spin_trylock(l)
#define raw_spin_lock_irq(l)	do { shim_local_irq_disable(); __shim_spin_lock(l); } while (0)
#define raw_spin_unlock_irq(l)	spin_unlock_irq(l)
#define raw_spin_lock_irqsave(l, flags)	     __shim_spin_lock_irqsave(l, flags)
#define raw_spin_unlock_irqrestore(l, flags) __shim_spin_unlock_irqrestore(l, flags)
#define raw_spin_is_locked(l)	shim_lock_is_locked(&(l)->shim)

#endif /* _SHIM_LINUX_SPINLOCK_H */
