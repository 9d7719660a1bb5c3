// SPDX-License-Identifier: GPL-2.0
/*
 * The single-file form: a livepatch module built from this one .c file,
 * as flows that copy only the new functions out of a patched kernel
 * source file produce it (a SUSE-style klp-ccp extraction, a hand-kept
 * source tree): the library comes in by #include, no kbuild fragment,
 * no other object file, no include path.  Its Kbuild is only
 *
 *	obj-m += klpsv_single_file.o
 *	klpsv_single_file-y := livepatch.o
 *
 * The patch fixes the chain sample's victim as samples/chain/p1.c does:
 * "stats" at v1, so the chain's later patches take its data over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

/* klpsv vendored two directories up; no include path needed. */
#include "../../include/klpsv.h"
#include "../chain/schemas.h"	/* which includes klpsv.h the same way */

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = KLPSV_V(1),
	.layout = STATS_V1_LAYOUT,
	.reserve = STATS_RESERVE,
);

/* The functions of samples/chain/victim.c the patch changes, as copied. */

static void livepatch_chain_touch(struct chain_session *s, unsigned int bytes,
				  const char *who)
{
	struct stats_v1 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return;
	st->touches++;
	stats_put(st);
}

static void livepatch_chain_report(struct seq_file *m, struct chain_session *s)
{
	struct stats_v1 *st = stats_get(s);

	seq_printf(m, "session %u: touches=%u [single-file]\n", s->id,
		   st ? st->touches : 0);
	if (st)
		stats_put(st);
}

static void livepatch_chain_close(struct chain_session *s)
{
	stats_free(s);
}

static void livepatch_chain_park(unsigned int ms, struct chain_session *s)
{
	chain_park_body(ms);
	if (!s)
		return;
	mutex_lock(&chain_lock);
	if (s->open)
		livepatch_chain_touch(s, 0, "parked");
	mutex_unlock(&chain_lock);
}

static struct klp_func victim_funcs[] = {
	{ .old_name = "chain_touch", .new_func = livepatch_chain_touch, },
	{ .old_name = "chain_report", .new_func = livepatch_chain_report, },
	{ .old_name = "chain_close", .new_func = livepatch_chain_close, },
	{ .old_name = "chain_park", .new_func = livepatch_chain_park, },
	{ }
};

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		/* vmlinux: always present, so klpsv's callbacks always run */
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, {
		.name = "klpsv_chain_victim",
		.funcs = victim_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &stats_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int __init livepatch_init(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void __exit livepatch_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv single-file sample: the library #included, stats v1");
MODULE_INFO(livepatch, "Y");

/* The whole library, last: it redefines pr_fmt() for its messages. */
#include "../../klpsv.c"
