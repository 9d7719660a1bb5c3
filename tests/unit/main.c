// SPDX-License-Identifier: GPL-2.0
/*
 * Test runner: runs every registered test (or those whose name contains
 * one of the arguments), one "ok"/"not ok" line each, and ends with the
 * line "N passed, N failed".  Exit status 1 if any test failed.
 *
 *	klpsv-unit [-v] [-l] [name-substring...]
 *	-v	echo the captured kernel log to stderr as it is written
 *	-l	list the tests
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <klpsv_shim.h>
#include "klp_model.h"
#include "test.h"

void kt_set_index_format(unsigned int format);	/* test_klpsv_common.c */

struct frame {
	const char *name;
	void *thread;
	jmp_buf jb;
	bool failed;
	bool quiet;
	unsigned long alloc_mark;
	struct test_result *res;
};

static struct test_case *tests;
static unsigned int nr_tests;
static struct frame *cur;

void test_register(struct test_case *tc)
{
	tc->next = tests;
	tests = tc;
	nr_tests++;
}

static void note(struct frame *f, const char *fmt, ...) __printf(2, 3);
static void note(struct frame *f, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->failed = true;
	if (f->res) {
		len = strlen(f->res->reasons);
		snprintf(f->res->reasons + len, sizeof(f->res->reasons) - len,
			 "%s\n", msg);
	}
	if (!f->quiet)
		printf("#   %s\n", msg);
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (!cur) {
		fprintf(stderr, "test_fail() outside a test\n");
		abort();
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	note(cur, "%s:%d: %s", file, line, msg);
}

void test_abort(void)
{
	if (shim_self() != cur->thread) {
		fprintf(stderr, "ASSERT failed outside the test's thread (use EXPECT there)\n");
		abort();
	}
	longjmp(cur->jb, 1);
}

/* What a test must not leave behind; cleans it up for the next one. */
static void check_leftovers(struct frame *f)
{
	unsigned long n;
	unsigned int u;

	if (shim_context_reset())
		note(f, "left a spinlock, preemption, IRQs or an RCU reader held");
	if (klpm_transition_patch())
		note(f, "left a livepatch transition running");
	u = klpm_reset();
	if (u)
		note(f, "left %u livepatch(es) installed", u);
	u = shim_work_cancel_all();
	if (u)
		note(f, "left %u work item(s) queued", u);
	n = klpm_shadow_reset(!f->quiet);
	if (n)
		note(f, "left %lu shadow variable(s)", n);
	u = shim_debugfs_clear();
	if (u)
		note(f, "left %u debugfs entr%s", u, u == 1 ? "y" : "ies");
	/* kfree_rcu() and call_rcu() of this test are done after this */
	shim_rcu_barrier();
	n = shim_alloc_leaks(f->alloc_mark, !f->quiet);
	if (n)
		note(f, "leaked %lu allocation(s)", n);
	u = shim_warnings();
	if (u)
		note(f, "%u unexpected WARNING(s) (see the log)", u);
	u = shim_sleep_bugs();
	if (u)
		note(f, "%u unexpected \"sleeping function called from invalid context\"", u);
}

static bool run(struct frame *f, void (*fn)(void))
{
	struct frame *outer = cur;

	cur = f;
	f->thread = shim_self();
	shim_reset();
	f->alloc_mark = shim_alloc_mark();
	if (!setjmp(f->jb))
		fn();
	check_leftovers(f);
	if (f->failed && !f->quiet)
		shim_log_dump("#   log: ");
	shim_reset();
	cur = outer;
	return !f->failed;
}

void test_run_nested(void (*fn)(void), struct test_result *res)
{
	struct frame f = { .name = "nested", .quiet = true, .res = res };

	memset(res, 0, sizeof(*res));
	run(&f, fn);
	res->failed = f.failed;
}

static void bug_hook(void)
{
	fflush(stdout);
	fprintf(stderr, "# BUG() in test %s: aborting\n", cur ? cur->name : "?");
}

static int by_place(const void *a, const void *b)
{
	const struct test_case *x = *(const struct test_case **)a;
	const struct test_case *y = *(const struct test_case **)b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
}

static bool selected(const struct test_case *tc, int argc, char **argv, int first)
{
	int i;

	if (first >= argc)
		return true;
	for (i = first; i < argc; i++)
		if (strstr(tc->name, argv[i]))
			return true;
	return false;
}

/* From the sanitizer runtime, when there is one. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((__weak__));

int main(int argc, char **argv)
{
	struct test_case **sorted, *tc;
	unsigned int i, n = 0, passed = 0, failed = 0;
	bool list = false;
	int first = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (first < argc && argv[first][0] == '-') {
		if (!strcmp(argv[first], "-v")) {
			shim_log_echo(true);
		} else if (!strcmp(argv[first], "-l")) {
			list = true;
		} else if (!strcmp(argv[first], "--format1")) {
			/* indexes as format-1 klpsv makes them: shadow variables */
			kt_set_index_format(1);
		} else {
			fprintf(stderr, "usage: %s [-v] [-l] [--format1] [name-substring...]\n", argv[0]);
			return 2;
		}
		first++;
	}

	sorted = calloc(nr_tests ? nr_tests : 1, sizeof(*sorted));
	if (!sorted)
		return 2;
	for (tc = tests; tc; tc = tc->next)
		sorted[n++] = tc;
	qsort(sorted, n, sizeof(*sorted), by_place);

	if (list) {
		for (i = 0; i < n; i++)
			printf("%s\n", sorted[i]->name);
		free(sorted);
		return 0;
	}

	shim_rcu_register_thread();
	shim_bug_hook = bug_hook;
	for (i = 0; i < n; i++) {
		struct frame f = { .name = sorted[i]->name };

		if (!selected(sorted[i], argc, argv, first))
			continue;
		if (run(&f, sorted[i]->fn)) {
			passed++;
			printf("ok %u %s\n", passed + failed, f.name);
		} else {
			failed++;
			printf("not ok %u %s (%s)\n", passed + failed, f.name,
			       sorted[i]->file);
		}
	}
	free(sorted);

	/* LeakSanitizer now, so its verdict counts before the summary line */
	if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check()) {
		printf("not ok %u LeakSanitizer found leaks (see above)\n",
		       passed + failed + 1);
		failed++;
	}
	printf("%u passed, %u failed\n", passed, failed);
	fflush(stdout);
	fflush(stderr);
	/* no second leak check at exit: it would print after the summary */
	_exit(failed ? 1 : 0);
}
