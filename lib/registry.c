// SPDX-License-Identifier: GPL-2.0
/*
 * The registry: the system-wide list of klpsv families, kept as shadow
 * data on a vmlinux address so that every klpsv patch finds it, whichever
 * module created it and whichever klpsv release built that module; and
 * the refusals and format checks every patch logs the same way.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/* Runs under klp_shadow's lock, once: must not sleep. */
static int registry_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct klpsv_registry *reg = shadow_data;

	reg->magic = KLPSV_REGISTRY_MAGIC;
	reg->format = KLPSV_FORMAT;
	INIT_LIST_HEAD(&reg->families);
	mutex_init(&reg->lock);
	/* Class key and name in shared memory, not in this module. */
	strscpy(reg->lock_name, "klpsv_registry", sizeof(reg->lock_name));
	lockdep_register_key(&reg->lock_key);
	lockdep_set_class_and_name(&reg->lock, &reg->lock_key, reg->lock_name);
	return 0;
}

/**
 * klpsv_registry_get() - find the registry, creating it on first use
 *
 * Context: process context.
 * Return: the registry, or NULL when out of memory.
 */
struct klpsv_registry *klpsv_registry_get(void)
{
	return klpsv_compat_shadow_get_or_alloc(KLPSV_REGISTRY_OBJ,
						KLPSV_REGISTRY_ID,
						sizeof(struct klpsv_registry),
						GFP_KERNEL, registry_ctor, NULL);
}

/**
 * klpsv_format_check() - can this code read a shared structure?
 * @patch: name of the patch asking, for the message
 * @magic: the structure's magic
 * @want_magic: the magic it should have
 * @format: the structure's format version
 * @what: "registry" or a family name, for the message
 *
 * Every format this code knows (1 .. KLPSV_FORMAT) is readable; a newer
 * one, written by a newer klpsv, is not.
 *
 * Return: 0, or -EINVAL after logging why.
 */
int klpsv_format_check(const char *patch, u32 magic, u32 want_magic,
		       unsigned int format, const char *what)
{
	if (magic != want_magic) {
		pr_err("%s: %s: shared klpsv data is corrupt (magic %#x, expected %#x); refusing to touch it\n",
		       patch, what, magic, want_magic);
		return -EINVAL;
	}
	if (format < 1 || format > KLPSV_FORMAT) {
		pr_err("%s: %s: live data uses klpsv format %u, this patch understands formats 1 to %u: rebuild it with a newer klpsv\n",
		       patch, what, format, KLPSV_FORMAT);
		return -EINVAL;
	}
	return 0;
}

/**
 * __klpsv_index_find() - the index of a family id
 * @reg: the registry, locked
 * @id: family id
 *
 * Return: the index, or NULL if no patch ever declared @id.
 */
struct klpsv_index *__klpsv_index_find(struct klpsv_registry *reg,
				     unsigned long id)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index;

	list_for_each_entry(index, &reg->families, node) {
		if (index->id == id)
			return index;
	}
	return NULL;
}

/**
 * klpsv_refuse() - log a refusal and remember it for debugfs
 * @reg: the registry, locked
 * @index: the family concerned, or NULL
 * @fmt: printf format of the reason
 *
 * Return: -EINVAL, for the caller to return.
 */
int klpsv_refuse(struct klpsv_registry *reg, struct klpsv_index *index,
		 const char *fmt, ...)
{
	/* logged whole; debugfs keeps what its fields hold */
	char buf[2 * KLPSV_REFUSAL_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	pr_err("%s\n", buf);
	if (reg)
		strscpy(reg->refusal, buf, sizeof(reg->refusal));
	if (index)
		strscpy(index->refusal, buf, sizeof(index->refusal));
	return -EINVAL;
}
