/* picture_sandbox.c: the seccomp allow-list of articled-picture.
 *
 * Once libvips has started, the picture maker only decodes bytes it
 * already holds, encodes into memory and writes stdout: memory calls,
 * futex and the threads vips insists on, read/write on the descriptors
 * it has, the clock, and exit.  Two answers for the rest:
 *   - opening, stat-ing or probing a file (openat, stat, access,
 *     readlink...) or asking what stderr is (ioctl, getpeername) fails
 *     with EACCES: libraries look things up lazily (malloc reads
 *     /proc/sys/vm/overcommit_memory in a new thread, glib's g_log asks
 *     whether stderr is a terminal or journald) and cope with a refusal,
 *     while nothing is reachable that way;
 *   - everything else (execve, socket, connect, fork, ptrace, kill of
 *     another process, executable memory...) raises SIGSYS: lib/sigsys.c
 *     writes the call's name on stderr and the process dies of it, so the
 *     supervisor's log says which call was refused.
 * clone only with CLONE_THREAD (a thread, never a new process); clone3,
 * whose flags a filter cannot read, answers ENOSYS so glibc falls back
 * to clone.  The filter is synchronised onto every thread (TSYNC): vips
 * may have started its pool before. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>

#include "lib/sigsys.h"
#include "picture/picture_sandbox.h"

/* Allowed with any arguments. */
static const int S_allowed[] = {
	/* stdin, stdout, stderr and whatever vips opened before */
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(fstat),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(fcntl),
	/* memory */
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	/* threads (vips keeps a pool even with concurrency 1) */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity), SCMP_SYS(gettid),
	SCMP_SYS(getpid), SCMP_SYS(getrandom),
	/* glibc's qsort asks the memory size (sysconf(_SC_PHYS_PAGES)) before
	 * sorting a large array: a PNG with alpha gets there (found by
	 * tests/e2e/test_pictures.py) */
	SCMP_SYS(sysinfo),
	/* time */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep), SCMP_SYS(getrusage),
	/* signals and the end */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* Answered EACCES: looking for a file finds nothing; stderr is not a
 * terminal (isatty's ioctl) nor journald's socket (glib's g_log asks). */
static const int S_denied[] = {
	SCMP_SYS(ioctl), SCMP_SYS(getpeername), SCMP_SYS(getsockname),
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(stat), SCMP_SYS(lstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(readlink),
	SCMP_SYS(readlinkat),
};

/* For lib/sigsys.c, which names a refused call without libseccomp. */
static const char *S_resolve(int nr)
{
	return seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
}

/* Never executable memory; tgkill/kill only to itself (raise, abort);
 * prctl only to name a thread; clone only for a thread. */
static int S_rules_with_args(scmp_filter_ctx ctx)
{
	scmp_datum_t self = (scmp_datum_t)getpid();
	int rc;

	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, self))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A0(SCMP_CMP_EQ, self))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	    SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD))) != 0)
		return rc;
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0);
}

static int S_rules(scmp_filter_ctx ctx)
{
	size_t i;
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);

	for (i = 0; i < sizeof(S_allowed) / sizeof(S_allowed[0]) && rc == 0;
	    i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, S_allowed[i], 0);
	for (i = 0; i < sizeof(S_denied) / sizeof(S_denied[0]) && rc == 0;
	    i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
		    S_denied[i], 0);
	return rc == 0 ? S_rules_with_args(ctx) : rc;
}

int picture_sandbox_enter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "sandbox: no_new_privs: %s",
		    strerror(errno));
		return -1;
	}
	if (sigsys_trap("articled-picture", "dies", S_resolve, err,
	    errlen) != 0)
		return -1;
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		snprintf(err, errlen, "sandbox: seccomp_init failed");
		return -1;
	}
	if ((rc = S_rules(ctx)) == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "sandbox: loading the seccomp filter: %s",
		    strerror(-rc));
		return -1;
	}
	return 0;
}
