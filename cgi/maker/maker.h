/* maker.h: the picture maker, a process of its own: it makes every
 * 'pending' picture of media into media_variants and the folder nginx
 * serves, one at a time, by running the decoder (bin/articled-picture)
 * on it.  Under FastCGI the master keeps one running (maker_serve); a CGI
 * run starts one after answering (maker_cgi.h), which drains and exits. */
#ifndef ARTICLED_MAKER_H
#define ARTICLED_MAKER_H

#include <stdint.h>

#include "maker/maker_run.h"

struct maker_opts {
	const char		*db;
	const char		*media_dir;	/* --media-dir */
	const char		*decoder;	/* --picture-maker */
	struct maker_limits	 lim;
};

/* The decoder's limits by default (docs/operations.md). */
void	maker_limits_default(struct maker_limits *lim);
/* The default decoder: articled-picture beside the running binary.
 * Owned by the caller. */
char	*maker_default_decoder(void);

/* The process's own set-up: lower priority, no new privileges, its name
 * (articled-maker), SIGTERM to stop between steps, never mid-write. */
void	maker_process_setup(void);
/* Whether SIGTERM (or SIGINT) has come since maker_process_setup. */
int	maker_stopping(void);
/* Under a master: keeps the folder and makes what is pending, waking once
 * a second to look at site_version.rev, until SIGTERM.  Returns the exit
 * code. */
int	maker_serve(const struct maker_opts *o);
/* After a CGI request: makes what is pending until nothing is; 0 with
 * *rev the site_version.rev at which nothing was, else -1. */
int	maker_drain(const struct maker_opts *o, int64_t *rev);

#endif
