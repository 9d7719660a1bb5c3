// SPDX-License-Identifier: GPL-2.0
/*
 * Census for tests: the klpsv-owned instances alive on the system,
 * counted where they are allocated and freed, apart from the counts the
 * indexes keep.  A leak (an instance no index links) or a double free
 * shows as a difference between the two.  Format 1 needed none: the
 * kernel's shadow table was the independent count.  Compiled in only
 * when KLPSV_CENSUS is defined (this tree's test builds):
 *
 *	/sys/kernel/debug/klpsv/<patch>/census	owned=<n>
 *
 * The count is shared by every module's copy of the library, as shadow
 * data on the registry's key.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "internal.h"

#ifdef KLPSV_CENSUS

static atomic_long_t *census;

/**
 * klpsv_census_init() - find or create the shared count
 *
 * Context: process context (module init).
 * Return: 0, or -ENOMEM.
 */
int klpsv_census_init(void)
{
	/* Stays for the kernel's lifetime, as the registry beside it. */
	census = klpsv_compat_shadow_get_or_alloc(KLPSV_REGISTRY_OBJ,
						  KLPSV_CENSUS_ID,
						  sizeof(*census), GFP_KERNEL,
						  NULL, NULL);
	return census ? 0 : -ENOMEM;
}

/**
 * klpsv_census_add() - count an instance allocated (+1) or freed (-1)
 * @id: shadow id of its family and epoch
 * @hdr: the instance
 * @delta: +1 or -1
 */
void klpsv_census_add(unsigned long id, struct klpsv_hdr *hdr, int delta)
{
	if (census)
		atomic_long_add(delta, census);
}

static int census_show(struct seq_file *m, void *v)
{
	seq_printf(m, "owned=%ld\n", census ? atomic_long_read(census) : -1L);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(census);

/**
 * klpsv_census_debugfs() - add the "census" file to a debugfs directory
 * @dir: the patch's klpsv debugfs directory
 */
void klpsv_census_debugfs(struct dentry *dir)
{
	debugfs_create_file("census", 0444, dir, NULL, &census_fops);
}

#endif /* KLPSV_CENSUS */
