/* maker_run.h: running the decoder, bin/articled-picture, on one
 * picture's bytes: a child process fed on its stdin and read on its
 * stdout, under its own limits and a wall-clock deadline, killed when it
 * overruns, and always reaped. */
#ifndef ARTICLED_MAKER_RUN_H
#define ARTICLED_MAKER_RUN_H

#include <signal.h>
#include <stddef.h>

#include "lib/buf.h"

/* The limits the decoder is given, and the maker's own deadline. */
struct maker_limits {
	long	max_pixels;	/* --max-pixels */
	int	max_memory_mib;	/* --max-memory (RLIMIT_AS) */
	int	max_cpu_s;	/* --max-cpu (RLIMIT_CPU) */
	int	wall_s;		/* killed after this long, whatever it does */
	size_t	max_output;	/* killed when it writes more */
};

enum run_end {
	RUN_EXITED,	/* code: the exit status */
	RUN_SIGNALED,	/* code: the signal */
	RUN_TIMEOUT,	/* past wall_s: killed */
	RUN_TOO_MUCH,	/* past max_output: killed */
	RUN_STOPPED,	/* *stop was set: killed, nothing to store */
};

struct run_result {
	enum run_end	how;
	int		code;
	struct buf	out;	/* its stdout; owned, buf_free */
	struct buf	err;	/* the start of its stderr (a pipe: the
				 * decoder may write no file), for the log */
};

/* Frees r's buffers. */
void	maker_run_free(struct run_result *r);

/* Runs decoder on in[0..len).  0 with the ending in r, or -1 when it
 * could not be started (pipe, fork) with the reason in err. */
int	maker_run(const char *decoder, const struct maker_limits *lim,
	    const unsigned char *in, size_t len,
	    volatile sig_atomic_t *stop, struct run_result *r, char *err,
	    size_t errlen);

#endif
