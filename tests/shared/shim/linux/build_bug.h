/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_BUILD_BUG_H
#define _SHIM_LINUX_BUILD_BUG_H

#include <linux/compiler.h>

/* Zero, usable in constant expressions; breaks the build if e is true. */
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int:(-!!(e)); })))

#define BUILD_BUG_ON_INVALID(e) ((void)(sizeof((__force long)(e))))

#define BUILD_BUG_ON_MSG(cond, msg) compiletime_assert(!(cond), msg)

#define BUILD_BUG_ON(condition) \
	BUILD_BUG_ON_MSG(condition, "BUILD_BUG_ON failed: " #condition)

#define BUILD_BUG() BUILD_BUG_ON_MSG(1, "BUILD_BUG failed")

/* <assert.h> #undefs it first too, so the two can be mixed. */
#undef static_assert
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)

#endif /* _SHIM_LINUX_BUILD_BUG_H */
