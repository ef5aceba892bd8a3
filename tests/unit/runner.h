/* runner.h: the one runner of the unit tests.  Each test prints
 * "ok N - name" or "not ok N - name" (TAP-style, as tools/test reads
 * them), and the run ends with "N passed, N failed"; the exit status is
 * 1 if any failed.  A file lists its tests with T(f) and ends with
 * RUNNER_MAIN(tests); table-driven cases report one by one with
 * runner_report and end with runner_finish; EXPECT(cond) fails a test
 * with the condition and its line. */
#ifndef ARTICLED_TESTS_RUNNER_H
#define ARTICLED_TESTS_RUNNER_H

#include <stdio.h>

struct test {
	const char	*name;
	int		(*fn)(void);	/* 1: passed; 0: failed, said why */
};

#define T(f)	{ #f, f }

/* In a test: fails it, saying which condition at which line, unless cond. */
#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: expected %s\n", __FILE__, __LINE__,	\
		    #cond);						\
		return 0;						\
	}								\
} while (0)

static size_t runner_passed, runner_failed;

static inline void runner_report(int ok, const char *name)
{
	if (ok)
		runner_passed++;
	else
		runner_failed++;
	printf("%s %zu - %s\n", ok ? "ok" : "not ok",
	    runner_passed + runner_failed, name);
	fflush(stdout);
}

static inline int runner_finish(void)
{
	printf("%zu passed, %zu failed\n", runner_passed, runner_failed);
	return runner_failed > 0;
}

static inline int runner_run(const struct test *tests, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		runner_report(tests[i].fn(), tests[i].name);
	return runner_finish();
}

#define RUNNER_MAIN(tests)						\
	int main(void)							\
	{								\
		return runner_run((tests),				\
		    sizeof(tests) / sizeof((tests)[0]));		\
	}

#endif
