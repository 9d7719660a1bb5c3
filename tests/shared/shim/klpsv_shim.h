/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shim runtime behind the stand-in kernel headers, and the handles
 * unit tests use to observe and steer it: captured kernel log, WARN and
 * "sleeping in atomic" counters, allocation fault injection and leak
 * accounting, debugfs access, deferred work.  Library code never includes
 * this file; the stand-in headers under linux/ do.
 */
#ifndef _KLPSV_SHIM_H
#define _KLPSV_SHIM_H

#include <linux/types.h>

/* ---------------------------------------------------------------------
 * Execution context, per thread.  Spinlocks, preempt_disable() and
 * local_irq_save() make a thread "atomic"; an atomic thread is also an
 * RCU reader, as in the kernel since 4.20.
 */
void *shim_self(void);
void shim_preempt_disable(void);
void shim_preempt_enable(void);
int shim_preempt_count(void);
unsigned long shim_local_irq_save(void);
void shim_local_irq_restore(unsigned long flags);
void shim_local_irq_disable(void);
void shim_local_irq_enable(void);
bool shim_irqs_disabled(void);
bool shim_in_atomic(void);
void shim_might_sleep(const char *file, int line);
void shim_cond_resched(const char *file, int line);

/* WARN*() and BUG*() land here. */
void shim_warn(const char *file, int line, const char *func,
	       const char *fmt, ...) __printf(4, 5);
bool shim_once(unsigned int *site);
void __noreturn shim_bug(const char *file, int line, const char *func);
void shim_dump_stack(void);

/* Locks: a glibc pthread mutex (all zero is unlocked) plus its owner. */
struct shim_lock {
	unsigned long __mutex[5];
	const char *name;
	void *owner;
};

void shim_lock_init(struct shim_lock *l, const char *name);
void shim_lock_acquire(struct shim_lock *l, const char *file, int line);
bool shim_lock_try(struct shim_lock *l);
void shim_lock_release(struct shim_lock *l, const char *file, int line);
bool shim_lock_held(const struct shim_lock *l);
bool shim_lock_is_locked(const struct shim_lock *l);

/* RCU, on liburcu (urcu-memb); threads register themselves on first use. */
void shim_rcu_register_thread(void);
void shim_rcu_read_lock(void);
void shim_rcu_read_unlock(void);
void shim_rcu_after_next_unlock(void (*hook)(void *), void *arg);
bool shim_rcu_read_lock_held(void);
bool shim_rcu_read_lock_any_held(void);
void shim_synchronize_rcu(const char *file, int line);
void shim_call_rcu(struct rcu_head *head, rcu_callback_t func);
void shim_kfree_rcu(struct rcu_head *head, const void *ptr);
void shim_kvfree_rcu(struct rcu_head *head, const void *ptr);
void shim_rcu_barrier(void);
void shim_rcu_suspicious(const char *file, int line, const char *msg);

/* Allocations (see linux/slab.h). */
enum shim_alloc_kind { SHIM_KMALLOC, SHIM_VMALLOC, SHIM_KMEM_CACHE };
void *shim_kmalloc(size_t size, gfp_t gfp, enum shim_alloc_kind kind,
		   const void *cache, const char *file, int line) __malloc;
void *shim_krealloc(const void *p, size_t size, gfp_t gfp,
		    const char *file, int line);
void shim_kfree(const void *p, enum shim_alloc_kind kind, const void *cache);
size_t shim_ksize(const void *p);

/* printk: the captured log. */
int shim_vprintk(const char *fmt, __builtin_va_list args);

/* ---------------------------------------------------------------------
 * For tests.
 */

/* Back to a clean slate; the test framework calls it before each test. */
void shim_reset(void);

/*
 * For the framework, after a test: put this thread's context back
 * (preempt count, IRQs, RCU nesting); true if anything was left behind.
 */
bool shim_context_reset(void);

/* Called by BUG() before the program aborts (the framework names the test). */
extern void (*shim_bug_hook)(void);

/* Captured log: the last SHIM_LOG_LINES lines, oldest first. */
#define SHIM_LOG_LINES		2048
#define SHIM_LOG_LINE_MAX	512
void shim_log_clear(void);
unsigned int shim_log_nr(void);
const char *shim_log_line(unsigned int i);	/* "" when out of range */
int shim_log_level(unsigned int i);		/* 0 (emerg) .. 7 (debug) */
unsigned int shim_log_count(const char *substr);
const char *shim_log_find(const char *substr);	/* first line or NULL */
void shim_log_dump(const char *prefix);		/* to stderr */
void shim_log_echo(bool on);			/* echo lines to stderr */

/* WARN*() hits, and "BUG: sleeping function called from invalid context". */
unsigned int shim_warnings(void);
void shim_warnings_reset(void);
unsigned int shim_sleep_bugs(void);
void shim_sleep_bugs_reset(void);

/*
 * PREEMPT_RT, as far as a test turns it on: a spinlock_t sleeps, so
 * taking one where the context is not preemptible (a hard IRQ, IRQs
 * off) reports "BUG: sleeping function called from invalid context".
 * The library's klpsv_compat_lock_sleeps() follows it.
 */
extern bool shim_preempt_rt;
void shim_rt_spin_lock_check(const char *file, int line);
#define klpsv_compat_lock_sleeps()	shim_preempt_rt
unsigned long shim_cond_resched_calls(void);

/* Fault injection: counted over every allocation attempt from any thread. */
void shim_fail_nth_alloc(unsigned long nth);	/* 1: the next one; 0: off */
void shim_fail_allocs_from(unsigned long nth);	/* the nth and all later */
void shim_fail_off(void);
unsigned long shim_fail_count(void);		/* failed by injection */
unsigned long shim_alloc_calls(void);		/* attempts since armed */

/* Leak accounting. */
unsigned long shim_alloc_live(void);
size_t shim_alloc_live_bytes(void);
unsigned long shim_alloc_mark(void);
unsigned long shim_alloc_leaks(unsigned long mark, bool report);

/* debugfs, by path ("dir/file"): whole-file read and write. */
ssize_t shim_debugfs_read(const char *path, char *buf, size_t size);
ssize_t shim_debugfs_write(const char *path, const char *buf, size_t len);
bool shim_debugfs_exists(const char *path);
unsigned int shim_debugfs_entries(void);
unsigned int shim_debugfs_clear(void);		/* removes everything */

/* Deferred work runs only when a test says so, in the test's thread. */
unsigned int shim_work_run(void);
unsigned int shim_work_pending(void);
unsigned int shim_work_cancel_all(void);

#endif /* _KLPSV_SHIM_H */
