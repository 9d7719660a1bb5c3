// SPDX-License-Identifier: GPL-2.0
/*
 * The rest of the shim runtime: kstrto*(), kasprintf(), deferred work,
 * THIS_MODULE and the per-test reset.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/sort.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <klpsv_shim.h>
#include "rt_internal.h"

struct module __this_module = {
	.name = "klpsv_unit",
	.klp = true,
};

static u64 random_state;

void shim_reset(void)
{
	shim_log_clear();
	shim_context_new_test();
	shim_alloc_new_test();
	__atomic_store_n(&random_state, 0x853c49e6748fea9bULL, __ATOMIC_RELAXED);
}

/* splitmix64: small, good enough, and the same sequence every test */
u64 shim_random_u64(void)
{
	u64 z = __atomic_add_fetch(&random_state, 0x9e3779b97f4a7c15ULL,
				   __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		u64 v = shim_random_u64();
		size_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

static u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

u64 shim_ktime_get_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

u64 shim_ktime_get_real_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

static unsigned long jiffies_now;

unsigned long *shim_jiffies_ptr(void)
{
	static u64 start;
	u64 now = shim_ktime_get_ns();

	if (!start)
		start = now;
	/* starts near a wrap, as the kernel's INITIAL_JIFFIES does */
	WRITE_ONCE(jiffies_now, (unsigned long)(-300 * HZ) +
		   (now - start) / (NSEC_PER_SEC / HZ));
	return &jiffies_now;
}

bool try_wait_for_completion(struct completion *x)
{
	unsigned int done = __atomic_load_n(&x->done, __ATOMIC_ACQUIRE);

	do {
		if (!done)
			return false;
		if (done == COMPLETION_ALL)
			return true;
	} while (!__atomic_compare_exchange_n(&x->done, &done, done - 1, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE));
	return true;
}

void shim_wait_for_completion(struct completion *x, const char *file, int line)
{
	shim_might_sleep(file, line);
	while (!try_wait_for_completion(x))
		usleep(100);
}

static void generic_swap(void *a, void *b, int size)
{
	char *x = a, *y = b, t;

	while (size--) {
		t = *x;
		*x++ = *y;
		*y++ = t;
	}
}

void sort(void *base, size_t num, size_t size, cmp_func_t cmp, swap_func_t swap_fn)
{
	char *b = base;
	size_t n = num, i, root, child;

	if (!swap_fn)
		swap_fn = generic_swap;
	if (num < 2)
		return;
	/* heapify, then pop the max to the end */
	for (i = num / 2; i-- > 0;) {
		for (root = i; (child = 2 * root + 1) < n; root = child) {
			if (child + 1 < n && cmp(b + child * size, b + (child + 1) * size) < 0)
				child++;
			if (cmp(b + root * size, b + child * size) >= 0)
				break;
			swap_fn(b + root * size, b + child * size, size);
		}
	}
	for (n = num - 1; n > 0; n--) {
		swap_fn(b, b + n * size, size);
		for (root = 0; (child = 2 * root + 1) < n; root = child) {
			if (child + 1 < n && cmp(b + child * size, b + (child + 1) * size) < 0)
				child++;
			if (cmp(b + root * size, b + child * size) >= 0)
				break;
			swap_fn(b + root * size, b + child * size, size);
		}
	}
}

/* kstrto*(): the kernel's rules (one optional trailing newline). */

static int parse_ull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long acc = 0;
	bool any = false;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]))
			base = 16;
		else if (s[0] == '0')
			base = 8;
		else
			base = 10;
	}
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'z')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'Z')
			d = *s - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		if (__builtin_mul_overflow(acc, base, &acc) ||
		    __builtin_add_overflow(acc, d, &acc))
			return -ERANGE;
		any = true;
	}
	if (!any)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = acc;
	return 0;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return parse_ull(s, base, res);
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long tmp;
	int rv;

	if (s[0] == '-') {
		rv = parse_ull(s + 1, base, &tmp);
		if (rv < 0)
			return rv;
		if ((long long)-tmp > 0)
			return -ERANGE;
		*res = -tmp;
	} else {
		rv = kstrtoull(s, base, &tmp);
		if (rv < 0)
			return rv;
		if ((long long)tmp < 0)
			return -ERANGE;
		*res = tmp;
	}
	return 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long tmp;
	int rv = kstrtoull(s, base, &tmp);

	if (!rv)
		*res = tmp;
	return rv;
}

int kstrtol(const char *s, unsigned int base, long *res)
{
	long long tmp;
	int rv = kstrtoll(s, base, &tmp);

	if (!rv)
		*res = tmp;
	return rv;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long tmp;
	int rv = kstrtoull(s, base, &tmp);

	if (rv < 0)
		return rv;
	if (tmp != (unsigned int)tmp)
		return -ERANGE;
	*res = tmp;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long tmp;
	int rv = kstrtoll(s, base, &tmp);

	if (rv < 0)
		return rv;
	if (tmp != (int)tmp)
		return -ERANGE;
	*res = tmp;
	return 0;
}

int kstrtou64(const char *s, unsigned int base, u64 *res)
{
	return kstrtoull(s, base, res);
}

int kstrtou32(const char *s, unsigned int base, u32 *res)
{
	return kstrtouint(s, base, res);
}

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		switch (s[1]) {
		case 'n': case 'N':
			*res = true;
			return 0;
		case 'f': case 'F':
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

char *shim_kvasprintf(const char *file, int line, gfp_t gfp, const char *fmt,
		      va_list args)
{
	va_list aq;
	char *p;
	int len;

	va_copy(aq, args);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = shim_kmalloc(len + 1, gfp, SHIM_KMALLOC, NULL, file, line);
	if (p)
		vsnprintf(p, len + 1, fmt, args);
	return p;
}

char *shim_kasprintf(const char *file, int line, gfp_t gfp, const char *fmt, ...)
{
	va_list args;
	char *p;

	va_start(args, fmt);
	p = shim_kvasprintf(file, line, gfp, fmt, args);
	va_end(args);
	return p;
}

/* Workqueues: one queue of pending work, run on demand. */

struct workqueue_struct {
	char name[32];
};

static struct workqueue_struct wq_events = { "events" };
static struct workqueue_struct wq_unbound = { "events_unbound" };
static struct workqueue_struct wq_long = { "events_long" };
static struct workqueue_struct wq_highpri = { "events_highpri" };
struct workqueue_struct *system_wq = &wq_events;
struct workqueue_struct *system_unbound_wq = &wq_unbound;
struct workqueue_struct *system_long_wq = &wq_long;
struct workqueue_struct *system_highpri_wq = &wq_highpri;

static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(work_queue);

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	bool queued = false;

	pthread_mutex_lock(&work_lock);
	if (!work->pending) {
		work->pending = true;
		list_add_tail(&work->entry, &work_queue);
		queued = true;
	}
	pthread_mutex_unlock(&work_lock);
	return queued;
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay)
{
	dwork->delay = delay;
	return queue_work(wq, &dwork->work);
}

bool cancel_work(struct work_struct *work)
{
	bool was = false;

	pthread_mutex_lock(&work_lock);
	if (work->pending) {
		list_del_init(&work->entry);
		work->pending = false;
		was = true;
	}
	pthread_mutex_unlock(&work_lock);
	return was;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay)
{
	bool was = cancel_work(&dwork->work);

	queue_delayed_work(wq, dwork, delay);
	return was;
}

bool cancel_work_sync(struct work_struct *work)
{
	might_sleep();
	return cancel_work(work);
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	return cancel_work(&dwork->work);
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return cancel_work_sync(&dwork->work);
}

/* Runs work now, in the caller, if it is queued. */
bool flush_work(struct work_struct *work)
{
	might_sleep();
	if (!cancel_work(work))
		return false;
	work->func(work);
	return true;
}

bool flush_delayed_work(struct delayed_work *dwork)
{
	return flush_work(&dwork->work);
}

unsigned int shim_work_run(void)
{
	struct work_struct *work;
	unsigned int n = 0;

	for (;;) {
		pthread_mutex_lock(&work_lock);
		work = list_first_entry_or_null(&work_queue, struct work_struct, entry);
		if (work) {
			list_del_init(&work->entry);
			work->pending = false;
		}
		pthread_mutex_unlock(&work_lock);
		if (!work)
			return n;
		work->func(work);
		n++;
	}
}

void flush_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	shim_work_run();
}

void drain_workqueue(struct workqueue_struct *wq)
{
	flush_workqueue(wq);
}

unsigned int shim_work_pending(void)
{
	unsigned int n;

	pthread_mutex_lock(&work_lock);
	n = list_count_nodes(&work_queue);
	pthread_mutex_unlock(&work_lock);
	return n;
}

unsigned int shim_work_cancel_all(void)
{
	struct work_struct *work, *tmp;
	unsigned int n = 0;

	pthread_mutex_lock(&work_lock);
	list_for_each_entry_safe(work, tmp, &work_queue, entry) {
		list_del_init(&work->entry);
		work->pending = false;
		n++;
	}
	pthread_mutex_unlock(&work_lock);
	return n;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	va_list args;

	if (!wq)
		return NULL;
	va_start(args, max_active);
	vsnprintf(wq->name, sizeof(wq->name), fmt, args);
	va_end(args);
	return wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	drain_workqueue(wq);
	kfree(wq);
}
