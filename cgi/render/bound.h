/* bound.h: the bound on every render (issue 13).  cmark 0.30.2 is
 * quadratic on some inputs (CVE-2023-22486: 200 KB of "![[]()" takes
 * 1.5 s of CPU), so its parse runs under a CPU timer and inside an
 * arena of our own: when the timer passes BOUND_CPU_MS, the signal
 * handler jumps out of cmark (siglongjmp) and the arena is dropped
 * whole, so nothing cmark held (its heap, a half-built tree) is reused
 * and no malloc lock can be left held: cmark never calls malloc while
 * the timer may jump.  Only markdown.c uses this file. */
#ifndef ARTICLED_BOUND_H
#define ARTICLED_BOUND_H

#include <setjmp.h>
#include <stddef.h>

/* User CPU time of one parse (ITIMER_VIRTUAL): cmark's quadratic cases
 * are computation; system time (page faults of a large body's arena)
 * depends on the machine's memory, not on the input's shape. */
#define BOUND_CPU_MS	250
/* Plus 1 ms per 2 KiB of Markdown: a long article's parse is linear
 * (about 150 ms per MB here, 3 times that in the sanitizer build) and
 * is paid once per change, since renders are stored; a quadratic input
 * passes the bound all the same (200 KB of "![[]()": bound 350 ms,
 * 1.5 s unbounded). */
#define BOUND_BYTES_PER_MS	2048

/* Where the handler jumps to: set by the caller with sigsetjmp(*b, 1)
 * right before bound_arm. */
sigjmp_buf	*bound_jmp(void);
/* Starts the CPU timer for a parse of len bytes (ITIMER_VIRTUAL; the
 * SIGVTALRM handler is installed once) and lets its expiry jump.  0, or -1 if the timer cannot be set
 * (logged once; the parse then runs unbounded). */
int		 bound_arm(size_t len);
/* Stops the timer; from now on an expiry cannot jump. */
void		 bound_disarm(void);
/* Drops everything the arena handed out: after each render, and after
 * a jump. */
void		 bound_reset(void);

/* The arena, as cmark_mem's three functions (they carry no context,
 * hence the arena is the file's own).  Never NULL: out of memory
 * aborts, like alloc.h's. */
void		*bound_calloc(size_t n, size_t size);
void		*bound_realloc(void *p, size_t size);
void		 bound_free(void *p);

#endif
