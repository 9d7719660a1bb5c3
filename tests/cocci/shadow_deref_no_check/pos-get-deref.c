// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: klp_shadow_get() is NULL for objects created before the patch
 * was loaded, but the result is used right away.
 */
#include <linux/livepatch.h>

#define SV_STATS 3

struct conn {
	int fd;
};

struct conn_stats {
	unsigned long rx, tx;
	char tag[8];
};

void livepatch_conn_rx(struct conn *c, unsigned long bytes)
{
	struct conn_stats *st = klp_shadow_get(c, SV_STATS);

	st->rx += bytes;
}

unsigned long livepatch_conn_tx(struct conn *c)
{
	unsigned long *tx;

	tx = klp_shadow_get(c, SV_STATS + 1);
	pr_debug("conn %d\n", c->fd);
	return *tx;
}

int livepatch_conn_fd(struct conn *c)
{
	return ((struct conn_stats *)klp_shadow_get(c, SV_STATS))->tag[0];
}
