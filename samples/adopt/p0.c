// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption patch 0: a hand-written livepatch, as vendors shipped them
 * before klpsv.  It counts packets and bytes per port in raw klp_shadow
 * variables (SUSE-style ids, KLP_SHADOW_ID(bsc, n)), and totals in a
 * refcounted shared state: a shadow variable on obj = NULL, taken in
 * pre_patch and dropped in post_unpatch.  It knows nothing of klpsv: p1
 * adopts its data.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "schemas.h"

static void p0_rx(struct adopt_port *p, unsigned int bytes)
{
	struct p0_shared *sh = klp_shadow_get(NULL, P0_SHARED_ID);
	struct p0_port *pp;

	pp = klp_shadow_get_or_alloc(p, P0_PORT_ID, sizeof(*pp), GFP_KERNEL,
				     NULL, NULL);
	if (pp) {
		pp->packets++;
		pp->bytes += bytes;
	}
	if (sh)
		sh->bytes += bytes;
}

static void p0_report(struct seq_file *m, struct adopt_port *p)
{
	struct p0_port *pp = klp_shadow_get(p, P0_PORT_ID);

	seq_printf(m, "port %u: packets=%u bytes=%u [p0]\n", p->id,
		   pp ? pp->packets : 0, pp ? pp->bytes : 0);
}

static void p0_summary(struct seq_file *m)
{
	struct p0_shared *sh = klp_shadow_get(NULL, P0_SHARED_ID);

	if (!sh) {
		seq_puts(m, "total: none [p0]\n");
		return;
	}
	seq_printf(m, "total: bytes=%llu closes=%u users=%u [p0]\n",
		   sh->bytes, sh->closes, sh->users);
}

static void p0_close(struct adopt_port *p)
{
	struct p0_shared *sh = klp_shadow_get(NULL, P0_SHARED_ID);

	klp_shadow_free(p, P0_PORT_ID, NULL);
	if (sh)
		sh->closes++;
}

static void p0_park(unsigned int ms, struct adopt_port *p)
{
	adopt_park_body(ms);
	if (!p)
		return;
	mutex_lock(&adopt_lock);
	if (p->open)
		p0_rx(p, 0);
	mutex_unlock(&adopt_lock);
}

/* The shared state: created by its first user, freed by its last. */
static int p0_pre_patch(struct klp_object *obj)
{
	struct p0_shared *sh;

	mutex_lock(&adopt_lock);
	sh = klp_shadow_get_or_alloc(NULL, P0_SHARED_ID, sizeof(*sh),
				     GFP_KERNEL, NULL, NULL);
	if (sh)
		sh->users++;
	mutex_unlock(&adopt_lock);
	return sh ? 0 : -ENOMEM;
}

/* Runs when p0 is disabled, not when a cumulative patch replaces it. */
static void p0_post_unpatch(struct klp_object *obj)
{
	struct p0_shared *sh;

	mutex_lock(&adopt_lock);
	sh = klp_shadow_get(NULL, P0_SHARED_ID);
	if (sh && !--sh->users)
		klp_shadow_free(NULL, P0_SHARED_ID, NULL);
	mutex_unlock(&adopt_lock);
	klp_shadow_free_all(P0_PORT_ID, NULL);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "adopt_rx", .new_func = p0_rx, },
	{ .old_name = "adopt_report", .new_func = p0_report, },
	{ .old_name = "adopt_summary", .new_func = p0_summary, },
	{ .old_name = "adopt_close", .new_func = p0_close, },
	{ .old_name = "adopt_park", .new_func = p0_park, },
	{ }
};

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		/* vmlinux: always present, so the callbacks always run */
		.funcs = no_funcs,
		.callbacks = {
			.pre_patch = p0_pre_patch,
			.post_unpatch = p0_post_unpatch,
		},
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

static int __init p0_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit p0_exit(void)
{
}

module_init(p0_init);
module_exit(p0_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv adoption sample, patch 0: raw klp_shadow variables");
MODULE_INFO(livepatch, "Y");
