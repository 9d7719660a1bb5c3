/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the unit tests of klpsv's core (test_klpsv_*.c): livepatch
 * modules as a test drives them, snapshots of every klpsv instance, and
 * the end-of-test cleanup of what klpsv keeps for the kernel's lifetime.
 *
 * One library copy per module, one copy here.  The library keeps its
 * patch in a static (this_patch in lib/patch.c) set by
 * klpsv_enable_patch() and cleared by klpsv_patch_exit(), so only one
 * module's copy can be "the" klpsv at a time.  A test simulates a second
 * module with kmod_detach(): the first module's copy steps aside (as if
 * the next module had a copy of its own); its patch stays installed with
 * its klp_states, its families and accessors stay usable (old code keeps
 * running), but its callbacks no longer reach klpsv.  That is exactly the
 * kernel's behaviour once the patch is being replaced: only the new
 * patch's callbacks run.  It also means a detached patch cannot be
 * disabled for real; a test ends its chain by a successor that takes
 * over, which it then disables.
 */
#ifndef _TEST_KLPSV_H
#define _TEST_KLPSV_H

#include <linux/livepatch.h>
#include <linux/module.h>

#include <klpsv.h>
#include "internal.h"
#include "klp_model.h"
#include "test.h"

/* A livepatch module that uses klpsv: what samples/chain/p*.c declare. */
#define KMOD_FAMILIES 8

struct kmod {
	struct module mod;
	struct klp_func no_funcs[1];
	struct klp_object objs[3];
	struct klp_patch patch;
	struct klpsv_patch kp;
	/* the module's parameter table: one entry per KLPSV_FAMILY() */
	struct kernel_param params[KMOD_FAMILIES];
	struct klp_state own_states[4];	/* the patch's own, if any */
	struct klp_state kept[16];	/* its states once detached */
};

/*
 * A freshly loaded module: @families (NULL-terminated) get their private
 * fields cleared, as a new module's data would have them; the vmlinux
 * object has KLPSV_CALLBACKS and no function.
 */
void kmod_load(struct kmod *m, const char *name,
	       struct klpsv_family **families);
/* A family the module declares with KLPSV_FAMILY(); kmod_load() declares
 * those it lists. */
void kmod_declare(struct kmod *m, struct klpsv_family *f);
/* Module init: klpsv_enable_patch(). */
int kmod_enable(struct kmod *m);
/* Another module's klpsv copy takes over the library (see above). */
void kmod_detach(struct kmod *m);
/* Module exit: klpsv_patch_exit(). */
void kmod_exit(struct kmod *m);

/* Every klpsv test starts and ends with these. */
void kt_begin(void);
void kt_end(void);

/* The shared data, as the library left it (NULL when absent). */
struct klpsv_registry *kt_registry(void);
struct klpsv_index *kt_index(unsigned long id);
struct klpsv_hdr *kt_hdr(void *obj, unsigned long id, unsigned int epoch);
/*
 * klpsv instances on the system: shadow variables in the model (format 1,
 * not the registry) and the census of owned ones (format 2), neither of
 * which the library's indexes keep.
 */
unsigned long kt_instances(void);
/* Those of one shadow id (family id and epoch). */
unsigned long kt_count(unsigned long id);
void kt_for_each_instance(void (*fn)(void *obj, unsigned long id, void *data,
				     void *arg), void *arg);
/* Free every owned instance still counted, as a reboot would: how many. */
unsigned long kt_census_reset(void);
/* The format of the indexes the library creates next (0: the current). */
void kt_set_index_format(unsigned int format);
/* What an instance of @data bytes takes in such an index. */
size_t kt_instance_bytes(size_t data);
/* KLPSV_HDR_CLAIMED where a claimed instance carries it (format 2). */
unsigned int kt_claimed_flag(void);
/* Copy an index as it is, whatever its format's size. */
void kt_index_copy(struct klpsv_index *dst, const struct klpsv_index *src);

/*
 * Pending shells with shadow id @id (twins pre_patch reserved, not yet
 * converted); @orphans, if set, counts those whose object has no
 * instance in the index's live epoch any more (a leak).
 */
unsigned long kt_pending(unsigned long id, unsigned long *orphans);

/* Every klpsv instance's bytes (header, struct and tail room). */
#define KT_SNAP_MAX	64
#define KT_SNAP_BYTES	128
struct kt_snap {
	unsigned int n;
	struct kt_snap_entry {
		void *obj;
		unsigned long id;
		size_t len;
		u8 bytes[KT_SNAP_BYTES];
	} e[KT_SNAP_MAX];
};
void kt_snapshot(struct kt_snap *s);
/* Compares, reporting each difference as a test failure. */
bool kt_snap_same(const struct kt_snap *before, const struct kt_snap *now,
		  const char *file, int line);
#define EXPECT_SNAP_SAME(a, b)	kt_snap_same(a, b, __FILE__, __LINE__)

/* The fields of an index that describe live data (not a transition's). */
bool kt_index_same(const struct klpsv_index *before,
		   const struct klpsv_index *now, const char *file, int line);
#define EXPECT_INDEX_SAME(a, b)	kt_index_same(a, b, __FILE__, __LINE__)

/* The whole log line containing @substr, or "" (for exact comparisons). */
const char *kt_log_line(const char *substr);

#endif /* _TEST_KLPSV_H */
