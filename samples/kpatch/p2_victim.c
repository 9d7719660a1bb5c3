// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-build step 2 of the chain sample, the patched source file: the
 * changed functions of samples/chain/victim.c, as create-diff-object
 * extracts them once the patch moving "stats" to v2 (in place) and adding
 * "tag" is applied, with the families the patch added.  The logic is the
 * chain's v2 (samples/chain/v2.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#define CHAIN_V2_TAG "kpatch p2"
#include "../chain/v2.h"

noinline void chain_touch(struct chain_session *s, unsigned int bytes,
			  const char *who)
{
	v2_touch(s, bytes, who);
}

noinline void chain_report(struct seq_file *m, struct chain_session *s)
{
	v2_report(m, s);
}

noinline void chain_close(struct chain_session *s)
{
	v2_close(s);
}

noinline void chain_park(unsigned int ms, struct chain_session *s)
{
	v2_park(ms, s);
}
