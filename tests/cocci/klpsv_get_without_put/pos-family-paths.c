// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: gets of the "stats" family that miss their put on some path:
 * at the end of the function, on an early error return, when a goto
 * jumps over the put, and when a return shares its test with the NULL
 * check.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "schemas.h"

KLPSV_FAMILY(stats, struct stats_v2,
	.name = "stats",
	.id = STATS_ID,
	.version = 2,
	.layout = STATS_V2_LAYOUT,
	.reserve = STATS_RESERVE,
);

static void p2_touch(struct chain_session *s, unsigned int bytes,
		     const char *who)
{
	struct stats_v2 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return;
	st->touches++;
	st->bytes += bytes;
}

static int p2_account(struct chain_session *s, unsigned int bytes)
{
	struct stats_v2 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);

	if (!st)
		return -ENOMEM;
	if (st->bytes + bytes < st->bytes)
		return -EOVERFLOW;
	st->bytes += bytes;
	stats_put(st);
	return 0;
}

static void p2_report(struct seq_file *m, struct chain_session *s)
{
	struct stats_v2 *st;

	st = stats_get(s);
	if (!st)
		return;
	if (!s->open)
		goto out;
	seq_printf(m, "session %u: touches=%u bytes=%u [p2]\n", s->id,
		   st->touches, st->bytes);
	stats_put(st);
out:
	seq_puts(m, "\n");
}

static void p2_close(struct chain_session *s)
{
	struct stats_v2 *st = stats_get(s);

	if (!st || !s->open)	/* st may be non-NULL here */
		return;
	s->last_bytes = st->bytes;
	stats_put(st);
	stats_free(s);
}
