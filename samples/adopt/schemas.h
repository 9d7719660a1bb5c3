/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every layout of the adoption sample's shadow data:
 *
 *   raw port     p0  u32 packets, bytes        klp_shadow id (bsc << 6) | 1
 *   raw shared   p0  users, closes, u64 bytes  klp_shadow id (bsc << 6) | 0,
 *                                              on obj NULL (a singleton)
 *   port v1      p1  u32 packets, bytes        adopts p0's per-port data
 *   port v2      p2  u64 bytes, packets; max   breaking: new layout
 *   shared v1    p1  u64 bytes, u32 closes     adopts p0's shared state
 *
 * The raw structs are p0's, as its source has them; klpsv needs their
 * layouts to adopt them (KLPSV_RAW()).
 */
#ifndef _KLPSV_ADOPT_SCHEMAS_H
#define _KLPSV_ADOPT_SCHEMAS_H

#include <klpsv.h>

#include "adopt.h"

/* SUSE's shadow ids: the bug number, then a number of its own. */
#define KLP_SHADOW_ID(bsc, n)	(((bsc) << 6) | (n))
#define ADOPT_BSC		1234567
#define P0_SHARED_ID		KLP_SHADOW_ID(ADOPT_BSC, 0)
#define P0_PORT_ID		KLP_SHADOW_ID(ADOPT_BSC, 1)

/**
 * struct p0_port - p0's raw shadow data on each port
 * @packets: packets received
 * @bytes: bytes received
 */
struct p0_port {
	u32 packets;
	u32 bytes;
};

#define P0_PORT_LAYOUT KLPSV_LAYOUT(struct p0_port,			\
	KLPSV_FIELD(struct p0_port, packets),				\
	KLPSV_FIELD(struct p0_port, bytes))

/**
 * struct p0_shared - p0's shared state, a raw shadow variable on NULL
 * @users: livepatches using it (SUSE's shared-state refcount)
 * @closes: ports closed
 * @bytes: bytes received on every port
 */
struct p0_shared {
	u32 users;
	u32 closes;
	u64 bytes;
};

#define P0_SHARED_LAYOUT KLPSV_LAYOUT(struct p0_shared,			\
	KLPSV_FIELD(struct p0_shared, users),				\
	KLPSV_FIELD(struct p0_shared, closes),				\
	KLPSV_FIELD(struct p0_shared, bytes))

/* Namespace of the adoption sample's klpsv ids. */
#define ADOPT_NS	2
#define PORT_ID		KLPSV_ID(ADOPT_NS, 1)
#define SHARED_ID	KLPSV_ID(ADOPT_NS, 2)

/**
 * struct port_v1 - p1's counters per port
 * @packets: packets received
 * @bytes: bytes received
 */
struct port_v1 {
	u32 packets;
	u32 bytes;
};

#define PORT_V1_LAYOUT KLPSV_LAYOUT(struct port_v1,			\
	KLPSV_FIELD(struct port_v1, packets),				\
	KLPSV_FIELD(struct port_v1, bytes))

/**
 * struct port_v2 - p2's counters per port
 * @bytes: bytes received
 * @packets: packets received
 * @max: size of the largest packet received since p2
 *
 * The 32-bit counters of v1 overflowed: both become 64-bit, in a new
 * order, a breaking change.
 */
struct port_v2 {
	u64 bytes;
	u64 packets;
	u32 max;
};

#define PORT_V2_LAYOUT KLPSV_LAYOUT(struct port_v2,			\
	KLPSV_FIELD(struct port_v2, bytes),				\
	KLPSV_FIELD(struct port_v2, packets),				\
	KLPSV_FIELD(struct port_v2, max))

/**
 * struct shared_v1 - totals over every port, a singleton on obj NULL
 * @bytes: bytes received on every port
 * @closes: ports closed
 *
 * No users count: klpsv owns the singleton's lifetime.
 */
struct shared_v1 {
	u64 bytes;
	u32 closes;
};

#define SHARED_V1_LAYOUT KLPSV_LAYOUT(struct shared_v1,			\
	KLPSV_FIELD(struct shared_v1, bytes),				\
	KLPSV_FIELD(struct shared_v1, closes))

#endif /* _KLPSV_ADOPT_SCHEMAS_H */
