/* pages.h: the site's pages, whatever carries the request.  A struct
 * pages is one worker's state: its view of the site (site.h), the live
 * counters, the templates and the page cache.  Handlers write a complete
 * response (status, headers, body) and never touch the transport. */
#ifndef ARTICLED_PAGES_H
#define ARTICLED_PAGES_H

#include <stddef.h>

#define PAGES_PER_PAGE	10	/* articles on a list page */

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

/* The handlers the route table names (see router.h for route_handler). */
struct route;
void	pages_list(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_article(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_tag(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_search(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_moved(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_not_found(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
/* /people/<slug>[/page/N] (pages_people.c) and /contact
 * (pages_contact.c): the clinic's people and facts. */
void	pages_person(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_contact(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
/* /feed.xml, /sitemap.xml, /robots.txt (pages_feeds.c): cached per
 * worker, with ETag and Last-Modified, 304 to a conditional request. */
void	pages_feed(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_sitemap(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_robots(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);

/* /media/v/<hex>-<width>.<ext> and /media/<name> (pages_media.c): a
 * picture's sizes, when nginx has no file; the owner's address. */
void	pages_media_variant(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
void	pages_media_name(struct pages *p, const struct request *r,
	    const struct route *rt, struct response *resp);
/* The router's readers of what follows /media/v/ and /media/: 1 when it
 * is written as an address of one (media.h), else 0 (a 404). */
int	pages_media_path(const char *rest, struct route *rt);
int	pages_media_name_path(const char *rest, struct route *rt);

#endif
