/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpsv's shared format (Documentation/format.rst): the registry, the
 * family indexes and the instance header, shared by every klpsv-using
 * livepatch on the system, possibly built with different klpsv releases.
 *
 * Each structure starts with a prefix of plain fixed-width data that reads
 * the same on every kernel configuration, followed by kernel objects
 * (lists, locks).  No pointer into a module's text or data is ever stored
 * in them.  Moving a field of a fixed prefix breaks the build (below).
 */
#ifndef _KLPSV_FORMAT_H
#define _KLPSV_FORMAT_H

#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <klpsv.h>

#include "compat.h"

/*
 * Shared format this code writes.  1: every instance is a klp_shadow
 * variable.  2: an index of format 2 owns its instances (allocated and
 * freed by klpsv, found only through its tables); an index of format 1,
 * made by older code, keeps storing shadow variables (format.rst).
 */
#define KLPSV_FORMAT		2

#define KLPSV_REGISTRY_MAGIC	0x4b4c5352	/* "KLSR" */
#define KLPSV_INDEX_MAGIC	0x4b4c5349	/* "KLSI" */

/* The registry is shadow data on this key, which every module can see. */
#define KLPSV_REGISTRY_OBJ	klpsv_compat_registry_key()
#define KLPSV_REGISTRY_ID	KLPSV_ID(0, 0)
/* Test builds: the count of owned instances, on the same key (census.c). */
#define KLPSV_CENSUS_ID		KLPSV_ID(0, 1)

#define KLPSV_NAME_LEN		32
#define KLPSV_OWNER_LEN		56
#define KLPSV_REFUSAL_LEN	160

/* struct klpsv_index.state */
enum klpsv_index_state {
	KLPSV_INDEX_LIVE = 1,		/* one epoch, one version */
	KLPSV_INDEX_TRANSITION = 2,	/* next_* describe the incoming version */
	KLPSV_INDEX_RETIRED = 3,	/* dropped by a tombstone; no instances */
	/* after a forced transition: old and new kept in sync, as in 2 */
	KLPSV_INDEX_FORCED = 4,
	/* kept, empty, after a disable: old code may still reach it */
	KLPSV_INDEX_UNUSED = 5,
};

/* struct klpsv_registry.flags */
/* A transition was forced: indexes are never freed again. */
#define KLPSV_REG_FORCED	0x0001
/*
 * The live patch declared one klp_state per family (a format-1 patch
 * always did; a later one must then too, or the kernel refuses it).
 */
#define KLPSV_REG_STATES	0x0002


/* struct klpsv_hdr.flags */
#define KLPSV_HDR_PENDING	0x0001	/* twin shell: its step has not run */
#define KLPSV_HDR_LINKED	0x0002	/* in its index's table */
/* format 2: claimed, not linked yet, in its index's claims table */
#define KLPSV_HDR_CLAIMED	0x0004
/* adopted from a raw variable: new code is between its get and put */
#define KLPSV_HDR_HELD		0x0008

/*
 * The smallest table: 1024 buckets (8 KB), so that a family of a few
 * hundred instances has chains of one.
 */
#define KLPSV_TABLE_MIN_SHIFT	10

/**
 * struct klpsv_index - one family's live data, shared by every patch
 * @magic: KLPSV_INDEX_MAGIC
 * @format: KLPSV_FORMAT of the code that created it
 * @state: enum klpsv_index_state
 * @id: family id (epoch bits clear)
 * @name: family name, copied from the creating patch
 * @owner: name of the patch module that last took the family over
 * @version: live version
 * @layout: live layout fingerprint
 * @epoch: live layout epoch (low bits of the shadow id)
 * @size: live struct size
 * @alloc_size: bytes of data allocated per instance in @epoch
 * @next_version: incoming version (state TRANSITION)
 * @next_layout: incoming fingerprint
 * @next_epoch: incoming epoch; equal to @epoch for an additive change
 * @next_size: incoming struct size
 * @next_alloc_size: incoming allocation size
 * @prev_version: version before the running transition, for a revert
 * @gen_seed: first generation of the next new instance, so an instance
 *	allocated again at a recycled object address never looks unchanged
 * @count: instances in @instances
 * @bytes: bytes they use, headers included
 * @next_count: instances in @next (breaking transition only)
 * @migrations: instances migrated so far, over the family's life
 * @lost: instances freed because a step failed after a transition
 * @refusal: the last refusal concerning this family
 * @node: entry in the registry's list
 * @instances: the instances of epoch @epoch
 * @next: the instances of epoch @next_epoch when it differs (twins)
 * @seq: sequence count, odd while instances move between buckets or
 *	tables: a lockless lookup that missed meanwhile looks again
 * @lock: protects the tables, the counters and every step run;
 *	IRQ-safe, because patched code may run in any context
 * @lock_key: lockdep class of @lock, in shared memory (see
 *	klpsv_index_create())
 * @incoming: the family taking over, from pre_patch until its transition
 *	ended (completed, reverted, or a forced one ended by a later patch);
 *	its module cannot go away meanwhile (the livepatch core holds it)
 * @incoming_mod: that family's module, pinned by whoever calls into it
 * @finishing: post_patch of a breaking change walks: no old code runs, so
 *	new code's new objects get no older instance any more
 * @forced_epochs: bit n set when code that a forced transition left
 *	running may still use epoch n: no takeover moves the family there
 *	again (the epoch has four bits and would wrap into that code)
 * @claims: format 2: instances of epoch @epoch that exist but are not
 *	linked yet (a pending shell, an instance under construction), as
 *	klp_shadow holds them for format 1; only read under @lock
 * @next_claims: the same for epoch @next_epoch
 */
struct klpsv_index {
	u32 magic;
	u16 format;
	u16 state;
	u64 id;
	char name[KLPSV_NAME_LEN];
	char owner[KLPSV_OWNER_LEN];
	u32 version;
	u32 layout;
	u32 epoch;
	u32 size;
	u32 alloc_size;
	u32 next_version;
	u32 next_layout;
	u32 next_epoch;
	u32 next_size;
	u32 next_alloc_size;
	u32 prev_version;
	u32 gen_seed;
	u64 count;
	u64 bytes;
	u64 next_count;
	u64 migrations;
	u64 lost;
	char refusal[KLPSV_REFUSAL_LEN];
	/* end of the fixed prefix; kernel objects follow */
	struct list_head node;
	struct klpsv_table instances;
	struct klpsv_table next;
	u32 seq;
	spinlock_t lock;
	struct lock_class_key lock_key;
	struct klpsv_family *incoming;
	struct module *incoming_mod;
	bool finishing;
	u16 forced_epochs;
	/* format 2 */
	struct klpsv_table claims;
	struct klpsv_table next_claims;
};

/**
 * struct klpsv_registry - every klpsv family on the system
 * @magic: KLPSV_REGISTRY_MAGIC
 * @format: KLPSV_FORMAT of the code that created it
 * @flags: KLPSV_REG_* bits
 * @refusal: the last refusal of any klpsv patch
 * @families: struct klpsv_index, by node
 * @lock: serializes takeovers against the checks of patches being loaded
 *	and against debugfs readers
 * @lock_key: lockdep class of @lock, in shared memory
 * @lock_name: lockdep name of @lock, in shared memory
 *
 * Created by the first klpsv patch loaded, as shadow data on
 * KLPSV_REGISTRY_OBJ; it stays for the kernel's lifetime (a few hundred
 * bytes) so that no patch can free it under another one's feet.
 */
struct klpsv_registry {
	u32 magic;
	u16 format;
	u16 flags;
	char refusal[KLPSV_REFUSAL_LEN];
	/* end of the fixed prefix */
	struct list_head families;
	struct mutex lock;
	struct lock_class_key lock_key;
	char lock_name[16];
};

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

#endif /* _KLPSV_FORMAT_H */
