// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime victim: a report on the reading task.
 *
 *	cat /proc/klpsv_life			# one line about the reader
 *	echo park 3000 > /proc/klpsv_life	# sleep 3 s in life_park()
 *
 * The bug the livepatches fix: the victim counts nothing per task, and has
 * no room in struct task_struct to do it, so the patches keep per-task
 * counters in shadow data on `current`.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "life.h"

/* Global, not inlined, with side effects: livepatches can redirect them. */
noinline void life_visit(struct seq_file *m)
{
	seq_printf(m, "pid %d: no accounting\n", task_pid_nr(current));
}

noinline void life_park(unsigned int ms)
{
	life_park_body(ms);
}

static int life_show(struct seq_file *m, void *v)
{
	life_visit(m);
	return 0;
}

static int life_open(struct inode *inode, struct file *file)
{
	return single_open(file, life_show, NULL);
}

static ssize_t life_write(struct file *file, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	char buf[32];
	unsigned int ms;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "park %u", &ms) != 1)
		return -EINVAL;
	life_park(ms);
	return len;
}

static const struct proc_ops life_ops = {
	.proc_open = life_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = life_write,
};

static int __init life_init(void)
{
	if (!proc_create("klpsv_life", 0644, NULL, &life_ops))
		return -ENOMEM;
	return 0;
}

static void __exit life_exit(void)
{
	remove_proc_entry("klpsv_life", NULL);
}

module_init(life_init);
module_exit(life_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv lifetime sample: victim");
