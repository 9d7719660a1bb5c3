// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: klpsv_get() on a family declared as a plain struct
 * klpsv_family: a value read and returned without the put, a presence
 * test that never puts what it found, a get tested in the if itself.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

#include <klpsv.h>

struct conn_v1 {
	u32 retries;
};

static struct klpsv_family conn_family = {
	.name = "conn",
	.id = KLPSV_ID(4242, 1),
	.version = 1,
	.layout = KLPSV_LAYOUT(struct conn_v1,
			       KLPSV_FIELD(struct conn_v1, retries)),
};

static u32 conn_retries(void *conn)
{
	struct conn_v1 *cv = klpsv_get(&conn_family, conn);

	return cv ? cv->retries : 0;
}

static bool conn_is_tracked(void *conn)
{
	struct conn_v1 *cv = klpsv_get(&conn_family, conn);

	return cv != NULL;
}

static void conn_retry(void *conn)
{
	struct conn_v1 *cv;

	if (!(cv = klpsv_get_or_alloc(&conn_family, conn, GFP_ATOMIC, NULL)))
		return;
	cv->retries++;
}
