// SPDX-License-Identifier: GPL-2.0
/*
 * Per-thread execution context, WARN/BUG reporting and locks.
 *
 * "Atomic" is what the kernel would call it: preempt count raised (any
 * spinlock) or IRQs off.  An atomic thread also holds an RCU read lock,
 * because in the kernel a preemption-disabled region is an RCU reader and
 * code relies on it (klp_shadow_free_all() walks the hash that way).
 */
#include <execinfo.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/kernel.h>
#include <linux/sched.h>
#include <klpsv_shim.h>
#include "rt_internal.h"

static __thread char self_marker;
static __thread int preempt_cnt;
static __thread bool irqs_off;
static __thread bool atomic_reader;
static __thread struct task_struct cur_task;

static unsigned int warn_count;
static unsigned int sleep_bug_count;
static unsigned long cond_resched_count;
static unsigned int once_generation = 1;

void (*shim_bug_hook)(void);

void *shim_self(void)
{
	return &self_marker;
}

struct task_struct *shim_current(void)
{
	if (!cur_task.pid) {
		cur_task.pid = (pid_t)syscall(SYS_gettid);
		if (prctl(PR_GET_NAME, cur_task.comm, 0, 0, 0))
			strcpy(cur_task.comm, "unit");
	}
	return &cur_task;
}

static void update_reader(void)
{
	bool atomic = preempt_cnt > 0 || irqs_off;

	if (atomic && !atomic_reader) {
		atomic_reader = true;
		shim_rcu_atomic_enter();
	} else if (!atomic && atomic_reader) {
		atomic_reader = false;
		shim_rcu_atomic_exit();
	}
}

void shim_preempt_disable(void)
{
	preempt_cnt++;
	update_reader();
}

void shim_preempt_enable(void)
{
	if (WARN(preempt_cnt <= 0, "preempt count underflow"))
		return;
	preempt_cnt--;
	update_reader();
}

int shim_preempt_count(void)
{
	return preempt_cnt;
}

unsigned long shim_local_irq_save(void)
{
	unsigned long flags = irqs_off;

	irqs_off = true;
	update_reader();
	return flags;
}

void shim_local_irq_restore(unsigned long flags)
{
	irqs_off = flags;
	update_reader();
}

void shim_local_irq_disable(void)
{
	irqs_off = true;
	update_reader();
}

void shim_local_irq_enable(void)
{
	irqs_off = false;
	update_reader();
}

bool shim_irqs_disabled(void)
{
	return irqs_off;
}

bool shim_in_atomic(void)
{
	return preempt_cnt > 0 || irqs_off;
}

bool shim_context_reset(void)
{
	bool dirty = preempt_cnt || irqs_off;

	preempt_cnt = 0;
	irqs_off = false;
	update_reader();
	return shim_rcu_reset_thread() || dirty;
}

static bool stacks_wanted(void)
{
	static int wanted = -1;

	if (wanted < 0) {
		const char *e = getenv("KLPSV_UNIT_STACKS");

		wanted = e && *e && *e != '0';
	}
	return wanted;
}

/* Provided by the sanitizer runtime when there is one. */
extern void __sanitizer_print_stack_trace(void) __attribute__((__weak__));

void shim_dump_stack(void)
{
	void *frames[32];
	int n;

	if (!stacks_wanted())
		return;
	fprintf(stderr, "Call Trace:\n");
	if (__sanitizer_print_stack_trace) {
		__sanitizer_print_stack_trace();
		return;
	}
	n = backtrace(frames, 32);
	backtrace_symbols_fd(frames, n, 2);
}

void shim_might_sleep(const char *file, int line)
{
	int rcu = shim_rcu_nesting();

	if (!shim_in_atomic() && !rcu)
		return;
	__atomic_add_fetch(&sleep_bug_count, 1, __ATOMIC_RELAXED);
	shim_report(LOGLEVEL_ERR,
		    "BUG: sleeping function called from invalid context at %s:%d",
		    file, line);
	shim_report(LOGLEVEL_ERR,
		    "in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s",
		    preempt_cnt > 0, irqs_off, shim_current()->pid,
		    shim_current()->comm);
	shim_report(LOGLEVEL_ERR, "preempt_count: %x, expected: 0", preempt_cnt);
	shim_report(LOGLEVEL_ERR, "RCU nest depth: %d, expected: 0", rcu);
	shim_dump_stack();
}

bool shim_preempt_rt;

void shim_rt_spin_lock_check(const char *file, int line)
{
	if (!shim_preempt_rt || !shim_in_atomic())
		return;
	__atomic_add_fetch(&sleep_bug_count, 1, __ATOMIC_RELAXED);
	shim_report(LOGLEVEL_ERR,
		    "BUG: sleeping function called from invalid context at %s:%d",
		    file, line);
	shim_report(LOGLEVEL_ERR, "a spinlock_t on PREEMPT_RT, irqs_disabled(): %d",
		    irqs_off);
	shim_dump_stack();
}

void shim_cond_resched(const char *file, int line)
{
	shim_might_sleep(file, line);
	__atomic_add_fetch(&cond_resched_count, 1, __ATOMIC_RELAXED);
}

unsigned long shim_cond_resched_calls(void)
{
	return __atomic_load_n(&cond_resched_count, __ATOMIC_RELAXED);
}

void shim_count_warning(void)
{
	__atomic_add_fetch(&warn_count, 1, __ATOMIC_RELAXED);
}

void shim_warn(const char *file, int line, const char *func,
	       const char *fmt, ...)
{
	char msg[SHIM_LOG_LINE_MAX];
	size_t len;
	va_list ap;

	shim_count_warning();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	if (len)
		shim_report(LOGLEVEL_WARNING, "%s", msg);
	shim_report(LOGLEVEL_WARNING, "WARNING: at %s:%d %s()", file, line, func);
	shim_dump_stack();
}

bool shim_once(unsigned int *site)
{
	unsigned int gen = __atomic_load_n(&once_generation, __ATOMIC_RELAXED);

	return __atomic_exchange_n(site, gen, __ATOMIC_RELAXED) != gen;
}

void shim_bug(const char *file, int line, const char *func)
{
	shim_report(LOGLEVEL_EMERG, "kernel BUG at %s:%d! (%s())", file, line, func);
	if (shim_bug_hook)
		shim_bug_hook();
	abort();
}

unsigned int shim_warnings(void)
{
	return __atomic_load_n(&warn_count, __ATOMIC_RELAXED);
}

void shim_warnings_reset(void)
{
	__atomic_store_n(&warn_count, 0, __ATOMIC_RELAXED);
}

unsigned int shim_sleep_bugs(void)
{
	return __atomic_load_n(&sleep_bug_count, __ATOMIC_RELAXED);
}

void shim_sleep_bugs_reset(void)
{
	__atomic_store_n(&sleep_bug_count, 0, __ATOMIC_RELAXED);
}

void shim_context_new_test(void)
{
	shim_warnings_reset();
	shim_sleep_bugs_reset();
	__atomic_store_n(&cond_resched_count, 0, __ATOMIC_RELAXED);
	/* Every WARN_ON_ONCE() and printk_once() site may fire again. */
	__atomic_add_fetch(&once_generation, 1, __ATOMIC_RELAXED);
}

void shim_usleep(unsigned long usecs)
{
	usleep(usecs);
}

/* Locks. */

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(((struct shim_lock *)0)->__mutex),
	       "struct shim_lock too small for a pthread mutex");
_Static_assert(_Alignof(pthread_mutex_t) <= _Alignof(unsigned long),
	       "struct shim_lock misaligned for a pthread mutex");

static pthread_mutex_t *lock_mutex(struct shim_lock *l)
{
	return (pthread_mutex_t *)(void *)l->__mutex;
}

/* DEFINE_SPINLOCK() and friends rely on zero being "unlocked". */
__attribute__((__constructor__)) static void check_mutex_initializer(void)
{
	static const pthread_mutex_t init = PTHREAD_MUTEX_INITIALIZER;
	static const char zero[sizeof(pthread_mutex_t)];

	if (memcmp(&init, zero, sizeof(init))) {
		fprintf(stderr, "shim: PTHREAD_MUTEX_INITIALIZER is not all zero\n");
		abort();
	}
}

void shim_lock_init(struct shim_lock *l, const char *name)
{
	memset(l, 0, sizeof(*l));
	l->name = name;
	pthread_mutex_init(lock_mutex(l), NULL);
}

void shim_lock_acquire(struct shim_lock *l, const char *file, int line)
{
	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == shim_self()) {
		shim_report(LOGLEVEL_EMERG,
			    "BUG: recursive locking of %s at %s:%d (self-deadlock)",
			    l->name ? l->name : "?", file, line);
		shim_bug(file, line, "shim_lock_acquire");
	}
	pthread_mutex_lock(lock_mutex(l));
	__atomic_store_n(&l->owner, shim_self(), __ATOMIC_RELAXED);
}

bool shim_lock_try(struct shim_lock *l)
{
	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == shim_self())
		return false;
	if (pthread_mutex_trylock(lock_mutex(l)))
		return false;
	__atomic_store_n(&l->owner, shim_self(), __ATOMIC_RELAXED);
	return true;
}

void shim_lock_release(struct shim_lock *l, const char *file, int line)
{
	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != shim_self()) {
		shim_warn(file, line, "shim_lock_release",
			  "unlocking %s, which this thread does not hold",
			  l->name ? l->name : "?");
		return;
	}
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(lock_mutex(l));
}

bool shim_lock_held(const struct shim_lock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == shim_self();
}

bool shim_lock_is_locked(const struct shim_lock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) != NULL;
}
