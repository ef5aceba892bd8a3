/* test_sigsys.c: the line lib/sigsys.c writes when a seccomp filter
 * refuses a call: the call named, and never longer than its buffer
 * whatever the name and numbers (the copy in articled-picture once
 * wrote its digits unbounded). */
#include <stdio.h>
#include <string.h>

#include "lib/sigsys.h"
#include "runner.h"

static const char *S_resolve(int nr)
{
	return nr == 0 ? "read" : nr == 59 ?
	    "a_name_longer_than_any_real_call_to_fill_the_line_up" : NULL;
}

static int S_trap(void)
{
	char err[128];

	if (sigsys_trap("prog", "it dies", S_resolve, err, sizeof(err)) != 0) {
		printf("# sigsys_trap: %s\n", err);
		return 0;
	}
	return 1;
}

static int S_line_is(long pid, int nr, const char *want)
{
	char line[256];
	size_t n = sigsys_line(line, sizeof(line), pid, nr);

	if (n != strlen(want) || memcmp(line, want, n) != 0) {
		printf("# got \"%.*s\", not \"%s\"\n", (int)n, line, want);
		return 0;
	}
	return 1;
}

static int test_the_line_names_the_call_and_its_number(void)
{
	return S_trap() &&
	    S_line_is(1234, 0, "prog[1234]: sandbox: forbidden system call "
	    "read (0): it dies\n") &&
	    S_line_is(7, 511, "prog[7]: sandbox: forbidden system call "
	    "unknown (511): it dies\n") &&
	    S_line_is(7, 4096, "prog[7]: sandbox: forbidden system call "
	    "unknown (4096): it dies\n") &&
	    S_line_is(-2147483648L, -1, "prog[-2147483648]: sandbox: "
	    "forbidden system call unknown (-1): it dies\n");
}

static int test_every_buffer_size_holds_a_line_that_ends(void)
{
	char line[256];
	size_t cap, n;

	if (!S_trap())
		return 0;
	for (cap = 1; cap <= sizeof(line); cap++) {
		memset(line, 'x', sizeof(line));
		n = sigsys_line(line, cap, 2147483647L, 59);
		if (n == 0 || n > cap || line[n - 1] != '\n' ||
		    (cap < sizeof(line) && line[cap] != 'x')) {
			printf("# cap %zu: %zu bytes, last %c\n", cap, n,
			    n ? line[n - 1] : '?');
			return 0;
		}
	}
	return 1;
}

static const struct test tests[] = {
	T(test_the_line_names_the_call_and_its_number),
	T(test_every_buffer_size_holds_a_line_that_ends),
};

RUNNER_MAIN(tests)
