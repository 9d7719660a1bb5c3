// SPDX-License-Identifier: GPL-2.0
/*
 * Test probe of the adoption sample (samples/adopt): reading
 * /sys/kernel/debug/klpsv_adopt_probe lists every raw shadow variable of
 * p0's ids straight from the kernel's klp_shadow table, on each of the
 * victim's ports and on NULL, with its bytes, then their count and the
 * census of klpsv-owned instances that test builds keep (the adoption test
 * runs alone, so every owned instance is the sample's).  The test compares
 * the bytes across a reverted transition, checks that none is left once
 * p1's transition completed, and that nothing is owned at the end.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "../../samples/adopt/schemas.h"
#include "../../lib/format.h"

static struct dentry *probe_file;

static unsigned int probe_obj(struct seq_file *m, void *obj,
			      const char *name)
{
	static const struct {
		unsigned long id;
		size_t size;
	} raw[] = {
		{ P0_PORT_ID, sizeof(struct p0_port) },
		{ P0_SHARED_ID, sizeof(struct p0_shared) },
	};
	unsigned int i, n = 0;
	void *data;

	for (i = 0; i < ARRAY_SIZE(raw); i++) {
		data = klp_shadow_get(obj, raw[i].id);
		if (!data)
			continue;
		seq_printf(m, "raw id=%#lx obj=%s data=%*phN\n", raw[i].id,
			   name, (int)raw[i].size, data);
		n++;
	}
	return n;
}

static int probe_show(struct seq_file *m, void *v)
{
	atomic_long_t *owned;
	unsigned int i, n;
	char name[16];

	n = probe_obj(m, NULL, "null");
	for (i = 0; i < ADOPT_PORTS; i++) {
		snprintf(name, sizeof(name), "port%u", adopt_ports[i].id);
		n += probe_obj(m, &adopt_ports[i], name);
	}
	owned = klp_shadow_get(KLPSV_REGISTRY_OBJ, KLPSV_CENSUS_ID);
	seq_printf(m, "raw=%u owned=%ld\n", n,
		   owned ? atomic_long_read(owned) : 0);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(probe);

static int __init probe_init(void)
{
	probe_file = debugfs_create_file("klpsv_adopt_probe", 0444, NULL, NULL,
					 &probe_fops);
	return IS_ERR(probe_file) ? PTR_ERR(probe_file) : 0;
}

static void __exit probe_exit(void)
{
	debugfs_remove(probe_file);
}

module_init(probe_init);
module_exit(probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv test: the adoption sample's raw shadow variables");
