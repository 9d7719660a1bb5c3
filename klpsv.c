// SPDX-License-Identifier: GPL-2.0
/*
 * The whole klpsv library as one translation unit, for build flows that
 * make a livepatch module from one patched source file (a tool that
 * copies only new and changed functions out of it): no Kbuild fragment,
 * no include path.  In that file:
 *
 *	#include "klpsv/include/klpsv.h"	(with the other includes)
 *	...the families (KLPSV_FAMILY()) and the patched functions...
 *	#include "klpsv/klpsv.c"		(at the end of the file)
 *
 * with "klpsv/" the vendored copy, relative to the file.  It redefines
 * pr_fmt() for klpsv's messages, hence the end of the file.  klpsv's own
 * static names share the file's namespace: a clash is a compile error.
 * Modules built with Kbuild use klpsv.kbuild instead.
 */
#undef pr_fmt
#define pr_fmt(fmt) "klpsv: " fmt

#include "lib/layout.c"
#include "lib/family.c"
#include "lib/discover.c"
#include "lib/registry.c"
#include "lib/check.c"
#include "lib/table.c"
#include "lib/index.c"
#include "lib/store.c"
#include "lib/instance.c"
#include "lib/migrate.c"
#include "lib/twin.c"
#include "lib/twin_down.c"
#include "lib/adopt.c"
#include "lib/access.c"
#include "lib/takeover.c"
#include "lib/patch.c"
#include "lib/debugfs.c"
#include "lib/fault.c"
#include "lib/census.c"
