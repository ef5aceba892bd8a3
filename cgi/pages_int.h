/* pages_int.h: what the handlers outside pages.c (pages_feeds.c: feed,
 * sitemap, robots; pages_moved.c: old and deleted addresses) use of a
 * worker's pages.  Not for other files. */
#ifndef ARTICLED_PAGES_INT_H
#define ARTICLED_PAGES_INT_H

struct feed_cache;
struct pages;
struct response;
struct site_view;

struct site_view	*pages_site(struct pages *p);
/* The worker's cache of the feed, sitemap and robots.txt (NULL until the
 * first is asked for; freed by pages_close through pages_feeds_free). */
struct feed_cache	**pages_feed_cache(struct pages *p);
/* This request found the database readable. */
int			 pages_fresh(const struct pages *p);
/* The error page for status, in the site's layout. */
void			 pages_error(struct pages *p, struct response *resp,
			    int status);
/* A query failed: 503, and the site is probed again. */
void			 pages_failed(struct pages *p, struct response *resp);
/* 301 to path (below the root). */
void			 pages_redirect(struct pages *p, struct response *resp,
			    const char *path);

void			 pages_feeds_free(struct feed_cache *fc);
/* No published article has slug: 301 to the article's address now if it
 * is an old slug, 410 if its article was deleted, else 404. */
void			 pages_old_slug(struct pages *p, const char *slug,
			    struct response *resp);

#endif
