/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough VFS for debugfs files and seq_file. */
#ifndef _SHIM_LINUX_FS_H
#define _SHIM_LINUX_FS_H

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/stat.h>
#include <linux/types.h>
#include <linux/uaccess.h>

struct module;

struct inode {
	umode_t i_mode;
	void *i_private;
};

struct file {
	struct inode *f_inode;
	void *private_data;
	loff_t f_pos;
	unsigned int f_flags;
	fmode_t f_mode;
};

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	int (*open)(struct inode *, struct file *);
	int (*release)(struct inode *, struct file *);
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

static inline int simple_open(struct inode *inode, struct file *file)
{
	if (inode->i_private)
		file->private_data = inode->i_private;
	return 0;
}

static inline int nonseekable_open(struct inode *inode, struct file *filp)
{
	return 0;
}

static inline loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos;
}

static inline loff_t default_llseek(struct file *file, loff_t offset, int whence)
{
	if (whence != 0 || offset < 0)
		return -EINVAL;
	file->f_pos = offset;
	return offset;
}

static inline ssize_t simple_read_from_buffer(void __user *to, size_t count,
					      loff_t *ppos, const void *from,
					      size_t available)
{
	loff_t pos = *ppos;

	if (pos < 0)
		return -EINVAL;
	if ((size_t)pos >= available || !count)
		return 0;
	if (count > available - pos)
		count = available - pos;
	memcpy(to, (const char *)from + pos, count);
	*ppos = pos + count;
	return count;
}

static inline ssize_t simple_write_to_buffer(void *to, size_t available,
					     loff_t *ppos,
					     const void __user *from,
					     size_t count)
{
	loff_t pos = *ppos;

	if (pos < 0)
		return -EINVAL;
	if ((size_t)pos >= available || !count)
		return 0;
	if (count > available - pos)
		count = available - pos;
	memcpy((char *)to + pos, from, count);
	*ppos = pos + count;
	return count;
}

#endif /* _SHIM_LINUX_FS_H */
