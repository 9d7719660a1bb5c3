// SPDX-License-Identifier: GPL-2.0
/*
 * Parse failures must be listed, not hidden: a template placeholder, a
 * function-like macro that expands to an if, and an attribute before a
 * function each hide a function body from every rule.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

#define ifdebug(fac) if (unlikely(debug & (fac)))

static unsigned int debug;

static int @@NAME@@_helper(void)
{
	klp_shadow_free_all(0x51ab, NULL);
	return 0;
}

__attribute__((__optimize__("no-omit-frame-pointer"))) static int fix_get(void *obj)
{
	return klp_shadow_get(obj, 3) != NULL;
}

static void fix_log(int x)
{
	ifdebug(1)
		pr_info("x=%d\n", x);
}

static int ok_function(void)
{
	return 0;
}
