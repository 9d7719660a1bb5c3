// SPDX-License-Identifier: GPL-2.0
/*
 * Stress victim: kthreads calling the functions the stress livepatches
 * replace, flat out, on a pool of objects, each call under the object's
 * spinlock.  Driven through /proc/klpsv_stress:
 *
 *	echo start > /proc/klpsv_stress		# start the threads
 *	echo stop > /proc/klpsv_stress		# stop them (waits)
 *	echo "sticky 1" > /proc/klpsv_stress	# pin sticky threads in
 *						# stress_slice() (0: release)
 *	echo "grow 500" > /proc/klpsv_stress	# pinned threads create 500
 *						# more objects, 1 per jiffy each
 *	echo "pause 1" > /proc/klpsv_stress	# threads sleep between slices
 *						# (waits until they all do)
 *	echo touch > /proc/klpsv_stress		# one call on every born object
 *	echo "close 64" > /proc/klpsv_stress	# 1 call in 64 frees the
 *						# object's shadow data (0: never)
 *	echo "old_creates 1" > /proc/klpsv_stress # only pinned threads
 *						# create data for objects
 *						# without (0: any thread)
 *	echo "phase 3" > /proc/klpsv_stress	# objects created from now on
 *						# record phase 3
 *	echo "park 3000" > /proc/klpsv_stress	# sleep 3 s in stress_park()
 *	cat /proc/klpsv_stress			# counters, one line
 *	cat /proc/klpsv_stress_scan		# sum of the shadow counters,
 *						# klpsv's and the raw id's
 *						# shadow variables, the
 *						# objects whose counter differs
 *						# from their own tally
 *						# (id:counter/tally@phase),
 *						# and the owned buffers: live
 *						# and owned by an instance
 *
 * The patched functions count in shadow data; the victim's own versions
 * count nothing.  stress_ctl.tally is bumped by patched code exactly when
 * it incremented a shadow counter, so, with the threads stopped, the sum
 * of all shadow counters (plus what stress_close() retired) must equal it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <klpsv.h>

#include "stress.h"
#include "../../lib/format.h"

static unsigned int nobjs = 10000;
module_param(nobjs, uint, 0444);
MODULE_PARM_DESC(nobjs, "objects in the pool (at least 64)");

static unsigned int nbase = 6000;
module_param(nbase, uint, 0444);
MODULE_PARM_DESC(nbase, "objects born at load; the others are created by pinned threads");

static unsigned int nthreads = 4;
module_param(nthreads, uint, 0444);
MODULE_PARM_DESC(nthreads, "kthreads calling the patched functions");

static unsigned int nsticky = 2;
module_param(nsticky, uint, 0444);
MODULE_PARM_DESC(nsticky, "threads that pin themselves on 'sticky 1' (and create objects)");

static unsigned int nhot = 64;
module_param(nhot, uint, 0444);
MODULE_PARM_DESC(nhot, "hot objects at the start of the pool");

static unsigned int hot_pct = 20;
module_param(hot_pct, uint, 0444);
MODULE_PARM_DESC(hot_pct, "percentage of calls aimed at the hot objects");

static unsigned int pending_sleep_ms = 10;
module_param(pending_sleep_ms, uint, 0444);
MODULE_PARM_DESC(pending_sleep_ms, "while a transition waits for a thread, it sleeps this long between slices (0: no)");

static int nice = 5;
module_param(nice, int, 0444);
MODULE_PARM_DESC(nice, "nice value of the threads (the test's shell stays responsive)");

static unsigned int close_every;
module_param(close_every, uint, 0444);
MODULE_PARM_DESC(close_every, "1 in N calls frees the object's shadow data (0: never)");

struct stress_ctl stress_ctl;
EXPORT_SYMBOL_GPL(stress_ctl);

static struct stress_thread *threads;
static DEFINE_MUTEX(ctl_lock);	/* start, stop, touch, scan */

/*
 * The patched functions: global and opaque to the compiler's
 * interprocedural optimizations (no inlining, cloning or return value
 * propagation), so every call stays for the livepatch to redirect.
 */
#define STRESS_PATCHABLE	noinline __attribute__((__noipa__))
STRESS_PATCHABLE bool stress_op(struct stress_obj *o)
{
	atomic64_inc(&stress_ctl.calls[0]);
	return false;
}
EXPORT_SYMBOL_GPL(stress_op);

STRESS_PATCHABLE u64 stress_report(struct stress_obj *o, u32 *owned)
{
	*owned = 0;
	return 0;
}
EXPORT_SYMBOL_GPL(stress_report);

STRESS_PATCHABLE void stress_close(struct stress_obj *o)
{
	atomic64_inc(&stress_ctl.calls[0]);
}
EXPORT_SYMBOL_GPL(stress_close);

STRESS_PATCHABLE void stress_slice(struct stress_thread *t)
{
	stress_slice_body(t);
}
EXPORT_SYMBOL_GPL(stress_slice);

STRESS_PATCHABLE void stress_park(unsigned int ms)
{
	stress_park_body(ms);
}
EXPORT_SYMBOL_GPL(stress_park);

static int stress_thread_fn(void *arg)
{
	struct stress_thread *t = arg;
	unsigned long slices = 0;

	while (!kthread_should_stop()) {
		if (READ_ONCE(stress_ctl.paused)) {
			atomic_inc(&stress_ctl.npaused);
			while (READ_ONCE(stress_ctl.paused) &&
			       !kthread_should_stop())
				msleep(5);
			atomic_dec(&stress_ctl.npaused);
			continue;
		}
		stress_slice(t);
		/*
		 * Outside every patched function: a transition can switch us
		 * here.  While one waits for us, mostly sleep here, so that its
		 * next check of our stack (every second) finds us outside
		 * stress_slice(), even on kernels that preempt us anywhere.
		 */
		if (pending_sleep_ms && klp_patch_pending(current))
			msleep(pending_sleep_ms);
		else if (++slices % 8 == 0)
			usleep_range(20, 50);
		else
			stress_resched();
	}
	return 0;
}

static void stress_stop(void)
{
	unsigned int i;

	WRITE_ONCE(stress_ctl.running, false);
	WRITE_ONCE(stress_ctl.paused, false);
	for (i = 0; i < nthreads; i++) {
		if (threads[i].task)
			kthread_stop(threads[i].task);
		threads[i].task = NULL;
	}
}

static int stress_start(void)
{
	struct task_struct *task;
	unsigned int i;

	if (READ_ONCE(stress_ctl.running))
		return -EBUSY;
	WRITE_ONCE(stress_ctl.running, true);
	for (i = 0; i < nthreads; i++) {
		threads[i].nr = i;
		threads[i].rnd = 0x9e3779b9u * (i + 1) ^ (u32)jiffies;
		if (!threads[i].rnd)
			threads[i].rnd = 1;
		threads[i].sticky = i < nsticky;
		task = kthread_create(stress_thread_fn, &threads[i],
				      "klpsv_stress/%u", i);
		if (IS_ERR(task)) {
			stress_stop();
			return PTR_ERR(task);
		}
		set_user_nice(task, nice);
		threads[i].task = task;
		wake_up_process(task);
	}
	return 0;
}

/*
 * Pause the threads between two slices (outside every patched function),
 * or let them run again.  The test pauses them while the first patch is
 * loaded: ftrace then rewrites the entry of every victim function, which
 * the threads would otherwise execute millions of times a second, and on
 * the 6.12 kernels under qemu's TCG a thread hitting the int3 of that
 * rewrite sometimes dies of an unhandled int3 (a kernel or emulator
 * problem, not klpsv's: klpsv patches no text).
 */
static int stress_pause(bool pause)
{
	unsigned int i;

	WRITE_ONCE(stress_ctl.paused, pause);
	if (!pause || !READ_ONCE(stress_ctl.running))
		return 0;
	for (i = 0; i < 1000; i++) {
		if (atomic_read(&stress_ctl.npaused) == nthreads)
			return 0;
		msleep(5);
	}
	WRITE_ONCE(stress_ctl.paused, false);
	return -ETIMEDOUT;
}

/* One call on every born object, from the writer's context. */
static void stress_touch(void)
{
	u32 i, n = atomic_read(&stress_ctl.next_new);

	for (i = 0; i < n; i++) {
		struct stress_obj *o = &stress_ctl.pool[i];

		if (!READ_ONCE(o->born))
			continue;
		spin_lock(&o->lock);
		stress_op(o);
		spin_unlock(&o->lock);
		if (i % 256 == 0)
			stress_resched();
	}
}

static ssize_t stress_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	char buf[48], cmd[16];
	unsigned int arg = 0;
	int n, err = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%15s %u", cmd, &arg);
	if (n < 1)
		return -EINVAL;
	if (!strcmp(cmd, "park")) {
		stress_park(arg);	/* outside every lock */
		return len;
	}
	mutex_lock(&ctl_lock);
	if (!strcmp(cmd, "start")) {
		err = stress_start();
	} else if (!strcmp(cmd, "stop")) {
		stress_stop();
	} else if (!strcmp(cmd, "pause") && n == 2) {
		err = stress_pause(arg != 0);
	} else if (!strcmp(cmd, "sticky") && n == 2) {
		WRITE_ONCE(stress_ctl.sticky, arg != 0);
	} else if (!strcmp(cmd, "grow") && n == 2) {
		WRITE_ONCE(stress_ctl.grow_limit,
			   min(stress_ctl.grow_limit + arg, stress_ctl.nobjs));
	} else if (!strcmp(cmd, "phase") && n == 2) {
		WRITE_ONCE(stress_ctl.phase, arg);
	} else if (!strcmp(cmd, "close") && n == 2) {
		WRITE_ONCE(stress_ctl.close_every, arg);
	} else if (!strcmp(cmd, "old_creates") && n == 2) {
		WRITE_ONCE(stress_ctl.old_creates, arg != 0);
	} else if (!strcmp(cmd, "touch")) {
		stress_touch();
	} else {
		err = -EINVAL;
	}
	mutex_unlock(&ctl_lock);
	return err ? err : len;
}

static int stress_show(struct seq_file *m, void *v)
{
	struct stress_ctl *c = &stress_ctl;
	unsigned int i, born = 0;

	for (i = 0; i < c->nobjs; i++)
		born += READ_ONCE(c->pool[i].born);
	seq_printf(m, "running=%d sticky=%d pinned=%d born=%u next_new=%d grow_limit=%u created=%d create_failed=%d tally=%lld missed=%lld retired=%lld corrupt=%lld bufs_alloc=%lld bufs_freed=%lld bufs_bad=%lld",
		   READ_ONCE(c->running), READ_ONCE(c->sticky),
		   atomic_read(&c->pinned), born,
		   atomic_read(&c->next_new), READ_ONCE(c->grow_limit),
		   atomic_read(&c->created), atomic_read(&c->create_failed),
		   atomic64_read(&c->tally), atomic64_read(&c->missed),
		   atomic64_read(&c->retired), atomic64_read(&c->corrupt),
		   atomic64_read(&c->bufs_alloc), atomic64_read(&c->bufs_freed),
		   atomic64_read(&c->bufs_bad));
	for (i = 0; i < STRESS_NR_CODE; i++)
		seq_printf(m, " calls%u=%lld", i, atomic64_read(&c->calls[i]));
	seq_putc(m, '\n');
	return 0;
}

static int stress_open(struct inode *inode, struct file *file)
{
	return single_open(file, stress_show, NULL);
}

static const struct proc_ops stress_proc_ops = {
	.proc_open = stress_open,
	.proc_read = seq_read,
	.proc_write = stress_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

/*
 * The sum of every shadow counter through the live patch's stress_report(),
 * plus what was retired, and the shadow variables the kernel's own table
 * holds for the family on the pool, in every layout epoch (a leak check
 * that does not trust klpsv's index); the buffers allocated and not freed
 * (bufs) and those the instances own (owned), which must be equal with the
 * threads stopped and no transition running; the raw shadow variables of
 * the adoption test's id (raw), and the objects patched code counted in
 * since their data was last freed (counted), each of which must have
 * exactly one instance or raw variable.
 */
static int scan_show(struct seq_file *m, void *v)
{
	const unsigned long id = KLPSV_ID(STRESS_NS, STRESS_LOCAL);
	struct stress_ctl *c = &stress_ctl;
	unsigned int per_epoch[KLPSV_ID_EPOCH_MASK + 1] = { };
	unsigned int i, e, shadows = 0, bad = 0, owned = 0, raw = 0, counted = 0;
	atomic_long_t *census;
	u32 own;
	char detail[256] = "";
	size_t used = 0;
	u64 sum = 0, got;

	mutex_lock(&ctl_lock);
	for (i = 0; i < c->nobjs; i++) {
		struct stress_obj *o = &c->pool[i];

		spin_lock(&o->lock);
		got = stress_report(o, &own);
		sum += got;
		owned += own;
		/* Objects whose counter is not what patched code counted. */
		if (got != o->expect && bad++ < 6 && used < sizeof(detail))
			used += scnprintf(detail + used, sizeof(detail) - used,
					  "%s%u:%llu/%llu@%u", used ? "," : "",
					  o->id, got, o->expect, o->birth);
		counted += !!o->expect;
		raw += !!klp_shadow_get(o, STRESS_RAW_ID);
		for (e = 0; e <= KLPSV_ID_EPOCH_MASK; e++) {
			if (klp_shadow_get(o, id | e)) {
				per_epoch[e]++;
				shadows++;
			}
		}
		spin_unlock(&o->lock);
		if (i % 256 == 0)
			stress_resched();
	}
	mutex_unlock(&ctl_lock);
	/* klpsv-owned instances (format 2), from the test builds' census */
	census = klp_shadow_get(KLPSV_REGISTRY_OBJ, KLPSV_CENSUS_ID);
	if (census)
		shadows += atomic_long_read(census);
	seq_printf(m, "ops=%llu live=%llu retired=%lld tally=%lld shadows=%u bad=%u bufs=%lld owned=%u raw=%u counted=%u",
		   sum + atomic64_read(&c->retired), sum,
		   atomic64_read(&c->retired), atomic64_read(&c->tally),
		   shadows, bad,
		   atomic64_read(&c->bufs_alloc) -
		   atomic64_read(&c->bufs_freed), owned, raw, counted);
	if (bad)
		seq_printf(m, " bad_objs=%s", detail);
	for (e = 0; e <= KLPSV_ID_EPOCH_MASK; e++) {
		if (per_epoch[e])
			seq_printf(m, " epoch%u=%u", e, per_epoch[e]);
	}
	seq_putc(m, '\n');
	return 0;
}

static int scan_open(struct inode *inode, struct file *file)
{
	return single_open(file, scan_show, NULL);
}

static const struct proc_ops scan_proc_ops = {
	.proc_open = scan_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init stress_victim_init(void)
{
	struct stress_ctl *c = &stress_ctl;
	unsigned int i;

	if (nobjs < 64 || nbase > nobjs || !nthreads || nsticky > nthreads ||
	    nhot > nbase || hot_pct > 100)
		return -EINVAL;
	c->pool = vzalloc(array_size(nobjs, sizeof(*c->pool)));
	threads = kcalloc(nthreads, sizeof(*threads), GFP_KERNEL);
	if (!c->pool || !threads)
		goto nomem;
	for (i = 0; i < nobjs; i++) {
		spin_lock_init(&c->pool[i].lock);
		c->pool[i].id = i;
		c->pool[i].born = i < nbase;
	}
	c->nobjs = nobjs;
	c->nhot = nhot;
	c->hot_pct = hot_pct;
	c->close_every = close_every;
	atomic_set(&c->next_new, nbase);
	c->grow_limit = nbase;
	if (!proc_create("klpsv_stress", 0644, NULL, &stress_proc_ops))
		goto nomem;
	if (!proc_create("klpsv_stress_scan", 0444, NULL, &scan_proc_ops)) {
		remove_proc_entry("klpsv_stress", NULL);
		goto nomem;
	}
	return 0;
nomem:
	kfree(threads);
	vfree(c->pool);
	return -ENOMEM;
}

static void __exit stress_victim_exit(void)
{
	remove_proc_entry("klpsv_stress_scan", NULL);
	remove_proc_entry("klpsv_stress", NULL);
	stress_stop();
	kfree(threads);
	vfree(stress_ctl.pool);
}

module_init(stress_victim_init);
module_exit(stress_victim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv stress test: the module being patched");
