// SPDX-License-Identifier: GPL-2.0
/* Part of lp-conn: frees shadow data, called from main.c's module_exit(). */
#include <linux/livepatch.h>

#define KLPSV_NS_CONN 0x2a
#define SV_CONN (((unsigned long)KLPSV_NS_CONN << 32) | 1)

void conn_release_all(void)
{
	klp_shadow_free_all(SV_CONN, NULL);
}
