/* sandbox.c: the workers' seccomp allow-list (libseccomp).
 *
 * A worker only accepts connections on a socket it already holds, reads
 * SQLite (which may reopen the database, recreate or remove its -wal and
 * -shm files, and sleep on a lock), adds to a shared-memory counter and
 * writes log lines.  Everything else -- execve, socket, connect, fork,
 * ptrace, kill of another process, chmod, setuid, executable memory --
 * is refused.  A refused call raises SIGSYS (SCMP_ACT_TRAP); lib/sigsys.c
 * writes the call's name on stderr and the worker dies of that SIGSYS,
 * so the master's log says both which call and how the worker ended.
 * Why each call is allowed: docs/security.md. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib/sigsys.h"
#include "serve/sandbox.h"

#ifdef ARTICLED_NO_SECCOMP

int sandbox_enter(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

int sandbox_enabled(void)
{
	return 0;
}

#else

#include <seccomp.h>

/* Allowed with any arguments.  Grouped by who needs them. */
static const int S_allowed[] = {
	/* the accept loop, libfcgi and the self-pipe */
	SCMP_SYS(accept4), SCMP_SYS(accept), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(shutdown), SCMP_SYS(getsockopt),
	SCMP_SYS(fcntl),
	/* SQLite: open, reopen, locks, WAL and -shm, checkpoint on close */
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx), SCMP_SYS(lseek),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(ftruncate),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(unlink),
	SCMP_SYS(unlinkat), SCMP_SYS(access), SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2), SCMP_SYS(getcwd), SCMP_SYS(readlink),
	SCMP_SYS(readlinkat), SCMP_SYS(fchown), SCMP_SYS(geteuid),
	SCMP_SYS(getuid), SCMP_SYS(getpid), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(brk), SCMP_SYS(madvise),
	/* time, sleeping on a lock, the render bound's CPU timer */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(setitimer), SCMP_SYS(getitimer), SCMP_SYS(timer_create),
	SCMP_SYS(timer_settime), SCMP_SYS(timer_gettime),
	SCMP_SYS(timer_delete),
	/* signals: handlers return, masks change; the end */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction),
	SCMP_SYS(restart_syscall), SCMP_SYS(gettid), SCMP_SYS(getppid),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* For lib/sigsys.c, which names a refused call without libseccomp. */
static const char *S_resolve(int nr)
{
	return seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
}

/* Memory may be mapped and protected, but never executable: a worker
 * runs no code it did not start with.  tgkill only to itself (raise). */
static int S_rules_with_args(scmp_filter_ctx ctx)
{
	scmp_datum_t self = (scmp_datum_t)getpid();
	int rc;

	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, self))) != 0)
		return rc;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A0(SCMP_CMP_EQ, self));
}

static int S_load(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	/* no_new_privs is set by seccomp_load (SCMP_FLTATR_CTL_NNP). */
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		snprintf(err, errlen, "sandbox: seccomp_init failed");
		return -1;
	}
	/* A binary tree over the call numbers, not a list: every call a
	 * worker makes passes the filter. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (i = 0; i < sizeof(S_allowed) / sizeof(S_allowed[0]) && rc == 0;
	    i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, S_allowed[i], 0);
	if (rc == 0)
		rc = S_rules_with_args(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "sandbox: loading the seccomp filter: "
		    "%s", strerror(-rc));
		return -1;
	}
	return 0;
}

int sandbox_enter(char *err, size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "sandbox: no_new_privs: %s",
		    strerror(errno));
		return -1;
	}
	if (sigsys_trap("articled", "the worker dies", S_resolve, err,
	    errlen) != 0)
		return -1;
	return S_load(err, errlen);
}

int sandbox_enabled(void)
{
	return 1;
}

#endif
