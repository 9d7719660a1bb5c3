/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_TYPECHECK_H
#define _SHIM_LINUX_TYPECHECK_H

/* Warns (an error with -Werror) unless x is of the given type. */
#define typecheck(type, x) \
({	type __dummy; \
	typeof(x) __dummy2; \
	(void)(&__dummy == &__dummy2); \
	1; \
})

#define typecheck_fn(type, function) \
({	typeof(type) __tmp = function; \
	(void)__tmp; \
})

#define typecheck_pointer(x) \
({	typeof(x) __dummy; \
	(void)sizeof(*__dummy); \
	1; \
})

#endif /* _SHIM_LINUX_TYPECHECK_H */
