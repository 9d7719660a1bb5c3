/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body every klpsv_hardirq_pN livepatch shares (see hardirq.h): it
 * runs the family's accessors on the chain victim's sessions, in process
 * context or in the callback of an HRTIMER_MODE_REL_HARD timer (hard IRQ
 * context, PREEMPT_RT included), on commands written to /proc/<module>:
 *
 *	echo "alloc 1 2" > /proc/M	# get_or_alloc(GFP_KERNEL), touches++
 *	echo "get 1" > /proc/M		# get; on a hit touches++, put
 *	echo "irq 1 2 3" > /proc/M	# the same as get, in hard IRQ
 *	echo "irqalloc 5" > /proc/M	# get_or_alloc(GFP_ATOMIC) in hard IRQ
 *	echo "irqfree 5" > /proc/M	# klpsv_free() in hard IRQ
 *	cat /proc/M			# the last command's result:
 *
 *	context=hardirq preempt_rt=1	# where the accessors ran
 *	hits=1 2			# sessions with data (freed, for free)
 *	nulls=3				# sessions the accessor gave NULL
 *	touches=5 1			# each hit's counter, after the touch
 *
 * A command runs under chain_lock, the victim's rule for every access to
 * a session, which the writer holds while the timer callback runs.
 *
 * The patch replaces the victim's chain_park(), so that a task parked
 * there ("park <ms>" in /proc/klpsv_chain) holds the next transition
 * open.
 *
 * Included last by each patch, after KLPSV_FAMILY(hirq, HIRQ_TYPE, ...)
 * and the definitions of HIRQ_TYPE and HIRQ_DESC.
 */
#ifndef _KLPSV_HARDIRQ_PATCH_H
#define _KLPSV_HARDIRQ_PATCH_H

#include <linux/bitops.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hardirq.h"

enum hirq_op {
	HIRQ_GET,
	HIRQ_ALLOC,
	HIRQ_FREE,
};

/**
 * struct hirq_run - one command: what to do, and what happened
 * @op: the accessor to call
 * @gfp: allocation flags of HIRQ_ALLOC
 * @want: the sessions to access, bit i for session i + 1
 * @hits: the sessions that had (or got) data, or were freed
 * @touches: each hit's counter after the touch
 * @context: where the accessors ran
 */
struct hirq_run {
	enum hirq_op op;
	gfp_t gfp;
	unsigned long want;
	unsigned long hits;
	u64 touches[CHAIN_SESSIONS];
	const char *context;
};

static struct hirq_run hirq_run;
static struct hrtimer hirq_timer;
static DECLARE_COMPLETION(hirq_done);
static char hirq_result[256];

static void hirq_access(struct hirq_run *r)
{
	unsigned int i;

	r->context = in_hardirq() ? "hardirq" :
		     in_interrupt() ? "interrupt" : "process";
	for_each_set_bit(i, &r->want, CHAIN_SESSIONS) {
		struct chain_session *s = &chain_sessions[i];
		HIRQ_TYPE *d;

		if (r->op == HIRQ_FREE) {
			hirq_free(s);
			__set_bit(i, &r->hits);
			continue;
		}
		d = r->op == HIRQ_ALLOC ? hirq_get_or_alloc(s, r->gfp, NULL) :
					  hirq_get(s);
		if (!d)
			continue;
		d->touches++;
		r->touches[i] = d->touches;
		hirq_put(d);
		__set_bit(i, &r->hits);
	}
}

/* Hard IRQ context, on PREEMPT_RT too (HRTIMER_MODE_REL_HARD). */
static enum hrtimer_restart hirq_fire(struct hrtimer *t)
{
	hirq_access(&hirq_run);
	complete(&hirq_done);
	return HRTIMER_NORESTART;
}

/*
 * Append "\n<name>=" and the sessions of @mask (their counters, when
 * @touches is set), blank-separated.
 */
static char *hirq_list(char *p, char *end, const char *name,
		       unsigned long mask, const u64 *touches)
{
	const char *sep = "";
	unsigned int i;

	p += scnprintf(p, end - p, "\n%s=", name);
	for_each_set_bit(i, &mask, CHAIN_SESSIONS) {
		if (touches)
			p += scnprintf(p, end - p, "%s%llu", sep, touches[i]);
		else
			p += scnprintf(p, end - p, "%s%u", sep, i + 1);
		sep = " ";
	}
	return p;
}

static void hirq_format(const struct hirq_run *r)
{
	char *p = hirq_result, *end = hirq_result + sizeof(hirq_result);

	p += scnprintf(p, end - p, "context=%s preempt_rt=%d", r->context,
		       IS_ENABLED(CONFIG_PREEMPT_RT));
	p = hirq_list(p, end, "hits", r->hits, NULL);
	p = hirq_list(p, end, "nulls", r->want & ~r->hits, NULL);
	p = hirq_list(p, end, "touches", r->op == HIRQ_FREE ? 0 : r->hits,
		      r->touches);
	scnprintf(p, end - p, "\n");
}

static ssize_t hirq_write(struct file *file, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	char buf[64], *p, *tok;
	unsigned long want = 0;
	enum hirq_op op;
	unsigned int id;
	bool hard;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	tok = strsep(&p, " ");
	if (!strcmp(tok, "get") || !strcmp(tok, "irq"))
		op = HIRQ_GET;
	else if (!strcmp(tok, "alloc") || !strcmp(tok, "irqalloc"))
		op = HIRQ_ALLOC;
	else if (!strcmp(tok, "irqfree"))
		op = HIRQ_FREE;
	else
		return -EINVAL;
	hard = !strncmp(tok, "irq", 3);
	while ((tok = strsep(&p, " "))) {
		if (!*tok)
			continue;
		if (kstrtouint(tok, 10, &id) || id < 1 || id > CHAIN_SESSIONS)
			return -EINVAL;
		want |= BIT(id - 1);
	}

	mutex_lock(&chain_lock);
	memset(&hirq_run, 0, sizeof(hirq_run));
	hirq_run.op = op;
	hirq_run.gfp = hard ? GFP_ATOMIC : GFP_KERNEL;
	hirq_run.want = want;
	if (hard) {
		reinit_completion(&hirq_done);
		hrtimer_start(&hirq_timer, ns_to_ktime(1000),
			      HRTIMER_MODE_REL_HARD);
		wait_for_completion(&hirq_done);
	} else {
		hirq_access(&hirq_run);
	}
	hirq_format(&hirq_run);
	mutex_unlock(&chain_lock);
	return len;
}

static int hirq_show(struct seq_file *m, void *v)
{
	mutex_lock(&chain_lock);
	seq_puts(m, hirq_result);
	mutex_unlock(&chain_lock);
	return 0;
}

static int hirq_open(struct inode *inode, struct file *file)
{
	return single_open(file, hirq_show, NULL);
}

static const struct proc_ops hirq_proc_ops = {
	.proc_open = hirq_open,
	.proc_read = seq_read,
	.proc_write = hirq_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

/* The test parks without a session: only the sleep matters. */
static void hirq_park(unsigned int ms, struct chain_session *s)
{
	chain_park_body(ms);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "chain_park", .new_func = hirq_park, },
	{ }
};

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		/* vmlinux: always present, so klpsv's callbacks always run */
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, {
		.name = "klpsv_chain_victim",
		.funcs = victim_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &hirq_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init hirq_init(void)
{
	int ret;

	hrtimer_init(&hirq_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	hirq_timer.function = hirq_fire;
	if (!proc_create(KBUILD_MODNAME, 0644, NULL, &hirq_proc_ops))
		return -ENOMEM;
	ret = klpsv_enable_patch(&kpatch);
	if (ret)
		remove_proc_entry(KBUILD_MODNAME, NULL);
	return ret;
}

static void __exit hirq_exit(void)
{
	remove_proc_entry(KBUILD_MODNAME, NULL);
	hrtimer_cancel(&hirq_timer);
	klpsv_patch_exit(&kpatch);
}

module_init(hirq_init);
module_exit(hirq_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv test: accessors in hard IRQ context, " HIRQ_DESC);
MODULE_INFO(livepatch, "Y");

#endif /* _KLPSV_HARDIRQ_PATCH_H */
