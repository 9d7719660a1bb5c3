// SPDX-License-Identifier: GPL-2.0
/*
 * RCU for the fuzz target, in place of tests/unit/shim/rt_rcu.c (liburcu).
 * The fuzz target runs one thread, so a grace period is simply a moment
 * when that thread is in no read-side critical section: callbacks queued
 * by call_rcu()/kfree_rcu() run at synchronize_rcu() or rcu_barrier(),
 * which the target calls between operations.  Memory freed by RCU thus
 * stays valid for the rest of the operation that freed it, as in the
 * kernel, and AddressSanitizer catches a use after that.  liburcu's
 * barrier, with its worker thread, costs milliseconds per call; this
 * costs nothing.  Same interface and the same misuse reports as rt_rcu.c.
 */
#include <pthread.h>
#include <stdbool.h>

#include <linux/types.h>
#include <klpsv_shim.h>
#include "rt_internal.h"

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct callback_head *cb_head, **cb_tail = &cb_head;

static __thread int nesting;
static __thread bool atomic_reader;

void shim_rcu_register_thread(void)
{
}

void shim_rcu_read_lock(void)
{
	nesting++;
}

void shim_rcu_read_unlock(void)
{
	if (nesting <= 0) {
		shim_warn(__FILE__, __LINE__, __func__,
			  "rcu_read_unlock() without rcu_read_lock()");
		return;
	}
	nesting--;
}

void shim_rcu_atomic_enter(void)
{
	atomic_reader = true;
}

void shim_rcu_atomic_exit(void)
{
	atomic_reader = false;
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

	nesting = 0;
	return dirty;
}

/* Run every queued callback (and those they queue). */
static void flush(void)
{
	struct callback_head *head;

	for (;;) {
		pthread_mutex_lock(&cb_lock);
		head = cb_head;
		if (head) {
			cb_head = head->__urcu[0];
			if (!cb_head)
				cb_tail = &cb_head;
		}
		pthread_mutex_unlock(&cb_lock);
		if (!head)
			return;
		head->func(head);
	}
}

void shim_synchronize_rcu(const char *file, int line)
{
	shim_might_sleep(file, line);
	if (nesting || atomic_reader)
		return;
	flush();
}

void shim_call_rcu(struct callback_head *head, rcu_callback_t func)
{
	head->func = func;
	head->__urcu[0] = NULL;
	pthread_mutex_lock(&cb_lock);
	*cb_tail = head;
	cb_tail = (struct callback_head **)&head->__urcu[0];
	pthread_mutex_unlock(&cb_lock);
}

static void kfree_trampoline(struct callback_head *head)
{
	shim_kfree(head->__kfree_ptr, SHIM_KMALLOC, NULL);
}

void shim_kfree_rcu(struct callback_head *head, const void *ptr)
{
	head->__kfree_ptr = (void *)ptr;
	shim_call_rcu(head, kfree_trampoline);
}

static void kvfree_trampoline(struct callback_head *head)
{
	shim_kfree(head->__kfree_ptr, SHIM_VMALLOC, NULL);
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
	flush();
}

void shim_rcu_suspicious(const char *file, int line, const char *msg)
{
	shim_warn(file, line, "lockdep_rcu_suspicious",
		  "WARNING: suspicious RCU usage: %s", msg);
}
