// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption patch 2: the 32-bit counters overflow, so "port" moves to v2
 * with 64-bit counters in a new order and the largest packet seen, a
 * breaking change taken over from p1's v1 with a step each way.  Both
 * families keep p1's KLPSV_RAW() declarations, adapted to v2: ignored
 * when p1's klpsv data is live, used if p2 is loaded over p0 directly.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "schemas.h"

/* Sets every member it derives from v1; max is v2's own. */
static int port_v1_to_v2(void *obj, const void *from, void *to)
{
	const struct port_v1 *old = from;
	struct port_v2 *pt = to;

	pt->packets = old->packets;
	pt->bytes = old->bytes;
	return 0;
}

/* Back to v1, saturating: for p1's code while the transition runs. */
static int port_v2_to_v1(void *obj, const void *from, void *to)
{
	const struct port_v2 *pt = from;
	struct port_v1 *old = to;

	old->packets = min_t(u64, pt->packets, U32_MAX);
	old->bytes = min_t(u64, pt->bytes, U32_MAX);
	return 0;
}

static int port_raw_up(void *obj, const void *from, void *to)
{
	const struct p0_port *raw = from;
	struct port_v2 *pt = to;

	pt->packets = raw->packets;
	pt->bytes = raw->bytes;
	return 0;
}

static int port_raw_down(void *obj, const void *from, void *to)
{
	const struct port_v2 *pt = from;
	struct p0_port *raw = to;

	raw->packets = min_t(u64, pt->packets, U32_MAX);
	raw->bytes = min_t(u64, pt->bytes, U32_MAX);
	return 0;
}

/* Under klp_shadow's lock with IRQs off: p0's data owns nothing to free. */
static void port_raw_release(void *obj, void *data)
{
	struct adopt_port *p = obj;

	pr_info("port %u: raw counters released\n", p->id);
}

static void port_dtor(void *obj, void *data)
{
	struct adopt_port *p = obj;

	pr_info("port %u: counters freed\n", p->id);
}

static int shared_raw_up(void *obj, const void *from, void *to)
{
	const struct p0_shared *raw = from;
	struct shared_v1 *sh = to;

	sh->bytes = raw->bytes;
	sh->closes = raw->closes;
	return 0;
}

static int shared_raw_down(void *obj, const void *from, void *to)
{
	const struct shared_v1 *sh = from;
	struct p0_shared *raw = to;

	raw->bytes = sh->bytes;
	raw->closes = sh->closes;
	return 0;
}

static void shared_raw_release(void *obj, void *data)
{
	const struct p0_shared *raw = data;

	pr_info("shared: raw totals released (users=%u)\n", raw->users);
}

static void shared_dtor(void *obj, void *data)
{
	pr_info("shared: totals freed\n");
}

KLPSV_FAMILY(port, struct port_v2,
	.name = "port",
	.id = PORT_ID,
	.version = KLPSV_V(2),
	.layout = PORT_V2_LAYOUT,
	.dtor = port_dtor,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = PORT_V1_LAYOUT,
		      .up = port_v1_to_v2, .down = port_v2_to_v1 }),
	KLPSV_RAW({ .id = P0_PORT_ID, .size = sizeof(struct p0_port),
		    .layout = P0_PORT_LAYOUT, .up = port_raw_up,
		    .down = port_raw_down, .release = port_raw_release }),
);

/* Unchanged since p1. */
KLPSV_FAMILY(shared, struct shared_v1,
	.name = "shared",
	.id = SHARED_ID,
	.version = KLPSV_V(1),
	.layout = SHARED_V1_LAYOUT,
	.dtor = shared_dtor,
	KLPSV_RAW({ .id = P0_SHARED_ID, .size = sizeof(struct p0_shared),
		    .layout = P0_SHARED_LAYOUT, .up = shared_raw_up,
		    .down = shared_raw_down, .release = shared_raw_release }),
);

static void p2_rx(struct adopt_port *p, unsigned int bytes)
{
	struct port_v2 *pt = port_get_or_alloc(p, GFP_KERNEL, NULL);
	struct shared_v1 *sh;

	if (pt) {
		pt->packets++;
		pt->bytes += bytes;
		pt->max = max(pt->max, bytes);
		port_put(pt);
	}
	sh = shared_get_or_alloc(NULL, GFP_KERNEL, NULL);
	if (sh) {
		sh->bytes += bytes;
		shared_put(sh);
	}
}

static void p2_report(struct seq_file *m, struct adopt_port *p)
{
	struct port_v2 *pt = port_get(p);

	if (!pt) {
		seq_printf(m, "port %u: packets=0 bytes=0 max=0 [p2]\n", p->id);
		return;
	}
	seq_printf(m, "port %u: packets=%llu bytes=%llu max=%u [p2]\n", p->id,
		   pt->packets, pt->bytes, pt->max);
	port_put(pt);
}

static void p2_summary(struct seq_file *m)
{
	struct shared_v1 *sh = shared_get(NULL);

	if (!sh) {
		seq_puts(m, "total: none [p2]\n");
		return;
	}
	seq_printf(m, "total: bytes=%llu closes=%u [p2]\n", sh->bytes,
		   sh->closes);
	shared_put(sh);
}

static void p2_close(struct adopt_port *p)
{
	struct shared_v1 *sh;

	port_free(p);
	sh = shared_get_or_alloc(NULL, GFP_KERNEL, NULL);
	if (sh) {
		sh->closes++;
		shared_put(sh);
	}
}

static void p2_park(unsigned int ms, struct adopt_port *p)
{
	adopt_park_body(ms);
	if (!p)
		return;
	mutex_lock(&adopt_lock);
	if (p->open)
		p2_rx(p, 0);
	mutex_unlock(&adopt_lock);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "adopt_rx", .new_func = p2_rx, },
	{ .old_name = "adopt_report", .new_func = p2_report, },
	{ .old_name = "adopt_summary", .new_func = p2_summary, },
	{ .old_name = "adopt_close", .new_func = p2_close, },
	{ .old_name = "adopt_park", .new_func = p2_park, },
	{ }
};

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		/* vmlinux: always present, so klpsv's callbacks always run */
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, {
		.name = "klpsv_adopt_victim",
		.funcs = victim_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = {
	&port_family, &shared_family, NULL
};

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init p2_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p2_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(p2_init);
module_exit(p2_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv adoption sample, patch 2: port v2, a new layout");
MODULE_INFO(livepatch, "Y");
