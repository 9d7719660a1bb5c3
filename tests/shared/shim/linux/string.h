/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <string.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/types.h>

/* Copies with truncation: -E2BIG if src did not fit, else its length. */
static inline ssize_t strscpy(char *dst, const char *src, size_t count)
{
	size_t i;

	if (count == 0)
		return -E2BIG;
	/* never reads src past its NUL, whatever count says */
	for (i = 0; i < count; i++) {
		dst[i] = src[i];
		if (!src[i])
			return i;
	}
	dst[count - 1] = '\0';
	return -E2BIG;
}

static inline ssize_t strscpy_pad(char *dst, const char *src, size_t count)
{
	ssize_t written = strscpy(dst, src, count);

	if (written >= 0 && (size_t)written < count)
		memset(dst + written + 1, 0, count - written - 1);
	return written;
}

static inline size_t str_has_prefix(const char *str, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(str, prefix, len) == 0 ? len : 0;
}

static inline bool strstarts(const char *str, const char *prefix)
{
	return strncmp(str, prefix, strlen(prefix)) == 0;
}

static inline bool sysfs_streq(const char *s1, const char *s2)
{
	while (*s1 && *s1 == *s2) {
		s1++;
		s2++;
	}
	if (*s1 == *s2)
		return true;
	if (!*s1 && *s2 == '\n' && !s2[1])
		return true;
	if (*s1 == '\n' && !s1[1] && !*s2)
		return true;
	return false;
}

static inline void memzero_explicit(void *s, size_t count)
{
	memset(s, 0, count);
	barrier_data(s);
}

static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;

	while (bytes--) {
		if (*p != (u8)c)
			return (void *)p;
		p++;
	}
	return NULL;
}

#endif /* _SHIM_LINUX_STRING_H */
