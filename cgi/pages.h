/* pages.h: the site's pages, whatever carries the request.  A struct
 * pages is one worker's state: its database connection, live counters,
 * parsed templates, settings and page cache.  Handlers write a complete
 * response (status, headers, body) and never touch the transport. */
#ifndef ARTICLED_PAGES_H
#define ARTICLED_PAGES_H

#include <stddef.h>

struct pages;
struct request;
struct response;
struct templates;

/* Loads and checks every template in dir (layout.html, list.html,
 * post.html, error.html).  NULL with "FILE:LINE: why" in err. */
struct templates *templates_load(const char *dir, char *err, size_t errlen);
void		 templates_free(struct templates *t);

/* Opens the database and the live counters; takes ownership of t (and
 * frees it when it fails).  NULL with a message in err when the database
 * cannot serve.  With lazy set
 * (workers), a database that cannot be opened now is not an error: the
 * pages answer 503 until it can. */
struct pages	*pages_open(const char *db_path, struct templates *t,
		    int lazy, char *err, size_t errlen);
void		 pages_close(struct pages *p);

/* Counting is on unless switched off (--no-views: benchmarks, mirrors). */
void		 pages_set_counting(struct pages *p, int on);
/* A worker under a master: the database becoming unavailable and coming
 * back is logged once by the master's fold, not once by every worker. */
void		 pages_set_quiet(struct pages *p, int quiet);

/* Answers r into resp (which the caller reset).  Counts the view when
 * the answer is a 200 article page and r is countable. */
void		 pages_handle(struct pages *p, const struct request *r,
		    struct response *resp);

/* Writes DIR/NNN.html for the statuses nginx answers itself (400, 404,
 * 405, 413, 414, 500, 502, 503, 504 …) in the site's layout. */
int		 pages_write_error_files(struct pages *p, const char *dir,
		    char *err, size_t errlen);

/* site_version.rev, or -1 when it cannot be read: it changes with
 * anything the owner changes, and not with folds. */
long long	 pages_site_rev(struct pages *p);

/* Folds the live counters into SQLite (see store_fold), waiting at most
 * busy_ms for the write lock.  Returns 0 (and the views moved), 1 when
 * the lock was busy, -1 on error (logged). */
int		 pages_fold(struct pages *p, int busy_ms,
		    unsigned long long *moved);

#endif
