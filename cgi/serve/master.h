/* master.h: the master process: it forks the workers, restarts any that
 * die, folds the live counters into SQLite every second, rewrites the
 * error pages nginx serves when the owner changes anything, reloads
 * templates on SIGHUP and stops on SIGTERM/SIGINT. */
#ifndef ARTICLED_MASTER_H
#define ARTICLED_MASTER_H

#include "serve/master_state.h"

/* Runs the master on m->fd until SIGTERM/SIGINT; returns the exit code. */
int	master_run(struct master *m);

/* Writes the error pages for nginx into o->error_pages (if set) in the
 * site's layout, from templates loaded afresh and the site's settings.
 * 0, or -1 with the reason logged. */
int	master_write_error_pages(const struct options *o);

#endif
