// SPDX-License-Identifier: GPL-2.0
/*
 * Whole module, SUSE's layout: module_init()/module_exit() and the
 * struct klp_patch live in livepatch_main.c, away from the shadow calls
 * of the per-bug files (bsc1/, bsc2/).  The patch has no .replace: a
 * finding only when the module is seen whole.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

int livepatch_bsc1_init(void);
void livepatch_bsc1_cleanup(void);
int livepatch_bsc2_init(void);
void livepatch_bsc2_cleanup(void);

static struct klp_object objs[] = { { }, { } };

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init klp_patch_init(void)
{
	int ret;

	ret = livepatch_bsc1_init();
	if (ret)
		return ret;
	ret = livepatch_bsc2_init();
	if (ret) {
		livepatch_bsc1_cleanup();
		return ret;
	}
	return klp_enable_patch(&patch);
}

static void __exit klp_patch_cleanup(void)
{
	livepatch_bsc1_cleanup();
	livepatch_bsc2_cleanup();
}

module_init(klp_patch_init);
module_exit(klp_patch_cleanup);
MODULE_LICENSE("GPL");
