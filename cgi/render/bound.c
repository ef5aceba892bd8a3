/* bound.c: the CPU bound on cmark's parse and the arena cmark allocates
 * from meanwhile (see bound.h for why both).  A jump may land anywhere in
 * cmark, in this file's bump allocation included, so every piece of
 * state the jump could leave half-written is either dropped whole by
 * bound_reset (the blocks) or changed with SIGVTALRM blocked (the chunk
 * list). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "render/bound.h"
#include "lib/log.h"

/* Under valgrind (the unit tests' memcheck pass, callgrind profiles) code
 * runs 10 to 50 times slower: the bound follows (x10), where the header
 * is, so that memcheck sees whole renders and a quadratic body still
 * passes it. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define BOUND_SLOWDOWN	(RUNNING_ON_VALGRIND ? 10 : 1)
#endif
#endif
#ifndef BOUND_SLOWDOWN
#define BOUND_SLOWDOWN	1
#endif

#define BOUND_FIRST	(1024 * 1024)	/* kept for the worker's life */
#define BOUND_MAX	(512UL * 1024 * 1024)	/* a parse past this: stopped */
#define BOUND_ALIGN	16
#define BOUND_CHUNKS	64

struct chunk {
	char	*base;
	size_t	 cap;
};

/* A block is a header (its size) and its bytes, aligned to 16. */
struct block {
	size_t	 size;
	size_t	 pad;
};

/* The arena and the jump target are the file's own: cmark_mem's
 * functions take no context, and a signal handler has none either. */
static struct {
	struct chunk	 chunk[BOUND_CHUNKS];
	size_t		 nchunks;	/* chunk[nchunks - 1] is the current */
	size_t		 used;		/* bytes used of the current chunk */
	size_t		 total;		/* bytes mapped beyond the first */
	void		*last;		/* the last block handed out */
	int		 handler;	/* SIGVTALRM handler installed */
	int		 timer_failed;	/* logged once */
} S_arena;
static sigjmp_buf S_jmp;
static volatile sig_atomic_t S_armed;

static void S_on_vtalrm(int sig)
{
	(void)sig;
	if (S_armed) {
		S_armed = 0;
		siglongjmp(S_jmp, 1);
	}
}

sigjmp_buf *bound_jmp(void)
{
	return &S_jmp;
}

static int S_timer(long ms)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	return setitimer(ITIMER_VIRTUAL, &it, NULL);
}

static int S_install(void)
{
	struct sigaction sa = { .sa_handler = S_on_vtalrm,
	    .sa_flags = SA_RESTART };	/* sa_mask: empty, as zeroed */

	if (sigaction(SIGVTALRM, &sa, NULL) != 0)
		return -1;
	S_arena.handler = 1;
	return 0;
}

int bound_arm(size_t len)
{
	long ms = (long)(BOUND_CPU_MS + len / BOUND_BYTES_PER_MS);

	ms *= BOUND_SLOWDOWN;

	if ((!S_arena.handler && S_install() != 0) ||
	    S_timer(ms) != 0) {
		if (!S_arena.timer_failed)
			log_line("render bound: cannot set the CPU timer: %s; "
			    "renders run unbounded", strerror(errno));
		S_arena.timer_failed = 1;
		return -1;
	}
	S_armed = 1;
	return 0;
}

void bound_disarm(void)
{
	S_armed = 0;
	S_timer(0);
}

/* A new chunk of at least need bytes, with SIGVTALRM blocked so that a
 * jump cannot lose a mapping between mmap and the list. */
static void S_grow(size_t need)
{
	sigset_t vt, old;
	size_t cap = S_arena.nchunks == 0 ? BOUND_FIRST :
	    S_arena.chunk[S_arena.nchunks - 1].cap * 2;
	void *p;

	while (cap < need)
		cap *= 2;
	if (S_arena.nchunks == BOUND_CHUNKS ||
	    (S_armed && S_arena.total + cap > BOUND_MAX)) {
		if (S_armed) {	/* as if the time had passed */
			S_armed = 0;
			siglongjmp(S_jmp, 1);
		}
		fprintf(stderr, "articled: render arena: too many chunks\n");
		abort();
	}
	sigemptyset(&vt);
	sigaddset(&vt, SIGVTALRM);
	sigprocmask(SIG_BLOCK, &vt, &old);
	p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "articled: render arena: out of memory\n");
		abort();
	}
	S_arena.chunk[S_arena.nchunks].base = p;
	S_arena.chunk[S_arena.nchunks].cap = cap;
	S_arena.nchunks++;
	if (S_arena.nchunks > 1)
		S_arena.total += cap;
	S_arena.used = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void *S_alloc(size_t size)
{
	struct block *b;
	size_t need;
	struct chunk *c;

	if (size > BOUND_MAX) {
		fprintf(stderr, "articled: render arena: %zu bytes\n", size);
		abort();
	}
	need = sizeof(*b) + ((size + BOUND_ALIGN - 1) & ~(size_t)(BOUND_ALIGN - 1));
	if (S_arena.nchunks == 0 ||
	    S_arena.chunk[S_arena.nchunks - 1].cap - S_arena.used < need)
		S_grow(need);
	c = &S_arena.chunk[S_arena.nchunks - 1];
	b = (struct block *)(void *)(c->base + S_arena.used);
	b->size = size;
	S_arena.used += need;
	S_arena.last = b + 1;
	return b + 1;
}

void *bound_calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		fprintf(stderr, "articled: render arena: calloc overflow\n");
		abort();
	}
	p = S_alloc(n * size);
	memset(p, 0, n * size);
	return p;
}

/* The last block grows in place (cmark's buffers grow one at a time);
 * any other is copied. */
void *bound_realloc(void *p, size_t size)
{
	struct block *b;
	struct chunk *c;
	size_t have, need;
	void *q;

	if (p == NULL)
		return S_alloc(size);
	b = (struct block *)p - 1;
	c = &S_arena.chunk[S_arena.nchunks - 1];
	if (p == S_arena.last) {
		have = (size_t)((char *)p - c->base);
		need = (size + BOUND_ALIGN - 1) & ~(size_t)(BOUND_ALIGN - 1);
		if (size <= BOUND_MAX && c->cap - have >= need) {
			b->size = size;
			S_arena.used = have + need;
			return p;
		}
	}
	q = S_alloc(size);
	memcpy(q, p, b->size < size ? b->size : size);
	return q;
}

/* The last block handed out is given back (cmark often frees what it
 * just allocated); the others are dropped together by bound_reset. */
void bound_free(void *p)
{
	struct chunk *c;

	if (p == NULL || p != S_arena.last)
		return;
	c = &S_arena.chunk[S_arena.nchunks - 1];
	S_arena.used = (size_t)((char *)((struct block *)p - 1) - c->base);
	S_arena.last = NULL;
}

/* Unmaps every chunk but the first, and empties that. */
void bound_reset(void)
{
	sigset_t vt, old;

	sigemptyset(&vt);
	sigaddset(&vt, SIGVTALRM);
	sigprocmask(SIG_BLOCK, &vt, &old);
	while (S_arena.nchunks > 1) {
		S_arena.nchunks--;
		munmap(S_arena.chunk[S_arena.nchunks].base,
		    S_arena.chunk[S_arena.nchunks].cap);
	}
	S_arena.total = 0;
	S_arena.used = 0;
	S_arena.last = NULL;
	sigprocmask(SIG_SETMASK, &old, NULL);
}
