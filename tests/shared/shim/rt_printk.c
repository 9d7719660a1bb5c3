// SPDX-License-Identifier: GPL-2.0
/*
 * printk() into a ring of the last SHIM_LOG_LINES lines, so tests can
 * compare what the code logged (like the livepatch selftests compare
 * dmesg).  One printk may make several lines; KERN_CONT appends to the
 * last one.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/printk.h>
#include <klpsv_shim.h>
#include "rt_internal.h"

struct log_line {
	int level;
	char text[SHIM_LOG_LINE_MAX];
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_line ring[SHIM_LOG_LINES];
static unsigned int ring_next;	/* slot the next line goes to */
static unsigned int ring_nr;	/* lines held, <= SHIM_LOG_LINES */
static int echo = -1;

static bool echo_on(void)
{
	if (echo < 0) {
		const char *e = getenv("KLPSV_UNIT_ECHO");

		echo = e && *e && *e != '0';
	}
	return echo;
}

void shim_log_echo(bool on)
{
	echo = on;
}

static struct log_line *slot(unsigned int i)
{
	return &ring[(ring_next + SHIM_LOG_LINES - ring_nr + i) % SHIM_LOG_LINES];
}

/* Caller holds log_lock. */
static void store(int level, bool cont, const char *text, size_t len)
{
	struct log_line *l;
	size_t have;

	if (cont && ring_nr) {
		l = slot(ring_nr - 1);
		have = strlen(l->text);
	} else {
		l = &ring[ring_next];
		ring_next = (ring_next + 1) % SHIM_LOG_LINES;
		if (ring_nr < SHIM_LOG_LINES)
			ring_nr++;
		l->level = level;
		have = 0;
	}
	if (len > sizeof(l->text) - 1 - have)
		len = sizeof(l->text) - 1 - have;
	memcpy(l->text + have, text, len);
	l->text[have + len] = '\0';
	if (echo_on())
		fprintf(stderr, "[%d] %.*s\n", level, (int)len, text);
}

int shim_vprintk(const char *fmt, va_list args)
{
	char buf[4096];
	const char *p, *nl;
	int level = LOGLEVEL_WARNING;	/* the default message loglevel */
	bool cont = false;
	int n;

	while (fmt[0] == KERN_SOH_ASCII && fmt[1]) {
		if (fmt[1] >= '0' && fmt[1] <= '7')
			level = fmt[1] - '0';
		else if (fmt[1] == 'c')
			cont = true;
		fmt += 2;
	}
	n = vsnprintf(buf, sizeof(buf), fmt, args);
	if (n < 0)
		return n;

	pthread_mutex_lock(&log_lock);
	for (p = buf; *p; p = nl + 1) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		/* a bare "\n" after a continuation only ends that line */
		if (len || !cont)
			store(level, cont, p, len);
		cont = false;
		if (!nl)
			break;
	}
	pthread_mutex_unlock(&log_lock);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = shim_vprintk(fmt, args);
	va_end(args);
	return n;
}

void shim_report(int level, const char *fmt, ...)
{
	char buf[SHIM_LOG_LINE_MAX];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	pthread_mutex_lock(&log_lock);
	store(level, false, buf, strlen(buf));
	pthread_mutex_unlock(&log_lock);
	if (!echo_on())
		fprintf(stderr, "%s\n", buf);
}

void shim_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	ring_nr = 0;
	pthread_mutex_unlock(&log_lock);
}

unsigned int shim_log_nr(void)
{
	return ring_nr;
}

const char *shim_log_line(unsigned int i)
{
	return i < ring_nr ? slot(i)->text : "";
}

int shim_log_level(unsigned int i)
{
	return i < ring_nr ? slot(i)->level : -1;
}

unsigned int shim_log_count(const char *substr)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < ring_nr; i++)
		if (strstr(slot(i)->text, substr))
			n++;
	pthread_mutex_unlock(&log_lock);
	return n;
}

const char *shim_log_find(const char *substr)
{
	const char *found = NULL;
	unsigned int i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < ring_nr && !found; i++)
		if (strstr(slot(i)->text, substr))
			found = slot(i)->text;
	pthread_mutex_unlock(&log_lock);
	return found;
}

void shim_log_dump(const char *prefix)
{
	unsigned int i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < ring_nr; i++)
		fprintf(stderr, "%s<%d>%s\n", prefix, slot(i)->level, slot(i)->text);
	pthread_mutex_unlock(&log_lock);
}
