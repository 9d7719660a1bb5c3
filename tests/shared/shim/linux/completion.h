/* SPDX-License-Identifier: GPL-2.0 */
/* Completions; waiting polls, which is plenty for tests. */
#ifndef _SHIM_LINUX_COMPLETION_H
#define _SHIM_LINUX_COMPLETION_H

#include <linux/kernel.h>
#include <klpsv_shim.h>

#define COMPLETION_ALL	(1U << 30)

struct completion {
	unsigned int done;
};

#define COMPLETION_INITIALIZER(work)	{ 0 }
#define DECLARE_COMPLETION(work)	struct completion work = { 0 }
#define init_completion(x)		((x)->done = 0)
#define reinit_completion(x)		WRITE_ONCE((x)->done, 0)

bool try_wait_for_completion(struct completion *x);
void shim_wait_for_completion(struct completion *x, const char *file, int line);
#define wait_for_completion(x)	shim_wait_for_completion(x, __FILE__, __LINE__)
#define wait_for_completion_interruptible(x) ({ wait_for_completion(x); 0; })
#define wait_for_completion_killable(x)	({ wait_for_completion(x); 0; })

static inline void complete(struct completion *x)
{
	__atomic_add_fetch(&x->done, 1, __ATOMIC_RELEASE);
}

static inline void complete_all(struct completion *x)
{
	__atomic_store_n(&x->done, COMPLETION_ALL, __ATOMIC_RELEASE);
}

static inline bool completion_done(struct completion *x)
{
	return __atomic_load_n(&x->done, __ATOMIC_ACQUIRE) != 0;
}

#endif /* _SHIM_LINUX_COMPLETION_H */
