// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: the exit function frees through two levels of helpers, one of
 * them not static; a free under a test that is no reference count does
 * not count as guarded.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

#define SV_CONN 0x51a0
#define SV_FLAG 0x51a1

static bool loaded;

static void drop_conn_state(void)
{
	klp_shadow_free_all(SV_CONN, NULL);
}

void livepatch_conn_cleanup(void)
{
	drop_conn_state();
}

static void drop_flags(void)
{
	if (loaded)
		klp_shadow_free_all(SV_FLAG, NULL);
}

static void __exit fix_exit(void)
{
	livepatch_conn_cleanup();
	drop_flags();
}

module_exit(fix_exit);
