// SPDX-License-Identifier: GPL-2.0
// expect: incorrect type in initializer (different base types)
/*
 * Misuse: a family version written as a plain integer, where it could as
 * well be an id, an epoch or a count.  klpsv_version_t is __bitwise:
 * versions are written KLPSV_V(n).
 */
#include <linux/module.h>

#include <klpsv.h>

struct conn_v1 {
	u32 packets;
};

KLPSV_FAMILY(conn, struct conn_v1,
	.name = "conn",
	.id = KLPSV_ID(1, 1),
	.version = 1,
	.layout = KLPSV_LAYOUT(struct conn_v1,
		KLPSV_FIELD(struct conn_v1, packets)),
);

struct klpsv_family *conn_declared(void);
struct klpsv_family *conn_declared(void)
{
	return &conn_family;
}

MODULE_LICENSE("GPL");
