/* fold.h: folding the live view counters into SQLite, for the master
 * (once a second) and a CGI run (after it answered).  A struct fold has its
 * own connection, and nothing of the pages: no templates, no settings,
 * no page cache. */
#ifndef ARTICLED_FOLD_H
#define ARTICLED_FOLD_H

#include <stdint.h>

#include "lib/log.h"

struct counter;
struct store;

struct fold {
	const char	*db_path;
	struct counter	*counter;	/* borrowed: the caller's */
	struct store	*store;		/* NULL until the first fold */
	struct db_spell	 spell;		/* logged once per spell */
	int		 failing;	/* the fold failed: logged once per spell */
};

/* Prepares f; nothing is opened before the first fold. */
void	fold_init(struct fold *f, const char *db_path, struct counter *c);
/* Closes the connection (the master, before it forks: SQLite's locks
 * must not be shared with a child); the next fold opens it again. */
void	fold_release(struct fold *f);

/* Folds the counters (see store_fold), waiting at most busy_ms for the
 * write lock.  0 (and the views moved), 1 when the lock was busy, -1
 * when the database cannot be read or the fold failed (logged once: the
 * views wait safely in the counters meanwhile). */
int	fold_run(struct fold *f, int busy_ms, uint64_t *moved);

/* site_version.rev, or -1 when it cannot be read (or nothing is open):
 * it changes with anything the owner changes, and not with folds. */
long long fold_site_rev(struct fold *f);

#endif
