// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption victim: ports driven through /proc/klpsv_adopt.
 *
 *	echo "rx 3 100" > /proc/klpsv_adopt	# a 100-byte packet on port 3
 *	echo "close 3" > /proc/klpsv_adopt	# close port 3
 *	echo "open 3" > /proc/klpsv_adopt	# open it again
 *	echo "park 3000 2" > /proc/klpsv_adopt	# sleep 3 s in adopt_park(),
 *						# then a 0-byte packet on port 2
 *	cat /proc/klpsv_adopt			# one line per open port, totals
 *
 * The bug the livepatches fix: traffic is never accounted for, and struct
 * adopt_port has no room to do it, so the patches keep counters in shadow
 * data: per port, and totals in one shared variable.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "adopt.h"

struct adopt_port adopt_ports[ADOPT_PORTS];
EXPORT_SYMBOL_GPL(adopt_ports);
DEFINE_MUTEX(adopt_lock);
EXPORT_SYMBOL_GPL(adopt_lock);

/*
 * The patched functions are global, not inlined, and have side effects, so
 * the compiler keeps every call for the livepatch to redirect.
 */
noinline void adopt_rx(struct adopt_port *p, unsigned int bytes)
{
	WRITE_ONCE(p->last_bytes, bytes);
}

noinline void adopt_report(struct seq_file *m, struct adopt_port *p)
{
	seq_printf(m, "port %u: no accounting\n", p->id);
}

noinline void adopt_summary(struct seq_file *m)
{
	seq_puts(m, "total: no accounting\n");
}

noinline void adopt_close(struct adopt_port *p)
{
	WRITE_ONCE(p->last_bytes, 0);
}

noinline void adopt_park(unsigned int ms, struct adopt_port *p)
{
	adopt_park_body(ms);
	if (!p)
		return;
	mutex_lock(&adopt_lock);
	if (p->open)
		adopt_rx(p, 0);
	mutex_unlock(&adopt_lock);
}

static int adopt_show(struct seq_file *m, void *v)
{
	int i;

	mutex_lock(&adopt_lock);
	for (i = 0; i < ADOPT_PORTS; i++) {
		if (adopt_ports[i].open)
			adopt_report(m, &adopt_ports[i]);
	}
	adopt_summary(m);
	mutex_unlock(&adopt_lock);
	return 0;
}

static int adopt_open(struct inode *inode, struct file *file)
{
	return single_open(file, adopt_show, NULL);
}

static ssize_t adopt_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	unsigned int id, arg = 0;
	struct adopt_port *p;
	char buf[64], cmd[8];
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%7s %u %u", cmd, &id, &arg);
	if (n < 2)
		return -EINVAL;
	if (!strcmp(cmd, "park")) {
		/* A duration, then maybe a port; outside the lock. */
		p = n == 3 && arg >= 1 && arg <= ADOPT_PORTS ?
			&adopt_ports[arg - 1] : NULL;
		adopt_park(id, p);
		return len;
	}
	if (id < 1 || id > ADOPT_PORTS)
		return -EINVAL;
	p = &adopt_ports[id - 1];

	mutex_lock(&adopt_lock);
	if (!strcmp(cmd, "rx") && n == 3 && p->open) {
		adopt_rx(p, arg);
	} else if (!strcmp(cmd, "close") && p->open) {
		adopt_close(p);
		p->open = false;
	} else if (!strcmp(cmd, "open") && !p->open) {
		p->open = true;
	} else {
		len = -EINVAL;
	}
	mutex_unlock(&adopt_lock);
	return len;
}

static const struct proc_ops adopt_proc_ops = {
	.proc_open = adopt_open,
	.proc_read = seq_read,
	.proc_write = adopt_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init adopt_victim_init(void)
{
	int i;

	for (i = 0; i < ADOPT_PORTS; i++) {
		adopt_ports[i].id = i + 1;
		adopt_ports[i].open = true;
	}
	if (!proc_create("klpsv_adopt", 0644, NULL, &adopt_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit adopt_victim_exit(void)
{
	remove_proc_entry("klpsv_adopt", NULL);
}

module_init(adopt_victim_init);
module_exit(adopt_victim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv adoption sample: the module being patched");
