/* site.h: a worker's view of the site: its database connection, the
 * owner's settings, site_version.rev and whether the database can be
 * read at all.  Checked on every request, so an owner's change shows at
 * once; whatever a worker built from the site (cached pages) must go
 * whenever site_view.changes moves. */
#ifndef ARTICLED_SITE_H
#define ARTICLED_SITE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/log.h"
#include "store/store.h"

struct site_view {
	struct store	*store;
	struct site	 settings;
	int64_t		 rev;		/* what the settings were read at; -1: reread */
	char		 next_publish[32];	/* "" or the next scheduled article */
	unsigned long	 changes;	/* bumped when built pages may be stale */
	time_t		 now;
	char		 now_iso[32];	/* 2024-05-01T09:00:00Z */
	char		 today[16];	/* 2024-05-01 */
	time_t		 last_probe;
	struct db_spell	 spell;		/* outages, logged (quiet in a worker:
					 * the master reports) */
	unsigned long	 connects;	/* store_connects() last seen */
};

/* Opens the database (see store_open; with lazy set, store_new: a worker
 * answers 503 until it can read it).  -1 with a message in err. */
int	site_open(struct site_view *sv, const char *db_path, int lazy,
	    char *err, size_t errlen);
void	site_close(struct site_view *sv);

/* Takes the time once per second, for "now" in queries and "today". */
void	site_clock(struct site_view *sv);

/* Brings settings and rev up to date: 0, or -1 when the database cannot
 * be read (pages answer 503).  One log line when service stops and one
 * when it resumes, however many requests come between. */
int	site_refresh(struct site_view *sv);

/* A query failed: answer 503, probe again at the next request. */
void	site_unavailable(struct site_view *sv);

/* Rereads the settings at the next refresh. */
void	site_forget(struct site_view *sv);

#endif
