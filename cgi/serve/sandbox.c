/* sandbox.c: the seccomp allow-lists of articled's workers and of its
 * picture maker (libseccomp; the maker's list is described above it).
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
#include <signal.h>
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

int sandbox_enter_maker(char *err, size_t errlen)
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

/* The picture maker's list (articled-maker, articled --make-pictures):
 * found with strace -f -c over runs that made, refused and removed
 * pictures.  The decoder it forks and executes inherits this filter
 * under its own (picture_sandbox.c), so the list holds the child's
 * steps before execve, the dynamic loader's and libvips's start-up, and
 * whatever the decoder's own filter allows. */
static const int S_maker_allowed[] = {
	/* SQLite, the lock file, the picture folder (temporary file, rename,
	 * stale files removed) */
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(close), SCMP_SYS(read),
	SCMP_SYS(readv), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(pread64),
	SCMP_SYS(pwrite64), SCMP_SYS(lseek), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx),
	SCMP_SYS(statfs), SCMP_SYS(fstatfs), SCMP_SYS(fcntl), SCMP_SYS(flock),
	SCMP_SYS(ftruncate), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename),
	SCMP_SYS(renameat), SCMP_SYS(mkdir), SCMP_SYS(mkdirat),
	SCMP_SYS(getdents64), SCMP_SYS(fchmod), SCMP_SYS(chmod),
	SCMP_SYS(fchown), SCMP_SYS(access), SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2), SCMP_SYS(readlink), SCMP_SYS(readlinkat),
	SCMP_SYS(getcwd), SCMP_SYS(geteuid), SCMP_SYS(getuid),
	SCMP_SYS(getegid), SCMP_SYS(getgid),
	/* the decoder: pipes, fork, its descriptors, execve, its limits,
	 * the wait */
	SCMP_SYS(pipe2), SCMP_SYS(clone), SCMP_SYS(dup), SCMP_SYS(dup2),
	SCMP_SYS(dup3), SCMP_SYS(close_range), SCMP_SYS(execve),
	SCMP_SYS(prlimit64), SCMP_SYS(setrlimit), SCMP_SYS(getrlimit),
	SCMP_SYS(wait4), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(prctl),
	SCMP_SYS(getpriority), SCMP_SYS(setpriority), SCMP_SYS(seccomp),
	/* memory: the loader maps the decoder's code (PROT_EXEC) */
	SCMP_SYS(mmap), SCMP_SYS(mprotect), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(brk), SCMP_SYS(madvise), SCMP_SYS(set_mempolicy),
	SCMP_SYS(get_mempolicy),
	/* the loader, glibc, libvips's threads */
	SCMP_SYS(arch_prctl), SCMP_SYS(set_tid_address),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(futex),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(getrandom), SCMP_SYS(sysinfo), SCMP_SYS(getrusage),
	SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(getppid),
	SCMP_SYS(tgkill),	/* raise and abort, in the decoder too */
	/* time, the maker's one-second sleep */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	/* signals and the end */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* Answered EACCES, as the decoder's filter answers them (a stricter
 * action here would override its answer): glib asks what stderr is. */
static const int S_maker_denied[] = {
	SCMP_SYS(ioctl), SCMP_SYS(getpeername), SCMP_SYS(getsockname),
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

static int S_add_all(scmp_filter_ctx ctx, uint32_t action,
    const int *calls, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = seccomp_rule_add(ctx, action, calls[i], 0);
	return rc;
}

static int S_worker_rules(scmp_filter_ctx ctx)
{
	int rc = S_add_all(ctx, SCMP_ACT_ALLOW, S_allowed,
	    sizeof(S_allowed) / sizeof(S_allowed[0]));

	return rc == 0 ? S_rules_with_args(ctx) : rc;
}

/* kill only to itself or with SIGKILL (the maker ending its decoder);
 * clone3, whose flags a filter cannot read, answers ENOSYS as in the
 * decoder, so glibc falls back to clone. */
static int S_maker_rules(scmp_filter_ctx ctx)
{
	int rc;

	if ((rc = S_add_all(ctx, SCMP_ACT_ALLOW, S_maker_allowed,
	    sizeof(S_maker_allowed) / sizeof(S_maker_allowed[0]))) != 0 ||
	    (rc = S_add_all(ctx, SCMP_ACT_ERRNO(EACCES), S_maker_denied,
	    sizeof(S_maker_denied) / sizeof(S_maker_denied[0]))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
	    SCMP_SYS(clone3), 0)) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()))) != 0)
		return rc;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A1(SCMP_CMP_EQ, SIGKILL));
}

static int S_load(int (*rules)(scmp_filter_ctx), char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int rc = 0;

	/* no_new_privs is set by seccomp_load (SCMP_FLTATR_CTL_NNP). */
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		snprintf(err, errlen, "sandbox: seccomp_init failed");
		return -1;
	}
	/* A binary tree over the call numbers, not a list: every call a
	 * worker makes passes the filter. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = rules(ctx);
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
	return S_load(S_worker_rules, err, errlen);
}

int sandbox_enter_maker(char *err, size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "sandbox: no_new_privs: %s",
		    strerror(errno));
		return -1;
	}
	if (sigsys_trap("articled-maker", "the picture maker dies", S_resolve,
	    err, errlen) != 0)
		return -1;
	return S_load(S_maker_rules, err, errlen);
}

int sandbox_enabled(void)
{
	return 1;
}

#endif
