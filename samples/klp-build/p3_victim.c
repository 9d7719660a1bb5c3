// SPDX-License-Identifier: GPL-2.0
/*
 * klp-build step 3 of the chain sample, the patched source file: what
 * klp diff copies out of samples/chain/victim.c once the patch moving
 * "stats" to v3 (a new layout, a breaking change) and retiring "tag" is
 * applied.  The logic is the chain's v3 (samples/chain/v3.h), shared
 * with samples/chain/p3.c's.
 *
 * This file also declares klpsv's callbacks for its own object, the
 * victim module, as an author declaring them in the file the patch
 * changes would: klpsv acts once per patch, on whichever object's
 * callback runs first; the vmlinux object's (p3_vmlinux.c) are still
 * required, the victim module may not be loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#define CHAIN_V3_TAG "klp-build p3"
#include "../chain/v3.h"

#define KLP_OBJNAME klpsv_chain_victim
#include "klp_helpers.h"

KLP_PRE_PATCH_CALLBACK(klpsv_pre_patch);
KLP_POST_PATCH_CALLBACK(klpsv_post_patch);
KLP_POST_UNPATCH_CALLBACK(klpsv_post_unpatch);

noinline void chain_touch(struct chain_session *s, unsigned int bytes,
			  const char *who)
{
	v3_touch(s, bytes, who);
}

noinline void chain_report(struct seq_file *m, struct chain_session *s)
{
	v3_report(m, s);
}

noinline void chain_close(struct chain_session *s)
{
	v3_close(s);
}

noinline void chain_park(unsigned int ms, struct chain_session *s)
{
	v3_park(ms, s);
}
