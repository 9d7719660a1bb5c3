// SPDX-License-Identifier: GPL-2.0
/*
 * Layout fingerprints: two builds of a shadow struct with the same members
 * at the same offsets get the same 32-bit fingerprint, any other change a
 * different one (up to hash collisions, which a version bump sidesteps).
 */
#include <linux/string.h>

#include "internal.h"

#define FNV32_OFFSET	0x811c9dc5u
#define FNV32_PRIME	0x01000193u

static u32 fnv32(u32 hash, const void *data, size_t len)
{
	const u8 *p = data;

	while (len--) {
		hash ^= *p++;
		hash *= FNV32_PRIME;
	}
	return hash;
}

static u32 fnv32_u32(u32 hash, u32 value)
{
	__le32 le = cpu_to_le32(value);

	return fnv32(hash, &le, sizeof(le));
}

/**
 * klpsv_layout_fingerprint() - hash a layout's size and members
 * @layout: the layout
 *
 * Hashes, in order, the struct size and each member's name (with its
 * terminating NUL), offset and size, as little-endian 32-bit numbers, so
 * the fingerprint is the same on every architecture and compiler.
 *
 * Return: the fingerprint.
 */
u32 klpsv_layout_fingerprint(const struct klpsv_layout *layout)
{
	u32 hash = fnv32_u32(FNV32_OFFSET, layout->size);
	u32 i;

	for (i = 0; i < layout->nr_fields; i++) {
		const struct klpsv_field *f = &layout->fields[i];

		hash = fnv32(hash, f->name, strlen(f->name) + 1);
		hash = fnv32_u32(hash, f->offset);
		hash = fnv32_u32(hash, f->size);
	}
	return hash;
}

/* Does @layout have a member called @name? */
static bool klpsv_layout_has(const struct klpsv_layout *layout,
			     const char *name)
{
	u32 i;

	for (i = 0; i < layout->nr_fields; i++) {
		if (!strcmp(layout->fields[i].name, name))
			return true;
	}
	return false;
}

/**
 * klpsv_layout_is_prefix() - is @new an additive change of @old?
 * @old: the older layout
 * @new: the newer layout
 *
 * True when every member of @old is in @new under the same name, at the
 * same offset, with the same size, and every other member of @new lies
 * beyond @old's size: code that knows @old then reads and writes a @new
 * instance correctly, and its whole-struct stores (or a revert, which
 * zeroes what lies beyond @old) never touch a new member, as they would
 * one placed in a padding hole of @old.
 *
 * Return: true for an additive change.
 */
bool klpsv_layout_is_prefix(const struct klpsv_layout *old,
			    const struct klpsv_layout *new)
{
	u32 i, j;

	if (new->size < old->size)
		return false;
	for (j = 0; j < new->nr_fields; j++) {
		if (new->fields[j].offset < old->size &&
		    !klpsv_layout_has(old, new->fields[j].name))
			return false;
	}
	for (i = 0; i < old->nr_fields; i++) {
		const struct klpsv_field *o = &old->fields[i];

		for (j = 0; j < new->nr_fields; j++) {
			if (!strcmp(o->name, new->fields[j].name))
				break;
		}
		if (j == new->nr_fields || new->fields[j].offset != o->offset ||
		    new->fields[j].size != o->size)
			return false;
	}
	return true;
}
