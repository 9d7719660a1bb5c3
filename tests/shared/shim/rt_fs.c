// SPDX-License-Identifier: GPL-2.0
/*
 * An in-memory debugfs and seq_file.  Entries are kzalloc()ed, so a
 * debugfs file the code forgets to remove is a leak the test sees.
 * seq_read() renders the whole file on the first read (growing the buffer
 * until ->show() output fits) and then hands it out in pieces.
 */
#define pr_fmt(fmt) "debugfs: " fmt

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <klpsv_shim.h>

struct dentry {
	char name[64];
	struct dentry *parent;
	struct list_head children;
	struct list_head sibling;
	bool is_dir;
	struct inode inode;
	const struct file_operations *fops;
};

/* The root has no dentry: parentless entries hang here. */
static LIST_HEAD(root_children);
static pthread_mutex_t fs_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int nr_entries;

static struct list_head *children_of(struct dentry *parent)
{
	return parent ? &parent->children : &root_children;
}

static struct dentry *find_child(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d;

	list_for_each_entry(d, children_of(parent), sibling)
		if (strlen(d->name) == len && !memcmp(d->name, name, len))
			return d;
	return NULL;
}

static struct dentry *create(const char *name, umode_t mode, struct dentry *parent,
			     void *data, const struct file_operations *fops,
			     bool is_dir)
{
	struct dentry *d;

	if (IS_ERR(parent))
		return parent;
	might_sleep();
	pthread_mutex_lock(&fs_lock);
	if (find_child(parent, name, strlen(name))) {
		pthread_mutex_unlock(&fs_lock);
		if (is_dir)
			pr_err("Directory '%s' with parent '%s' already present!\n",
			       name, parent ? parent->name : "/");
		else
			pr_err("File '%s' in directory '%s' already present!\n",
			       name, parent ? parent->name : "/");
		return ERR_PTR(-EEXIST);
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		pthread_mutex_unlock(&fs_lock);
		return ERR_PTR(-ENOMEM);
	}
	strscpy(d->name, name, sizeof(d->name));
	d->parent = parent;
	d->is_dir = is_dir;
	d->inode.i_mode = mode;
	d->inode.i_private = data;
	d->fops = fops;
	INIT_LIST_HEAD(&d->children);
	list_add_tail(&d->sibling, children_of(parent));
	nr_entries++;
	pthread_mutex_unlock(&fs_lock);
	return d;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return create(name, S_IFDIR | 0755, parent, NULL, NULL, true);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	return create(name, mode ? mode : 0444, parent, data, fops, false);
}

struct dentry *debugfs_lookup(const char *name, struct dentry *parent)
{
	struct dentry *d;

	if (IS_ERR(parent))
		return NULL;
	pthread_mutex_lock(&fs_lock);
	d = find_child(parent, name, strlen(name));
	pthread_mutex_unlock(&fs_lock);
	return d;
}

/* Caller holds fs_lock. */
static void remove_tree(struct dentry *d)
{
	struct dentry *c, *tmp;

	list_for_each_entry_safe(c, tmp, &d->children, sibling)
		remove_tree(c);
	list_del(&d->sibling);
	nr_entries--;
	kfree(d);
}

void debugfs_remove(struct dentry *dentry)
{
	if (IS_ERR_OR_NULL(dentry))
		return;
	might_sleep();
	pthread_mutex_lock(&fs_lock);
	remove_tree(dentry);
	pthread_mutex_unlock(&fs_lock);
}

void debugfs_lookup_and_remove(const char *name, struct dentry *parent)
{
	debugfs_remove(debugfs_lookup(name, parent));
}

/* debugfs_create_{u32,u64,ulong,bool}: value files. */

#define DEFINE_VALUE_FILE(type, ctype, fmt, parse)			\
static ssize_t type##_read(struct file *file, char __user *buf,	\
			   size_t count, loff_t *ppos)			\
{									\
	ctype *v = file_inode(file)->i_private;				\
	char tmp[32];							\
	int len = snprintf(tmp, sizeof(tmp), fmt "\n", *v);		\
									\
	return simple_read_from_buffer(buf, count, ppos, tmp, len);	\
}									\
static ssize_t type##_write(struct file *file, const char __user *buf,	\
			    size_t count, loff_t *ppos)			\
{									\
	ctype *v = file_inode(file)->i_private;				\
	char tmp[32];							\
	int err;							\
									\
	if (count >= sizeof(tmp))					\
		return -EINVAL;						\
	memcpy(tmp, buf, count);					\
	tmp[count] = '\0';						\
	err = parse(tmp, 0, v);						\
	return err ? err : (ssize_t)count;				\
}									\
static const struct file_operations type##_fops = {			\
	.open = simple_open,						\
	.read = type##_read,						\
	.write = type##_write,						\
};									\
void debugfs_create_##type(const char *name, umode_t mode,		\
			   struct dentry *parent, ctype *value)		\
{									\
	debugfs_create_file(name, mode, parent, value, &type##_fops);	\
}

DEFINE_VALUE_FILE(u32, u32, "%u", kstrtou32)
DEFINE_VALUE_FILE(u64, u64, "%llu", kstrtou64)
DEFINE_VALUE_FILE(ulong, unsigned long, "%lu", kstrtoul)

static int parse_bool(const char *s, unsigned int base, bool *res)
{
	return kstrtobool(s, res);
}
static ssize_t bool_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	bool *v = file_inode(file)->i_private;
	char tmp[3] = { *v ? 'Y' : 'N', '\n', 0 };

	return simple_read_from_buffer(buf, count, ppos, tmp, 2);
}

static ssize_t bool_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	bool *v = file_inode(file)->i_private;
	char tmp[8];
	int err;

	if (count >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, count);
	tmp[count] = '\0';
	err = parse_bool(tmp, 0, v);
	return err ? err : (ssize_t)count;
}

static const struct file_operations bool_fops = {
	.open = simple_open,
	.read = bool_read,
	.write = bool_write,
};

void debugfs_create_bool(const char *name, umode_t mode, struct dentry *parent,
			 bool *value)
{
	debugfs_create_file(name, mode, parent, value, &bool_fops);
}

/* Test access by path. */

static struct dentry *resolve(const char *path)
{
	struct dentry *d = NULL;
	const char *p = path, *slash;

	pthread_mutex_lock(&fs_lock);
	while (*p) {
		slash = strchr(p, '/');
		d = find_child(d, p, slash ? (size_t)(slash - p) : strlen(p));
		if (!d || !slash)
			break;
		p = slash + 1;
	}
	pthread_mutex_unlock(&fs_lock);
	return d;
}

static int open_file(const char *path, struct dentry **dp, struct file *f)
{
	struct dentry *d = resolve(path);
	int err = 0;

	if (!d)
		return -ENOENT;
	if (d->is_dir)
		return -EISDIR;
	memset(f, 0, sizeof(*f));
	f->f_inode = &d->inode;
	if (d->fops && d->fops->open)
		err = d->fops->open(&d->inode, f);
	*dp = d;
	return err;
}

static void release_file(struct dentry *d, struct file *f)
{
	if (d->fops && d->fops->release)
		d->fops->release(&d->inode, f);
}

ssize_t shim_debugfs_read(const char *path, char *buf, size_t size)
{
	struct dentry *d;
	struct file f;
	size_t total = 0;
	ssize_t n = 0;
	int err;

	if (!size)
		return -EINVAL;
	err = open_file(path, &d, &f);
	if (err)
		return err;
	if (!d->fops || !d->fops->read) {
		release_file(d, &f);
		return -EINVAL;
	}
	/* small odd-sized reads exercise the position handling */
	while (total < size - 1) {
		size_t want = size - 1 - total < 61 ? size - 1 - total : 61;

		n = d->fops->read(&f, buf + total, want, &f.f_pos);
		if (n <= 0)
			break;
		total += n;
	}
	buf[total] = '\0';
	release_file(d, &f);
	return n < 0 ? n : (ssize_t)total;
}

ssize_t shim_debugfs_write(const char *path, const char *buf, size_t len)
{
	struct dentry *d;
	struct file f;
	ssize_t n;
	int err;

	err = open_file(path, &d, &f);
	if (err)
		return err;
	if (!d->fops || !d->fops->write) {
		release_file(d, &f);
		return -EINVAL;
	}
	n = d->fops->write(&f, buf, len, &f.f_pos);
	release_file(d, &f);
	return n;
}

bool shim_debugfs_exists(const char *path)
{
	return resolve(path) != NULL;
}

unsigned int shim_debugfs_entries(void)
{
	return nr_entries;
}

unsigned int shim_debugfs_clear(void)
{
	struct dentry *d, *tmp;
	unsigned int n;

	pthread_mutex_lock(&fs_lock);
	n = nr_entries;
	list_for_each_entry_safe(d, tmp, &root_children, sibling)
		remove_tree(d);
	pthread_mutex_unlock(&fs_lock);
	return n;
}

/* seq_file */

static void seq_set_overflow(struct seq_file *m)
{
	m->count = m->size;
}

void seq_vprintf(struct seq_file *m, const char *f, va_list args)
{
	int len;

	if (m->count < m->size) {
		len = vsnprintf(m->buf + m->count, m->size - m->count, f, args);
		if (len >= 0 && m->count + len < m->size) {
			m->count += len;
			return;
		}
	}
	seq_set_overflow(m);
}

void seq_printf(struct seq_file *m, const char *f, ...)
{
	va_list args;

	va_start(args, f);
	seq_vprintf(m, f, args);
	va_end(args);
}

void seq_write(struct seq_file *m, const void *data, size_t len)
{
	if (m->count + len < m->size) {
		memcpy(m->buf + m->count, data, len);
		m->count += len;
		return;
	}
	seq_set_overflow(m);
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_write(m, s, strlen(s));
}

void seq_putc(struct seq_file *m, char c)
{
	seq_write(m, &c, 1);
}

static int seq_render(struct seq_file *m)
{
	size_t size = PAGE_SIZE;
	int err;

	for (;;) {
		loff_t pos = 0;
		void *p;

		kvfree(m->buf);
		m->buf = kvmalloc(size, GFP_KERNEL);
		if (!m->buf)
			return -ENOMEM;
		m->size = size;
		m->count = 0;
		err = 0;
		p = m->op->start(m, &pos);
		while (p && !IS_ERR(p)) {
			size_t before = m->count;
			loff_t prev = pos;

			err = m->op->show(m, p);
			if (err < 0)
				break;
			if (err > 0)	/* SEQ_SKIP */
				m->count = before;
			err = 0;
			if (seq_has_overflowed(m))
				break;
			p = m->op->next(m, p, &pos);
			if (pos == prev) {
				pr_info("buggy .next function %p did not update position index\n",
					m->op->next);
				pos++;
			}
		}
		m->op->stop(m, p);
		if (IS_ERR(p))
			return PTR_ERR(p);
		if (err < 0)
			return err;
		if (!seq_has_overflowed(m))
			break;
		size *= 2;
	}
	m->from = 0;
	m->done = true;
	return 0;
}

ssize_t seq_read(struct file *file, char __user *buf, size_t size, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	size_t n;
	int err;

	if (!m->done) {
		err = seq_render(m);
		if (err)
			return err;
	}
	n = m->count - m->from;
	if (n > size)
		n = size;
	if (copy_to_user(buf, m->buf + m->from, n))
		return -EFAULT;
	m->from += n;
	*ppos += n;
	return n;
}

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	struct seq_file *m = file->private_data;

	if (whence != 0 || offset != 0)
		return -EINVAL;
	m->done = false;
	file->f_pos = 0;
	return 0;
}

int seq_open(struct file *file, const struct seq_operations *op)
{
	struct seq_file *m;

	WARN_ON(file->private_data);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->op = op;
	m->file = file;
	file->private_data = m;
	return 0;
}

int seq_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	kvfree(m->buf);
	kfree(m);
	return 0;
}

int seq_open_private_size(struct file *file, const struct seq_operations *op,
			  size_t size)
{
	void *private = kzalloc(size, GFP_KERNEL);
	int err;

	if (!private)
		return -ENOMEM;
	err = seq_open(file, op);
	if (err) {
		kfree(private);
		return err;
	}
	((struct seq_file *)file->private_data)->private = private;
	return 0;
}

int seq_release_private(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	kfree(m->private);
	return seq_release(inode, file);
}

static void *single_start(struct seq_file *p, loff_t *pos)
{
	return *pos ? NULL : SEQ_START_TOKEN;
}

static void *single_next(struct seq_file *p, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void single_stop(struct seq_file *p, void *v)
{
}

int single_open(struct file *file, int (*show)(struct seq_file *, void *),
		void *data)
{
	struct seq_operations *op = kmalloc(sizeof(*op), GFP_KERNEL_ACCOUNT);
	int res = -ENOMEM;

	if (op) {
		op->start = single_start;
		op->next = single_next;
		op->stop = single_stop;
		op->show = show;
		res = seq_open(file, op);
		if (!res)
			((struct seq_file *)file->private_data)->private = data;
		else
			kfree(op);
	}
	return res;
}

int single_release(struct inode *inode, struct file *file)
{
	const struct seq_operations *op =
		((struct seq_file *)file->private_data)->op;
	int res = seq_release(inode, file);

	kfree(op);
	return res;
}

struct list_head *seq_list_start(struct list_head *head, loff_t pos)
{
	struct list_head *lh;

	list_for_each(lh, head)
		if (pos-- == 0)
			return lh;
	return NULL;
}

struct list_head *seq_list_start_head(struct list_head *head, loff_t pos)
{
	if (!pos)
		return head;
	return seq_list_start(head, pos - 1);
}

struct list_head *seq_list_next(void *v, struct list_head *head, loff_t *ppos)
{
	struct list_head *lh = ((struct list_head *)v)->next;

	++*ppos;
	return lh == head ? NULL : lh;
}
