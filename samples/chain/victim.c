// SPDX-License-Identifier: GPL-2.0
/*
 * Chain victim: sessions driven through /proc/klpsv_chain.
 *
 *	echo "touch 3 100 alice" > /proc/klpsv_chain	# 100 bytes on session 3
 *	echo "close 3" > /proc/klpsv_chain		# close session 3
 *	echo "open 3" > /proc/klpsv_chain		# open it again
 *	echo "park 3000" > /proc/klpsv_chain		# sleep 3 s in chain_park()
 *	echo "park 3000 2" > /proc/klpsv_chain	# ... then touch session 2
 *	cat /proc/klpsv_chain				# one line per open session
 *
 * The bug the livepatches fix: traffic is never accounted for, and the
 * victim has no room in struct chain_session to do it, so the patches keep
 * their counters in shadow data.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "chain.h"

struct chain_session chain_sessions[CHAIN_SESSIONS];
EXPORT_SYMBOL_GPL(chain_sessions);
DEFINE_MUTEX(chain_lock);
EXPORT_SYMBOL_GPL(chain_lock);

/*
 * The patched functions are global, not inlined, and have side effects, so
 * the compiler keeps every call for the livepatch to redirect.
 */
noinline void chain_touch(struct chain_session *s, unsigned int bytes,
			  const char *who)
{
	WRITE_ONCE(s->last_bytes, bytes);
}

noinline void chain_report(struct seq_file *m, struct chain_session *s)
{
	seq_printf(m, "session %u: no accounting\n", s->id);
}

noinline void chain_close(struct chain_session *s)
{
	WRITE_ONCE(s->last_bytes, 0);
}

noinline void chain_park(unsigned int ms, struct chain_session *s)
{
	chain_park_body(ms);
	if (!s)
		return;
	mutex_lock(&chain_lock);
	if (s->open)
		chain_touch(s, 0, "parked");
	mutex_unlock(&chain_lock);
}

static int chain_show(struct seq_file *m, void *v)
{
	int i;

	mutex_lock(&chain_lock);
	for (i = 0; i < CHAIN_SESSIONS; i++) {
		if (chain_sessions[i].open)
			chain_report(m, &chain_sessions[i]);
	}
	mutex_unlock(&chain_lock);
	return 0;
}

static int chain_open(struct inode *inode, struct file *file)
{
	return single_open(file, chain_show, NULL);
}

static ssize_t chain_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	char buf[64], cmd[8], who[16] = "";
	unsigned int id, bytes = 0;
	struct chain_session *s;
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%7s %u %u %15s", cmd, &id, &bytes, who);
	if (n < 2)
		return -EINVAL;
	if (!strcmp(cmd, "park")) {
		/* A duration, then maybe a session; outside the lock. */
		s = n >= 3 && bytes >= 1 && bytes <= CHAIN_SESSIONS ?
			&chain_sessions[bytes - 1] : NULL;
		chain_park(id, s);
		return len;
	}
	if (id < 1 || id > CHAIN_SESSIONS)
		return -EINVAL;
	s = &chain_sessions[id - 1];

	mutex_lock(&chain_lock);
	if (!strcmp(cmd, "touch") && n >= 3 && s->open) {
		chain_touch(s, bytes, n == 4 ? who : "-");
	} else if (!strcmp(cmd, "close") && s->open) {
		chain_close(s);
		s->open = false;
	} else if (!strcmp(cmd, "open") && !s->open) {
		s->open = true;
	} else {
		len = -EINVAL;
	}
	mutex_unlock(&chain_lock);
	return len;
}

static const struct proc_ops chain_proc_ops = {
	.proc_open = chain_open,
	.proc_read = seq_read,
	.proc_write = chain_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init chain_victim_init(void)
{
	int i;

	for (i = 0; i < CHAIN_SESSIONS; i++) {
		chain_sessions[i].id = i + 1;
		chain_sessions[i].open = true;
	}
	if (!proc_create("klpsv_chain", 0644, NULL, &chain_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit chain_victim_exit(void)
{
	remove_proc_entry("klpsv_chain", NULL);
}

module_init(chain_victim_init);
module_exit(chain_victim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv chain sample: the module being patched");
