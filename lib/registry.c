// SPDX-License-Identifier: GPL-2.0
/*
 * The registry: the system-wide list of klpsv families, kept as shadow
 * data on a vmlinux address so that every klpsv patch finds it, whichever
 * module created it and whichever klpsv release built that module.
 */
#define pr_fmt(fmt) "klpsv: " fmt

#include <linux/build_bug.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/*
 * The shared format is an ABI (Documentation/format.rst): moving a field
 * of a fixed prefix breaks takeover from patches built with other klpsv
 * releases, so it breaks the build instead.
 */
#define KLPSV_AT(type, field, offset) \
	static_assert(offsetof(type, field) == (offset), #type "." #field)

KLPSV_AT(struct klpsv_hdr, obj, 8);
KLPSV_AT(struct klpsv_hdr, version, 16);
KLPSV_AT(struct klpsv_hdr, flags, 18);
KLPSV_AT(struct klpsv_hdr, gen, 20);
static_assert(sizeof(struct klpsv_hdr) == 24, "klpsv_hdr size");
KLPSV_AT(struct klpsv_registry, format, 4);
KLPSV_AT(struct klpsv_registry, refusal, 8);
KLPSV_AT(struct klpsv_registry, families, 168);
KLPSV_AT(struct klpsv_index, state, 6);
KLPSV_AT(struct klpsv_index, id, 8);
KLPSV_AT(struct klpsv_index, name, 16);
KLPSV_AT(struct klpsv_index, owner, 48);
KLPSV_AT(struct klpsv_index, version, 104);
KLPSV_AT(struct klpsv_index, alloc_size, 120);
KLPSV_AT(struct klpsv_index, next_version, 124);
KLPSV_AT(struct klpsv_index, prev_version, 144);
KLPSV_AT(struct klpsv_index, gen_seed, 148);
KLPSV_AT(struct klpsv_index, count, 152);
KLPSV_AT(struct klpsv_index, lost, 184);
KLPSV_AT(struct klpsv_index, refusal, 192);
KLPSV_AT(struct klpsv_index, node, 352);

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
 * klpsv_index_find() - the index of a family id
 * @reg: the registry, locked
 * @id: family id
 *
 * Return: the index, or NULL if no patch ever declared @id.
 */
struct klpsv_index *klpsv_index_find(struct klpsv_registry *reg,
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
 * klpsv_index_create() - add an empty index for a family
 * @reg: the registry, locked
 * @family: the family, epoch and allocation size already chosen
 * @owner: name of the patch module creating it
 *
 * The index lock gets a lockdep class of its own, registered in the
 * index's memory: a class key in a module would dangle once that module
 * is replaced and unloaded.
 *
 * Context: process context.
 * Return: the index, or NULL when out of memory.
 */
struct klpsv_index *klpsv_index_create(struct klpsv_registry *reg,
				       struct klpsv_family *family,
				       const char *owner)
	__must_hold(&reg->lock)
{
	struct klpsv_index *index;

	if (klpsv_fault_alloc())
		return NULL;
	index = kzalloc(sizeof(*index), GFP_KERNEL);
	if (!index)
		return NULL;
	index->magic = KLPSV_INDEX_MAGIC;
	index->format = KLPSV_FORMAT;
	index->state = KLPSV_INDEX_LIVE;
	index->id = family->id;
	strscpy(index->name, family->name, sizeof(index->name));
	strscpy(index->owner, owner, sizeof(index->owner));
	index->version = klpsv_fver(family);
	index->layout = family->fingerprint;
	index->epoch = family->epoch;
	index->size = family->layout.size;
	index->alloc_size = family->alloc_size;
	index->next_epoch = family->epoch;
	if (klpsv_table_init(&index->instances) ||
	    klpsv_table_init(&index->next)) {
		klpsv_table_destroy(&index->instances);
		klpsv_table_destroy(&index->next);
		kfree(index);
		return NULL;
	}
	spin_lock_init(&index->lock);
	lockdep_register_key(&index->lock_key);
	lockdep_set_class_and_name(&index->lock, &index->lock_key, index->name);
	list_add_tail(&index->node, &reg->families);
	return index;
}

/**
 * klpsv_index_destroy() - remove an index with no instances left
 * @index: the index; the registry holding it is locked
 */
void klpsv_index_destroy(struct klpsv_index *index)
{
	list_del(&index->node);
	lockdep_unregister_key(&index->lock_key);
	klpsv_table_destroy(&index->instances);
	klpsv_table_destroy(&index->next);
	kfree(index);
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
	char buf[KLPSV_REFUSAL_LEN];
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
