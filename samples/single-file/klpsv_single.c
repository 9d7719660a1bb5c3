// SPDX-License-Identifier: GPL-2.0
/*
 * The whole klpsv library as one translation unit, for the single-file
 * form: a livepatch module built from one .c file includes this file
 * first.  The same list as KLPSV_LIB in klpsv.kbuild; pr_fmt comes first,
 * as the library files that log define it alike.
 *
 * To move to lib/ (lib/all.c): the includes then lose their "../../lib/".
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include "../../lib/layout.c"
#include "../../lib/family.c"
#include "../../lib/discover.c"
#include "../../lib/registry.c"
#include "../../lib/check.c"
#include "../../lib/table.c"
#include "../../lib/index.c"
#include "../../lib/store.c"
#include "../../lib/instance.c"
#include "../../lib/migrate.c"
#include "../../lib/twin.c"
#include "../../lib/twin_down.c"
#include "../../lib/adopt.c"
#include "../../lib/access.c"
#include "../../lib/takeover.c"
#include "../../lib/patch.c"
#include "../../lib/debugfs.c"
#include "../../lib/fault.c"
#include "../../lib/census.c"
