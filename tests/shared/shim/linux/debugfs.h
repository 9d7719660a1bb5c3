/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An in-memory debugfs.  Tests read and write files by path with
 * shim_debugfs_read()/shim_debugfs_write().  As in 6.x, creating a name
 * that exists fails with ERR_PTR(-EEXIST) and logs "debugfs: ... already
 * present!"; a NULL or ERR_PTR parent is accepted the kernel's way.
 */
#ifndef _SHIM_LINUX_DEBUGFS_H
#define _SHIM_LINUX_DEBUGFS_H

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct dentry;

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
struct dentry *debugfs_lookup(const char *name, struct dentry *parent);
void debugfs_remove(struct dentry *dentry);
#define debugfs_remove_recursive debugfs_remove
void debugfs_lookup_and_remove(const char *name, struct dentry *parent);
static inline void dput(struct dentry *dentry) { }
static inline bool debugfs_initialized(void) { return true; }

void debugfs_create_u32(const char *name, umode_t mode, struct dentry *parent, u32 *value);
void debugfs_create_u64(const char *name, umode_t mode, struct dentry *parent, u64 *value);
void debugfs_create_ulong(const char *name, umode_t mode, struct dentry *parent,
			  unsigned long *value);
void debugfs_create_bool(const char *name, umode_t mode, struct dentry *parent, bool *value);

#endif /* _SHIM_LINUX_DEBUGFS_H */
