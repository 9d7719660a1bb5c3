// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption patch 1: p0's work, moved to klpsv.  Its two families declare
 * the raw shadow variables p0 left behind (KLPSV_RAW()): while the
 * transition from p0 runs, this code works on instances converted from
 * them and writes its changes through, so p0's code, still running in
 * some tasks, sees them; once it completes, klpsv imports every raw
 * variable left and frees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "schemas.h"

/*
 * Run again at every access while the transition lasts (p0 may have
 * counted meanwhile): copy what the raw data holds, nothing else.
 */
static int port_raw_up(void *obj, const void *from, void *to)
{
	const struct p0_port *raw = from;
	struct port_v1 *pt = to;

	pt->packets = raw->packets;
	pt->bytes = raw->bytes;
	return 0;
}

/* Writes this code's counts through to p0's variable. */
static int port_raw_down(void *obj, const void *from, void *to)
{
	const struct port_v1 *pt = from;
	struct p0_port *raw = to;

	raw->packets = pt->packets;
	raw->bytes = pt->bytes;
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

/* p0's users count stays as p0 left it: it is p0's to drop. */
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

KLPSV_FAMILY(port, struct port_v1,
	.name = "port",
	.id = PORT_ID,
	.version = KLPSV_V(1),
	.layout = PORT_V1_LAYOUT,
	.dtor = port_dtor,
	KLPSV_RAW({ .id = P0_PORT_ID, .size = sizeof(struct p0_port),
		    .layout = P0_PORT_LAYOUT, .up = port_raw_up,
		    .down = port_raw_down, .release = port_raw_release }),
);

/* A singleton: its instance hangs on obj NULL, as p0's did. */
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

static void p1_rx(struct adopt_port *p, unsigned int bytes)
{
	struct port_v1 *pt = port_get_or_alloc(p, GFP_KERNEL, NULL);
	struct shared_v1 *sh;

	if (pt) {
		pt->packets++;
		pt->bytes += bytes;
		port_put(pt);
	}
	sh = shared_get_or_alloc(NULL, GFP_KERNEL, NULL);
	if (sh) {
		sh->bytes += bytes;
		shared_put(sh);
	}
}

static void p1_report(struct seq_file *m, struct adopt_port *p)
{
	struct port_v1 *pt = port_get(p);

	if (!pt) {
		seq_printf(m, "port %u: packets=0 bytes=0 [p1]\n", p->id);
		return;
	}
	seq_printf(m, "port %u: packets=%u bytes=%u [p1]\n", p->id,
		   pt->packets, pt->bytes);
	port_put(pt);
}

static void p1_summary(struct seq_file *m)
{
	struct shared_v1 *sh = shared_get(NULL);

	if (!sh) {
		seq_puts(m, "total: none [p1]\n");
		return;
	}
	seq_printf(m, "total: bytes=%llu closes=%u [p1]\n", sh->bytes,
		   sh->closes);
	shared_put(sh);
}

static void p1_close(struct adopt_port *p)
{
	struct shared_v1 *sh;

	port_free(p);
	sh = shared_get_or_alloc(NULL, GFP_KERNEL, NULL);
	if (sh) {
		sh->closes++;
		shared_put(sh);
	}
}

static void p1_park(unsigned int ms, struct adopt_port *p)
{
	adopt_park_body(ms);
	if (!p)
		return;
	mutex_lock(&adopt_lock);
	if (p->open)
		p1_rx(p, 0);
	mutex_unlock(&adopt_lock);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "adopt_rx", .new_func = p1_rx, },
	{ .old_name = "adopt_report", .new_func = p1_report, },
	{ .old_name = "adopt_summary", .new_func = p1_summary, },
	{ .old_name = "adopt_close", .new_func = p1_close, },
	{ .old_name = "adopt_park", .new_func = p1_park, },
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

static int __init p1_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit p1_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(p1_init);
module_exit(p1_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv adoption sample, patch 1: adopts p0's raw shadow variables");
MODULE_INFO(livepatch, "Y");
