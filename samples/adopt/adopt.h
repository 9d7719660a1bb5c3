/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The adoption sample: a victim module keeping ports, and the functions
 * its livepatches replace.  p0 is a hand-written livepatch on raw
 * klp_shadow_*() calls; p1, the first klpsv patch, adopts its data; p2
 * changes the layout in a klpsv breaking change.
 */
#ifndef _KLPSV_ADOPT_H
#define _KLPSV_ADOPT_H

#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>

/**
 * struct adopt_port - a port of the victim module
 * @id: port number, 1 .. ADOPT_PORTS
 * @open: whether the port is open
 * @last_bytes: size of the last packet, all the victim keeps
 */
struct adopt_port {
	unsigned int id;
	bool open;
	unsigned int last_bytes;
};

#define ADOPT_PORTS	8

/* Exported only so tests can probe the shadow data attached to them. */
extern struct adopt_port adopt_ports[ADOPT_PORTS];

/* A packet on a port: the victim forgets to account for it (the bug). */
void adopt_rx(struct adopt_port *p, unsigned int bytes);
/* One line of /proc/klpsv_adopt for an open port. */
void adopt_report(struct seq_file *m, struct adopt_port *p);
/* The last line of /proc/klpsv_adopt: totals over every port. */
void adopt_summary(struct seq_file *m);
/* A port closes: whatever is attached to it must go. */
void adopt_close(struct adopt_port *p);
/*
 * Sleep for @ms milliseconds, then, if @p is set, count a packet of 0
 * bytes on it.  Every patch replaces it with its own copy, so a task
 * sleeping here ("park <ms> [<port>]") holds the next transition open and
 * runs the old patch's code after it.
 */
void adopt_park(unsigned int ms, struct adopt_port *p);

/* Serializes every access to the ports and to the totals (the victim's rule). */
extern struct mutex adopt_lock;

static inline void adopt_park_body(unsigned int ms)
{
	msleep_interruptible(ms);
	barrier();	/* no tail call: the caller stays on the stack */
}

#endif /* _KLPSV_ADOPT_H */
