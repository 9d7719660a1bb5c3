// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-build step 2 of the chain sample, the hunk on a vmlinux source
 * file the patch carries only to wire klpsv's callbacks on the vmlinux
 * object.  create-diff-object records objname "vmlinux" for any file
 * built into the kernel; here it is set by hand (see kpatch_macros.h).
 */
#include <klpsv.h>

#define KPATCH_OBJNAME vmlinux
#include "kpatch_macros.h"

KPATCH_PRE_PATCH_CALLBACK(klpsv_pre_patch);
KPATCH_POST_PATCH_CALLBACK(klpsv_post_patch);
KPATCH_POST_UNPATCH_CALLBACK(klpsv_post_unpatch);
