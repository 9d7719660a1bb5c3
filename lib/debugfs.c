// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/klpsv/<patch module>/families: every klpsv family on
 * the system, one line each, read from the shared registry (so any patch's
 * file shows the same live data).  The file belongs to its module and goes
 * away with it; the shared data keeps no pointer to it.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "internal.h"

static struct dentry *patch_dir;

static const char *state_name(unsigned int state)
{
	switch (state) {
	case KLPSV_INDEX_LIVE:
		return "live";
	case KLPSV_INDEX_TRANSITION:
		return "transition";
	case KLPSV_INDEX_RETIRED:
		return "retired";
	case KLPSV_INDEX_FORCED:
		return "forced";
	case KLPSV_INDEX_UNUSED:
		return "unused";
	}
	return "?";
}

/* The buckets of every table of an index, its claims tables too. */
static size_t index_bytes(struct klpsv_index *index)
{
	size_t n = klpsv_table_bytes(index, &index->instances) +
		   klpsv_table_bytes(index, &index->next);

	if (klpsv_index_owns(index))
		n += klpsv_table_bytes(index, &index->claims) +
		     klpsv_table_bytes(index, &index->next_claims);
	return n;
}

static int families_show(struct seq_file *m, void *v)
{
	struct klpsv_registry *reg = klpsv_registry_get();
	struct klpsv_index *index;

	if (!reg)
		return -ENOMEM;
	mutex_lock(&reg->lock);
	list_for_each_entry(index, &reg->families, node) {
		seq_printf(m, "family=%s id=%#llx version=%u layout=%08x epoch=%u state=%s instances=%llu bytes=%llu index_bytes=%zu migrations=%llu lost=%llu owner=%s",
			   index->name, index->id, index->version,
			   index->layout, index->epoch,
			   state_name(index->state),
			   index->count + index->next_count, index->bytes,
			   index_bytes(index),
			   index->migrations, index->lost, index->owner);
		if (klpsv_index_syncing(index))
			seq_printf(m, " next_version=%u next_epoch=%u",
				   index->next_version, index->next_epoch);
		seq_printf(m, " refusal=\"%s\"\n", index->refusal);
	}
	if (reg->refusal[0])
		seq_printf(m, "last_refusal=\"%s\"\n", reg->refusal);
	mutex_unlock(&reg->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(families);

/**
 * klpsv_debugfs_init() - create this patch's debugfs directory
 * @kp: the patch
 *
 * Best effort: debugfs may be absent or locked down.
 */
void klpsv_debugfs_init(struct klpsv_patch *kp)
{
	struct dentry *root;

	root = debugfs_lookup("klpsv", NULL);
	if (!root)
		root = debugfs_create_dir("klpsv", NULL);
	else
		dput(root);	/* the directory itself stays */
	if (IS_ERR_OR_NULL(root))
		return;
	patch_dir = debugfs_create_dir(klpsv_compat_patch_name(kp->patch),
				       root);
	debugfs_create_file("families", 0444, patch_dir, NULL,
			    &families_fops);
	klpsv_fault_debugfs(patch_dir);
	klpsv_census_debugfs(patch_dir);
}

/**
 * klpsv_debugfs_exit() - remove this patch's debugfs directory
 */
void klpsv_debugfs_exit(void)
{
	debugfs_remove(patch_dir);
	patch_dir = NULL;
}
