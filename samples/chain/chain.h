/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The upgrade-chain sample: a victim module keeping sessions, and the
 * functions its cumulative livepatches replace.
 */
#ifndef _KLPSV_CHAIN_H
#define _KLPSV_CHAIN_H

#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>

/**
 * struct chain_session - a session of the victim module
 * @id: session number, 1 .. CHAIN_SESSIONS
 * @open: whether the session is open
 * @last_bytes: size of the last transfer, all the victim keeps
 */
struct chain_session {
	unsigned int id;
	bool open;
	unsigned int last_bytes;
};

#define CHAIN_SESSIONS	8

/* Exported only so tests can probe the shadow data attached to them. */
extern struct chain_session chain_sessions[CHAIN_SESSIONS];

/* Traffic on a session: the victim forgets to account for it (the bug). */
void chain_touch(struct chain_session *s, unsigned int bytes, const char *who);
/* One line of /proc/klpsv_chain for an open session. */
void chain_report(struct seq_file *m, struct chain_session *s);
/* A session closes: whatever is attached to it must go. */
void chain_close(struct chain_session *s);
/*
 * Sleep for @ms milliseconds, then, if @s is set, count a transfer of 0
 * bytes on it.  Every chain patch replaces it with its own copy, so a task
 * sleeping here ("park <ms> [<id>]") holds the next transition open, and
 * runs the old patch's code after it: tests use it to act while old and
 * new code run together.
 */
void chain_park(unsigned int ms, struct chain_session *s);

/* Serializes every access to a session (the victim's rule). */
extern struct mutex chain_lock;

static inline void chain_park_body(unsigned int ms)
{
	msleep_interruptible(ms);
	barrier();	/* no tail call: the caller stays on the stack */
}

/* Namespace of the chain sample's klpsv ids. */
#define CHAIN_NS	1

#endif /* _KLPSV_CHAIN_H */
