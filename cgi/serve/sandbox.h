/* sandbox.h: the seccomp allow-list a worker enters once it is set up
 * (docs/security.md): after it, the worker can serve pages, read SQLite
 * and count views, and nothing else.  A call outside the list is logged
 * by name and kills the worker; the master starts another. */
#ifndef ARTICLED_SANDBOX_H
#define ARTICLED_SANDBOX_H

#include <stddef.h>

/* Sets no_new_privs and loads the filter for the calling process.
 * 0, or -1 with the reason in err.  Built with -DARTICLED_NO_SECCOMP
 * (the sanitizer and callgrind builds, which need more calls) it does
 * nothing and returns 0. */
int	sandbox_enter(char *err, size_t errlen);

/* The picture maker's own filter (articled-maker and articled
 * --make-pictures), loaded once it is set up: SQLite, the picture folder,
 * forking and executing the decoder; no socket, no ptrace, no change of
 * user.  A call outside it is logged by name and kills the maker; the
 * master starts another.  0, or -1 with the reason in err; nothing in
 * the builds without the filter. */
int	sandbox_enter_maker(char *err, size_t errlen);

/* 1 if sandbox_enter loads a filter in this build, 0 if not. */
int	sandbox_enabled(void);

#endif
