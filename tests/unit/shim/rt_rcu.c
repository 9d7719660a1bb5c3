// SPDX-License-Identifier: GPL-2.0
/*
 * RCU for the shim, on liburcu's urcu-memb flavour.  This file sees
 * liburcu's struct rcu_head, never the shim's (see linux/types.h): the
 * shim's head starts with room for liburcu's and is handed over as is.
 *
 * Threads register on their first RCU use and unregister when they exit
 * (a pthread key destructor), so test threads need no ceremony.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <urcu/urcu-memb.h>

#include "rt_internal.h"

/* The shim's struct rcu_head (callback_head in linux/types.h). */
struct callback_head {
	void *__urcu[2];
	void (*func)(struct callback_head *head);
	void *__kfree_ptr;
};

_Static_assert(sizeof(struct rcu_head) <= sizeof(((struct callback_head *)0)->__urcu),
	       "liburcu's rcu_head does not fit the shim's");

/* From the rest of the shim runtime. */
void shim_might_sleep(const char *file, int line);
void shim_warn(const char *file, int line, const char *func, const char *fmt, ...)
	__attribute__((__format__(printf, 4, 5)));
void shim_kfree(const void *p, int kind, const void *cache);
bool shim_in_atomic(void);

static pthread_key_t reg_key;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static __thread bool registered;
static __thread int nesting;		/* rcu_read_lock() depth */
static __thread bool atomic_reader;	/* reader for being atomic */

static void unregister_at_exit(void *unused)
{
	if (registered) {
		registered = false;
		urcu_memb_unregister_thread();
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
	urcu_memb_register_thread();
	registered = true;
	pthread_setspecific(reg_key, (void *)1);
}

void shim_rcu_read_lock(void)
{
	shim_rcu_register_thread();
	nesting++;
	urcu_memb_read_lock();
}

void shim_rcu_read_unlock(void)
{
	if (nesting <= 0) {
		shim_warn(__FILE__, __LINE__, __func__,
			  "rcu_read_unlock() without rcu_read_lock()");
		return;
	}
	nesting--;
	urcu_memb_read_unlock();
}

void shim_rcu_atomic_enter(void)
{
	shim_rcu_register_thread();
	atomic_reader = true;
	urcu_memb_read_lock();
}

void shim_rcu_atomic_exit(void)
{
	atomic_reader = false;
	urcu_memb_read_unlock();
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

	while (nesting > 0) {
		nesting--;
		urcu_memb_read_unlock();
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
	urcu_memb_synchronize_rcu();
}

static void call_trampoline(struct rcu_head *urcu_head)
{
	struct callback_head *head = (struct callback_head *)urcu_head;

	head->func(head);
}

void shim_call_rcu(struct callback_head *head, void (*func)(struct callback_head *))
{
	shim_rcu_register_thread();
	head->func = func;
	urcu_memb_call_rcu((struct rcu_head *)head, call_trampoline);
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
	urcu_memb_barrier();
}

void shim_rcu_suspicious(const char *file, int line, const char *msg)
{
	shim_warn(file, line, "lockdep_rcu_suspicious",
		  "WARNING: suspicious RCU usage: %s", msg);
}
