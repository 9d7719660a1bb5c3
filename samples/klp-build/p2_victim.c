// SPDX-License-Identifier: GPL-2.0
/*
 * klp-build step 2 of the chain sample, the patched source file: what
 * klp diff copies out of samples/chain/victim.c once the patch moving
 * "stats" to v2 (in place) and adding "tag" is applied to it.  Only the
 * changed functions are kept, under their own names, with the new data
 * the patch added: the klpsv families.  The logic is the chain's v2
 * (samples/chain/v2.h), shared with samples/chain/p2.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#define CHAIN_V2_TAG "klp-build p2"
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
