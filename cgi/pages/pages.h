/* pages.h: the site's pages, whatever carries the request.  A struct
 * pages is one worker's state: its view of the site (site.h), the live
 * counters, the templates and the page cache.  Handlers write a complete
 * response (status, headers, body) and never touch the transport. */
#ifndef ARTICLED_PAGES_H
#define ARTICLED_PAGES_H

#include <stddef.h>

struct counter;
struct pages;
struct request;
struct response;
struct templates;

/* Opens the database; takes ownership of t (and frees it when it fails)
 * and borrows c, the live counters, which must outlive the pages (NULL:
 * set them with pages_set_counter before the first request).  NULL with
 * a message in err when the database cannot serve.  With lazy set
 * (workers), a database that cannot be opened now is not an error: the
 * pages answer 503 until it can. */
struct pages	*pages_open(const char *db_path, struct templates *t,
		    struct counter *c, int lazy, char *err, size_t errlen);
void		 pages_close(struct pages *p);
void		 pages_set_counter(struct pages *p, struct counter *c);
/* The question form's per-address limits (FastCGI; ratelimit.h),
 * borrowed; without them (CGI) only the site-wide limits apply. */
struct ratelimit;
void		 pages_set_limiter(struct pages *p, struct ratelimit *rl);

/* Counting is on unless switched off (--no-views: benchmarks, mirrors). */
void		 pages_set_counting(struct pages *p, int on);
/* A worker under a master: the database becoming unavailable and coming
 * back is logged once by the master's fold, not once by every worker. */
void		 pages_set_quiet(struct pages *p, int quiet);

/* Answers r into resp (which the caller reset): a bad request or method
 * gets its error page, a path that is not canonical a 301; any other
 * goes to the handler the route table (router.c) names.  Counts the
 * view when the answer is a 200 article page and r is countable. */
void		 pages_handle(struct pages *p, const struct request *r,
		    struct response *resp);
/* After an answer is sent: when the site changed during it (the page
 * cache was emptied), gives the freed memory back to the system. */
void		 pages_idle(struct pages *p);

#endif
