// SPDX-License-Identifier: GPL-2.0
/*
 * klp-build step 2 of the chain sample, the hunk on a vmlinux source file
 * the patch carries only to wire klpsv's callbacks on the vmlinux object
 * (always present, so they always run).  Upstream, KLP_OBJNAME is
 * "vmlinux" in any file built into the kernel; here it is set by hand
 * (see klp_helpers.h).
 */
#include <klpsv.h>

#define KLP_OBJNAME vmlinux
#include "klp_helpers.h"

KLP_PRE_PATCH_CALLBACK(klpsv_pre_patch);
KLP_POST_PATCH_CALLBACK(klpsv_post_patch);
KLP_POST_UNPATCH_CALLBACK(klpsv_post_unpatch);
