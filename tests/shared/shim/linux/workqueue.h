/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deterministic workqueues: queued work runs only when a test calls
 * shim_work_run() (or a flush_*() is called), in the calling thread, in
 * queueing order.  Delays are ignored.
 */
#ifndef _SHIM_LINUX_WORKQUEUE_H
#define _SHIM_LINUX_WORKQUEUE_H

#include <linux/list.h>
#include <linux/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	struct list_head entry;
	work_func_t func;
	bool pending;
};

struct delayed_work {
	struct work_struct work;
	unsigned long delay;
};

struct workqueue_struct;

extern struct workqueue_struct *system_wq;
extern struct workqueue_struct *system_unbound_wq;
extern struct workqueue_struct *system_long_wq;
extern struct workqueue_struct *system_highpri_wq;

#define WQ_UNBOUND		(1 << 1)
#define WQ_FREEZABLE		(1 << 2)
#define WQ_MEM_RECLAIM		(1 << 3)
#define WQ_HIGHPRI		(1 << 4)

#define __WORK_INITIALIZER(n, f) { .entry = LIST_HEAD_INIT((n).entry), .func = (f) }
#define DECLARE_WORK(n, f)	struct work_struct n = __WORK_INITIALIZER(n, f)
#define DECLARE_DELAYED_WORK(n, f) \
	struct delayed_work n = { .work = __WORK_INITIALIZER((n).work, (f)) }
#define INIT_WORK(_work, _func) do {					\
	INIT_LIST_HEAD(&(_work)->entry);				\
	(_work)->func = (_func);					\
	(_work)->pending = false;					\
} while (0)
#define INIT_DELAYED_WORK(_work, _func) INIT_WORK(&(_work)->work, (_func))

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

#define work_pending(work)		READ_ONCE((work)->pending)
#define delayed_work_pending(w)		work_pending(&(w)->work)

bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay);
bool cancel_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);
bool cancel_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
bool flush_work(struct work_struct *work);
bool flush_delayed_work(struct delayed_work *dwork);
void flush_workqueue(struct workqueue_struct *wq);
void drain_workqueue(struct workqueue_struct *wq);
__printf(1, 4) struct workqueue_struct *alloc_workqueue(const char *fmt,
							unsigned int flags,
							int max_active, ...);
void destroy_workqueue(struct workqueue_struct *wq);

#define schedule_work(work)		queue_work(system_wq, work)
#define schedule_delayed_work(dw, d)	queue_delayed_work(system_wq, dw, d)
#define flush_scheduled_work()		flush_workqueue(system_wq)
#define alloc_ordered_workqueue(fmt, flags, args...) \
	alloc_workqueue(fmt, WQ_UNBOUND | (flags), 1, ##args)

#endif /* _SHIM_LINUX_WORKQUEUE_H */
