// SPDX-License-Identifier: GPL-2.0
/*
 * RCU for the shim, in one of three flavours chosen at build time
 * (SHIM_RCU in shared.mk):
 *
 * urcu (-DSHIM_RCU_URCU): liburcu's urcu-memb flavour, real grace periods
 *	and liburcu's callback thread.  The unit tests and the benchmark twin.
 *
 * single (-DSHIM_RCU_SINGLE): for one thread, the fuzz target.  A grace
 *	period is simply a moment when that thread is in no read-side
 *	critical section: callbacks queued by call_rcu()/kfree_rcu() run at
 *	synchronize_rcu() or rcu_barrier(), which the target calls between
 *	operations.  Memory freed by RCU thus stays valid for the rest of the
 *	operation that freed it, as in the kernel, and AddressSanitizer
 *	catches a use after that.  liburcu's barrier, with its worker thread,
 *	costs milliseconds per call; this costs nothing.
 *
 * c11 (-DSHIM_RCU_C11): for ThreadSanitizer, which does not see the
 *	ordering liburcu gets from membarrier() and its own barriers, and
 *	would report every free after a grace period as a race with the
 *	readers.  Grace periods on C11 atomics instead, as liburcu's urcu-mb
 *	flavour does it: a reader publishes the grace-period count it saw on
 *	entry and clears it with a release store on exit; synchronize_rcu()
 *	advances the count and waits (acquire loads) until no reader shows
 *	an older one.  So everything a reader did happens before what follows
 *	the grace period, and what preceded a grace period happens before
 *	every reader that saw the new count.  Callbacks run in a thread of
 *	their own after a grace period, or at rcu_barrier().
 *
 * Threads register on their first RCU use and unregister when they exit
 * (a pthread key destructor), so test threads need no ceremony.  The
 * reader bookkeeping and the misuse reports are the same in every flavour.
 *
 * This file sees liburcu's struct rcu_head, never the shim's (see
 * linux/types.h): the shim's head starts with room for liburcu's and is
 * handed over as is.
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rt_internal.h"

#if defined(SHIM_RCU_URCU) + defined(SHIM_RCU_SINGLE) + defined(SHIM_RCU_C11) != 1
#error "choose one of SHIM_RCU_URCU, SHIM_RCU_SINGLE, SHIM_RCU_C11"
#endif

/* The shim's struct rcu_head (callback_head in linux/types.h). */
struct callback_head {
	void *__urcu[2];
	void (*func)(struct callback_head *head);
	void *__kfree_ptr;
};

/* From the rest of the shim runtime. */
void shim_might_sleep(const char *file, int line);
void shim_warn(const char *file, int line, const char *func, const char *fmt, ...)
	__attribute__((__format__(printf, 4, 5)));
void shim_kfree(const void *p, int kind, const void *cache);
bool shim_in_atomic(void);

static __thread int nesting;		/* rcu_read_lock() depth */
static __thread bool atomic_reader;	/* reader for being atomic */
static __thread void (*unlock_hook)(void *);
static __thread void *unlock_hook_arg;

/* ---------------------------------------------------------------------
 * The flavours: registration, readers, grace periods, callbacks.
 */
#ifdef SHIM_RCU_URCU
#include <urcu/urcu-memb.h>

_Static_assert(sizeof(struct rcu_head) <= sizeof(((struct callback_head *)0)->__urcu),
	       "liburcu's rcu_head does not fit the shim's");

#define flavour_register_thread()	urcu_memb_register_thread()
#define flavour_unregister_thread()	urcu_memb_unregister_thread()
#define flavour_read_lock()		urcu_memb_read_lock()
#define flavour_read_unlock()		urcu_memb_read_unlock()
#define flavour_synchronize()		urcu_memb_synchronize_rcu()
#define flavour_barrier()		urcu_memb_barrier()

static void call_trampoline(struct rcu_head *urcu_head)
{
	struct callback_head *head = (struct callback_head *)urcu_head;

	head->func(head);
}

static void flavour_call(struct callback_head *head)
{
	urcu_memb_call_rcu((struct rcu_head *)head, call_trampoline);
}

#else /* SHIM_RCU_SINGLE or SHIM_RCU_C11: our own callback queue */

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cb_cond = PTHREAD_COND_INITIALIZER;
static struct callback_head *cb_head, **cb_tail = &cb_head;
/* Held while a batch runs: rcu_barrier() waits for the worker's batch. */
static pthread_mutex_t flush_lock = PTHREAD_MUTEX_INITIALIZER;

static void flavour_synchronize(void);
static void start_worker(void);

static void flavour_call(struct callback_head *head)
{
	head->__urcu[0] = NULL;
	pthread_mutex_lock(&cb_lock);
	*cb_tail = head;
	cb_tail = (struct callback_head **)&head->__urcu[0];
	pthread_cond_signal(&cb_cond);
	pthread_mutex_unlock(&cb_lock);
	start_worker();
}

/* Run every queued callback (and those they queue), each after a grace period. */
static void flush(void)
{
	struct callback_head *head, *next;

	for (;;) {
		pthread_mutex_lock(&cb_lock);
		head = cb_head;
		cb_head = NULL;
		cb_tail = &cb_head;
		pthread_mutex_unlock(&cb_lock);
		if (!head)
			return;
		flavour_synchronize();
		for (; head; head = next) {
			next = head->__urcu[0];
			head->func(head);
		}
	}
}

static void flavour_barrier(void)
{
	pthread_mutex_lock(&flush_lock);
	flush();
	pthread_mutex_unlock(&flush_lock);
}
#endif

#ifdef SHIM_RCU_SINGLE
#define flavour_register_thread()	do { } while (0)
#define flavour_unregister_thread()	do { } while (0)
#define flavour_read_lock()		do { } while (0)
#define flavour_read_unlock()		do { } while (0)

static void flavour_synchronize(void)
{
}

static void start_worker(void)
{
}
#endif

#ifdef SHIM_RCU_C11
struct reader {
	unsigned long ctr;	/* 0 outside a reader, else gp_ctr on entry */
	struct reader *next;
};

static pthread_mutex_t gp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reader *readers;
static unsigned long gp_ctr = 1;
static __thread struct reader self;
static __thread int depth;

static void flavour_register_thread(void)
{
	pthread_mutex_lock(&readers_lock);
	self.next = readers;
	readers = &self;
	pthread_mutex_unlock(&readers_lock);
}

static void flavour_unregister_thread(void)
{
	struct reader **r;

	pthread_mutex_lock(&readers_lock);
	for (r = &readers; *r; r = &(*r)->next) {
		if (*r == &self) {
			*r = self.next;
			break;
		}
	}
	pthread_mutex_unlock(&readers_lock);
}

static void flavour_read_lock(void)
{
	if (depth++)
		return;
	__atomic_store_n(&self.ctr, __atomic_load_n(&gp_ctr, __ATOMIC_ACQUIRE),
			 __ATOMIC_SEQ_CST);
	/* the count, then the reader's loads (liburcu-mb's smp_mb()) */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void flavour_read_unlock(void)
{
	if (--depth)
		return;
	__atomic_store_n(&self.ctr, 0, __ATOMIC_RELEASE);
}

static void flavour_synchronize(void)
{
	unsigned long gp, c;
	struct reader *r;
	unsigned int spins;

	pthread_mutex_lock(&gp_lock);
	gp = __atomic_add_fetch(&gp_ctr, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&readers_lock);
	for (r = readers; r; r = r->next) {
		for (spins = 0; ; spins++) {
			c = __atomic_load_n(&r->ctr, __ATOMIC_ACQUIRE);
			if (!c || c >= gp)
				break;
			if (spins < 100)
				sched_yield();
			else
				usleep(100);
		}
	}
	pthread_mutex_unlock(&readers_lock);
	pthread_mutex_unlock(&gp_lock);
}

static void *worker(void *unused)
{
	for (;;) {
		pthread_mutex_lock(&cb_lock);
		while (!cb_head)
			pthread_cond_wait(&cb_cond, &cb_lock);
		pthread_mutex_unlock(&cb_lock);
		pthread_mutex_lock(&flush_lock);
		flush();
		pthread_mutex_unlock(&flush_lock);
	}
	return NULL;
}

static pthread_once_t worker_once = PTHREAD_ONCE_INIT;

static void create_worker(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, worker, NULL)) {
		fprintf(stderr, "shim: cannot start the RCU callback thread\n");
		abort();
	}
	pthread_detach(t);
}

static void start_worker(void)
{
	pthread_once(&worker_once, create_worker);
}
#endif

/* ---------------------------------------------------------------------
 * What the shim calls, the same in every flavour.
 */
static pthread_key_t reg_key;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static __thread bool registered;

static void unregister_at_exit(void *unused)
{
	if (registered) {
		registered = false;
		flavour_unregister_thread();
	}
}

static void make_key(void)
{
	if (pthread_key_create(&reg_key, unregister_at_exit)) {
		fprintf(stderr, "shim: pthread_key_create failed\n");
		abort();
	}
}

void shim_rcu_register_thread(void)
{
	if (registered)
		return;
	pthread_once(&reg_once, make_key);
	flavour_register_thread();
	registered = true;
	pthread_setspecific(reg_key, (void *)1);
}

void shim_rcu_read_lock(void)
{
	shim_rcu_register_thread();
	nesting++;
	flavour_read_lock();
}

void shim_rcu_read_unlock(void)
{
	if (nesting <= 0) {
		shim_warn(__FILE__, __LINE__, __func__,
			  "rcu_read_unlock() without rcu_read_lock()");
		return;
	}
	nesting--;
	flavour_read_unlock();
	if (!nesting && unlock_hook) {
		void (*hook)(void *) = unlock_hook;

		unlock_hook = NULL;
		hook(unlock_hook_arg);
	}
}

/*
 * Run @hook once, at this thread's next exit from its outermost read-side
 * critical section: "another context" acting right after a reader left,
 * which is where a use that should have stayed inside the reader shows.
 */
void shim_rcu_after_next_unlock(void (*hook)(void *), void *arg)
{
	unlock_hook = hook;
	unlock_hook_arg = arg;
}

void shim_rcu_atomic_enter(void)
{
	shim_rcu_register_thread();
	atomic_reader = true;
	flavour_read_lock();
}

void shim_rcu_atomic_exit(void)
{
	atomic_reader = false;
	flavour_read_unlock();
}

int shim_rcu_nesting(void)
{
	return nesting;
}

bool shim_rcu_read_lock_held(void)
{
	return nesting > 0;
}

bool shim_rcu_read_lock_any_held(void)
{
	return nesting > 0 || atomic_reader || shim_in_atomic();
}

bool shim_rcu_reset_thread(void)
{
	bool dirty = nesting != 0;

	unlock_hook = NULL;

	while (nesting > 0) {
		nesting--;
		flavour_read_unlock();
	}
	nesting = 0;
	return dirty;
}

void shim_synchronize_rcu(const char *file, int line)
{
	shim_might_sleep(file, line);
	/* a reader waiting for itself would hang: reported above, skip */
	if (nesting || atomic_reader)
		return;
#ifdef SHIM_RCU_SINGLE
	/* the only thread is in no reader: a grace period, callbacks due */
	flavour_barrier();
#else
	flavour_synchronize();
#endif
}

void shim_call_rcu(struct callback_head *head, void (*func)(struct callback_head *))
{
	shim_rcu_register_thread();
	head->func = func;
	flavour_call(head);
}

static void kfree_trampoline(struct callback_head *head)
{
	shim_kfree(head->__kfree_ptr, 0 /* SHIM_KMALLOC */, NULL);
}

void shim_kfree_rcu(struct callback_head *head, const void *ptr)
{
	head->__kfree_ptr = (void *)ptr;
	shim_call_rcu(head, kfree_trampoline);
}

static void kvfree_trampoline(struct callback_head *head)
{
	shim_kfree(head->__kfree_ptr, 1 /* SHIM_VMALLOC */, NULL);
}

void shim_kvfree_rcu(struct callback_head *head, const void *ptr)
{
	head->__kfree_ptr = (void *)ptr;
	shim_call_rcu(head, kvfree_trampoline);
}

void shim_rcu_barrier(void)
{
	if (nesting || atomic_reader) {
		shim_warn(__FILE__, __LINE__, __func__,
			  "rcu_barrier() inside an RCU read-side critical section");
		return;
	}
	shim_rcu_register_thread();
	flavour_barrier();
}

void shim_rcu_suspicious(const char *file, int line, const char *msg)
{
	shim_warn(file, line, "lockdep_rcu_suspicious",
		  "WARNING: suspicious RCU usage: %s", msg);
}
