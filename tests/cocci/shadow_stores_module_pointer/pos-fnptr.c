// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: per-object "ops" kept in shadow data point at this module's
 * functions and constant tables.
 */
#include <linux/livepatch.h>

#define SV_OPS 30

struct pkt;

struct pkt_ops {
	int (*filter)(struct pkt *p);
	const char *owner;
	const u8 *table;
};

static const u8 crc_table[256] = { 0 };

static int livepatch_filter_v2(struct pkt *p)
{
	return 0;
}

int livepatch_pkt_attach(struct pkt *p)
{
	struct pkt_ops *ops;

	ops = klp_shadow_get_or_alloc(p, SV_OPS, sizeof(*ops), GFP_ATOMIC,
				      NULL, NULL);
	if (!ops)
		return -ENOMEM;
	ops->filter = livepatch_filter_v2;
	ops->owner = "livepatch_v2";
	ops->table = crc_table;
	return 0;
}
