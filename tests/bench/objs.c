// SPDX-License-Identifier: GPL-2.0
/*
 * klpsv benchmark objects: the kernel objects the benchmark attaches
 * shadow data to.  A plain module, loaded before the benchmark
 * livepatches, so that every patch (v1, then v2 taking v1's data over)
 * sees the same addresses.
 *
 *	insmod klpsv_bench_objs.ko live=1000000 spare=65536
 *
 * Objects [0, live) may carry shadow data; [live, live + spare) never
 * keep any: lookups of them are misses, and alloc/free passes use them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/vmalloc.h>

#include "kbench.h"

static unsigned long live = 1000000;
module_param(live, ulong, 0444);
MODULE_PARM_DESC(live, "objects that may carry shadow data");

static unsigned long spare = 65536;
module_param(spare, ulong, 0444);
MODULE_PARM_DESC(spare, "objects that never keep shadow data");

struct bench_obj *klpsv_bench_objs;
EXPORT_SYMBOL_GPL(klpsv_bench_objs);
unsigned long klpsv_bench_nr_objs;
EXPORT_SYMBOL_GPL(klpsv_bench_nr_objs);
unsigned long klpsv_bench_nr_live;
EXPORT_SYMBOL_GPL(klpsv_bench_nr_live);

static int __init bench_objs_init(void)
{
	unsigned long i;

	if (!live || !spare)
		return -EINVAL;
	klpsv_bench_objs = vzalloc(array_size(live + spare,
					      sizeof(struct bench_obj)));
	if (!klpsv_bench_objs)
		return -ENOMEM;
	for (i = 0; i < live + spare; i++)
		klpsv_bench_objs[i].words[0] = i;
	klpsv_bench_nr_live = live;
	klpsv_bench_nr_objs = live + spare;
	pr_info("%lu objects (%lu live, %lu spare) at %p\n",
		klpsv_bench_nr_objs, live, spare, klpsv_bench_objs);
	return 0;
}

static void __exit bench_objs_exit(void)
{
	vfree(klpsv_bench_objs);
}

module_init(bench_objs_init);
module_exit(bench_objs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv benchmark: objects that shadow data is attached to");
