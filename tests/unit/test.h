/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small unit-test framework.
 *
 *	TEST(name) { ... }	registers a test (run in file, then line order)
 *	EXPECT_*()		report a failure and go on
 *	ASSERT_*()		report a failure and end the test
 *
 * Around every test the framework resets the shim (log, counters, fault
 * injection) and afterwards fails the test if it left anything behind:
 * leaked allocations, shadow variables, installed livepatches, queued
 * work, debugfs entries, a held lock or RCU reader, an unexpected WARNING
 * or "sleeping function called from invalid context".  Expected ones are
 * consumed with EXPECT_WARNINGS(n) / EXPECT_SLEEP_BUGS(n).
 */
#ifndef _KLPSV_TEST_H
#define _KLPSV_TEST_H

#include <stdbool.h>
#include <string.h>
#include <klpsv_shim.h>

struct test_case {
	const char *name;
	const char *file;
	int line;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *tc);

#define TEST(name)							\
	static void test_##name(void);					\
	static struct test_case __test_case_##name = {			\
		#name, __FILE__, __LINE__, test_##name, NULL		\
	};								\
	__attribute__((__constructor__))				\
	static void __test_register_##name(void)			\
	{								\
		test_register(&__test_case_##name);			\
	}								\
	static void test_##name(void)

/* EXPECT_*() work from any thread; ASSERT_*() only in the test's own. */
__printf(3, 4) void test_fail(const char *file, int line, const char *fmt, ...);
__noreturn void test_abort(void);

#define __TEST_CHECK(fatal, cond, fmt, ...) do {			\
	if (!(cond)) {							\
		test_fail(__FILE__, __LINE__, fmt, ##__VA_ARGS__);	\
		if (fatal)						\
			test_abort();					\
	}								\
} while (0)

#define __TEST_CMP(fatal, a, op, b, sa, sb) do {			\
	__auto_type __tc_a = (a);					\
	__auto_type __tc_b = (b);					\
	if (!(__tc_a op __tc_b)) {					\
		test_fail(__FILE__, __LINE__,				\
			  "%s %s %s: %lld (0x%llx) vs %lld (0x%llx)",	\
			  sa, #op, sb,					\
			  (long long)__tc_a, (unsigned long long)__tc_a,\
			  (long long)__tc_b, (unsigned long long)__tc_b);\
		if (fatal)						\
			test_abort();					\
	}								\
} while (0)

#define EXPECT(cond)		__TEST_CHECK(false, cond, "EXPECT(%s)", #cond)
#define ASSERT(cond)		__TEST_CHECK(true, cond, "ASSERT(%s)", #cond)
#define EXPECT_TRUE(cond)	EXPECT(cond)
#define EXPECT_FALSE(cond)	__TEST_CHECK(false, !(cond), "EXPECT_FALSE(%s)", #cond)
#define ASSERT_TRUE(cond)	ASSERT(cond)
#define ASSERT_FALSE(cond)	__TEST_CHECK(true, !(cond), "ASSERT_FALSE(%s)", #cond)

#define EXPECT_EQ(a, b)		__TEST_CMP(false, a, ==, b, #a, #b)
#define EXPECT_NE(a, b)		__TEST_CMP(false, a, !=, b, #a, #b)
#define EXPECT_LT(a, b)		__TEST_CMP(false, a, <, b, #a, #b)
#define EXPECT_LE(a, b)		__TEST_CMP(false, a, <=, b, #a, #b)
#define EXPECT_GT(a, b)		__TEST_CMP(false, a, >, b, #a, #b)
#define EXPECT_GE(a, b)		__TEST_CMP(false, a, >=, b, #a, #b)
#define ASSERT_EQ(a, b)		__TEST_CMP(true, a, ==, b, #a, #b)
#define ASSERT_NE(a, b)		__TEST_CMP(true, a, !=, b, #a, #b)
#define ASSERT_LT(a, b)		__TEST_CMP(true, a, <, b, #a, #b)
#define ASSERT_LE(a, b)		__TEST_CMP(true, a, <=, b, #a, #b)
#define ASSERT_GT(a, b)		__TEST_CMP(true, a, >, b, #a, #b)
#define ASSERT_GE(a, b)		__TEST_CMP(true, a, >=, b, #a, #b)

#define EXPECT_NULL(p)		__TEST_CHECK(false, (p) == NULL, "EXPECT_NULL(%s): %p", #p, (void *)(p))
#define ASSERT_NULL(p)		__TEST_CHECK(true, (p) == NULL, "ASSERT_NULL(%s): %p", #p, (void *)(p))
#define EXPECT_NOT_NULL(p)	__TEST_CHECK(false, (p) != NULL, "EXPECT_NOT_NULL(%s)", #p)
#define ASSERT_NOT_NULL(p)	__TEST_CHECK(true, (p) != NULL, "ASSERT_NOT_NULL(%s)", #p)

#define __TEST_STREQ(fatal, a, b) do {					\
	const char *__ts_a = (a), *__ts_b = (b);			\
	__TEST_CHECK(fatal, __ts_a && __ts_b && !strcmp(__ts_a, __ts_b),\
		     "%s == %s: \"%s\" vs \"%s\"", #a, #b,		\
		     __ts_a ? __ts_a : "(null)", __ts_b ? __ts_b : "(null)"); \
} while (0)
#define EXPECT_STREQ(a, b)	__TEST_STREQ(false, a, b)
#define ASSERT_STREQ(a, b)	__TEST_STREQ(true, a, b)

#define EXPECT_MEMEQ(a, b, n)	__TEST_CHECK(false, !memcmp((a), (b), (n)), \
				     "memory %s != %s (%zu bytes)", #a, #b, (size_t)(n))

/* The captured kernel log has (or lacks) a line containing s. */
#define EXPECT_LOG(s)		__TEST_CHECK(false, shim_log_find(s), "no log line contains \"%s\"", s)
#define ASSERT_LOG(s)		__TEST_CHECK(true, shim_log_find(s), "no log line contains \"%s\"", s)
#define EXPECT_NO_LOG(s)	__TEST_CHECK(false, !shim_log_find(s), "a log line contains \"%s\": %s", s, shim_log_find(s))

/* Exactly n WARNINGs / sleep bugs since the last check; consumes them. */
#define EXPECT_WARNINGS(n) do {						\
	EXPECT_EQ(shim_warnings(), (unsigned int)(n));			\
	shim_warnings_reset();						\
} while (0)
#define EXPECT_SLEEP_BUGS(n) do {					\
	EXPECT_EQ(shim_sleep_bugs(), (unsigned int)(n));		\
	shim_sleep_bugs_reset();					\
} while (0)

/*
 * For tests of the framework itself: run fn as a test of its own, with
 * the usual checks but no output, and say how it went.
 */
struct test_result {
	bool failed;
	char reasons[2048];	/* the failure messages, one per line */
};

void test_run_nested(void (*fn)(void), struct test_result *res);

#endif /* _KLPSV_TEST_H */
