/* sigsys.h: what a process under a seccomp filter says when the filter
 * refuses a call (SCMP_ACT_TRAP raises SIGSYS): one line on stderr
 * naming the call, then death by that SIGSYS, so whoever reads the log
 * knows which call and how the process ended.  Shared by articled's
 * sandbox (serve/sandbox.c: workers, picture maker) and articled-picture's
 * (picture/picture_sandbox.c); it includes no libseccomp, so each
 * program's one libseccomp includer stays the only one. */
#ifndef ARTICLED_SIGSYS_H
#define ARTICLED_SIGSYS_H

#include <stddef.h>

/* A call's name from its number on this machine's architecture, NULL if
 * none (libseccomp's seccomp_syscall_resolve_num_arch, from the caller,
 * which owns the library). */
typedef const char *sigsys_resolve_fn(int nr);

/* Looks up every call's name now (the handler may not allocate) and
 * installs the SIGSYS handler, which writes
 *   PROGRAM[PID]: sandbox: forbidden system call NAME (NR): ENDING
 * and lets the process die of SIGSYS.  program and ending must live as
 * long as the process (string literals).  0, or -1 with the reason in
 * err.  Call it before loading the filter. */
int	sigsys_trap(const char *program, const char *ending,
	    sigsys_resolve_fn *resolve, char *err, size_t errlen);

/* The line the handler writes for call nr, into line (at most cap bytes,
 * not terminated); its length.  Async-signal-safe; exposed for the unit
 * test of its bounds. */
size_t	sigsys_line(char *line, size_t cap, long pid, int nr);

#endif
