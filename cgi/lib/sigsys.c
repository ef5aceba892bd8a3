/* sigsys.c: the SIGSYS report of a seccomp filter's refusal (sigsys.h).
 * The handler runs inside a refused call of any code at all, so it uses
 * async-signal-safe calls only (write, getpid, raise) and a table of
 * names filled before the filter was loaded. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/sigsys.h"

/* Call numbers on x86-64 and aarch64 stay below 512. */
#define S_NAMES_MAX	512
static const char *S_names[S_NAMES_MAX];
static const char *S_program = "articled";
static const char *S_ending = "dies";

static void S_append(char *p, size_t *n, size_t cap, const char *s)
{
	while (*s != '\0' && *n < cap)
		p[(*n)++] = *s++;
}

/* A decimal number, bounded by cap like every other piece of the line. */
static void S_append_number(char *p, size_t *n, size_t cap, long v)
{
	char digits[24];
	size_t k = 0;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	if (v < 0)
		S_append(p, n, cap, "-");
	do
		digits[k++] = (char)('0' + u % 10);
	while ((u /= 10) > 0 && k < sizeof(digits));
	while (k > 0 && *n < cap)
		p[(*n)++] = digits[--k];
}

size_t sigsys_line(char *line, size_t cap, long pid, int nr)
{
	const char *name = nr >= 0 && nr < S_NAMES_MAX && S_names[nr] ?
	    S_names[nr] : "unknown";
	size_t n = 0;

	S_append(line, &n, cap - 1, S_program);
	S_append(line, &n, cap - 1, "[");
	S_append_number(line, &n, cap - 1, pid);
	S_append(line, &n, cap - 1, "]: sandbox: forbidden system call ");
	S_append(line, &n, cap - 1, name);
	S_append(line, &n, cap - 1, " (");
	S_append_number(line, &n, cap - 1, nr);
	S_append(line, &n, cap - 1, "): ");
	S_append(line, &n, cap - 1, S_ending);
	S_append(line, &n, cap, "\n");	/* the last byte: always the end */
	return n;
}

/* SA_RESETHAND made the action the default again: the raise kills the
 * process by SIGSYS once the handler returns. */
static void S_on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[256];
	size_t n = sigsys_line(line, sizeof(line), (long)getpid(),
	    si->si_syscall);

	(void)uc;
	(void)!write(STDERR_FILENO, line, n);
	raise(sig);
}

int sigsys_trap(const char *program, const char *ending,
    sigsys_resolve_fn *resolve, char *err, size_t errlen)
{
	struct sigaction sa;
	int nr;

	S_program = program;
	S_ending = ending;
	for (nr = 0; nr < S_NAMES_MAX; nr++)
		S_names[nr] = resolve(nr);	/* NULL if none */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = S_on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0) {
		snprintf(err, errlen, "sandbox: sigaction SIGSYS: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}
