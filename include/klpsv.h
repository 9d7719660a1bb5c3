/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpsv: versioned shadow-variable schemas for cumulative livepatches.
 *
 * Livepatch modules include this header; the library itself is compiled
 * into each livepatch module (see klpsv.kbuild).
 */
#ifndef _KLPSV_H
#define _KLPSV_H

#include <linux/build_bug.h>
#include <linux/types.h>

/* Version of this library's sources, for logs and debugfs. */
#define KLPSV_VERSION_MAJOR	0
#define KLPSV_VERSION_MINOR	1

/*
 * Shadow and state ids live in one global space shared by every livepatch
 * on the system.  klpsv ids carry a marker in the top bits so they cannot
 * meet the small numbers hand-written patches use, a namespace (a vendor
 * or bug number), a local number, and four low bits the library keeps for
 * the layout epoch of a family.
 */
#define KLPSV_ID_MAGIC		0x6b7376UL	/* "ksv" */
#define KLPSV_ID_MAGIC_SHIFT	40
#define KLPSV_ID_NS_BITS	24
#define KLPSV_ID_NS_SHIFT	16
#define KLPSV_ID_LOCAL_BITS	12
#define KLPSV_ID_LOCAL_SHIFT	4
#define KLPSV_ID_EPOCH_MASK	0xfUL

/**
 * KLPSV_ID() - build a namespaced klpsv id at compile time
 * @ns: namespace, 0 .. 2^24 - 1 (for example a bug or vendor number)
 * @n: local number inside @ns, 0 .. 4095
 *
 * Out-of-range arguments break the build.  Usable in static initializers.
 *
 * Return: the id, with the epoch bits clear.
 */
#define KLPSV_ID(ns, n)							\
	(BUILD_BUG_ON_ZERO((unsigned long)(ns) >> KLPSV_ID_NS_BITS ||	\
			   (unsigned long)(n) >> KLPSV_ID_LOCAL_BITS) +	\
	 ((KLPSV_ID_MAGIC << KLPSV_ID_MAGIC_SHIFT) |			\
	  ((unsigned long)(ns) << KLPSV_ID_NS_SHIFT) |			\
	  ((unsigned long)(n) << KLPSV_ID_LOCAL_SHIFT)))

#endif /* _KLPSV_H */
