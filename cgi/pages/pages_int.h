/* pages_int.h: a worker's pages state (struct pages), shared by the
 * files of pages/ and by nothing else, and the parts of a page more than
 * one handler draws: a list page (pages_list.c), what goes under a post
 * and the most read articles (pages_more.c), a post's pictures
 * (pages_picture.c), an old slug's answer (pages_moved.c).  What a
 * handler is given and calls back is handler.h. */
#ifndef ARTICLED_PAGES_INT_H
#define ARTICLED_PAGES_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/buf.h"
#include "pages/cache.h"
#include "pages/comments.h"
#include "pages/layout.h"
#include "render/markdown.h"
#include "render/picture.h"
#include "pages/site.h"
#include "store/store.h"
#include "store/store_search.h"

struct cache;
struct cached_page;
struct feed_cache;
struct page_req;

#define PAGES_PER_PAGE	10	/* articles on a list page, results on a
				 * search page, list pages in the sitemap */
#define CACHE_ENTRIES	128
#define CACHE_MAX_PAGE	(256 * 1024)

/* The 503 of an article whose render passed the bound (render.h). */
#define PAGES_TOO_SLOW	"This article cannot be displayed at the moment. " \
	"Please try again later."

_Static_assert(PAGES_PER_PAGE <= CACHE_SLOTS,
    "a list page's counts fit an entry");

#define MOST_READ_MAX	5

/* The most read articles as template values, read once per change of
 * the site (and at most every MOST_READ_TTL seconds, since counts move
 * without a change): the no-results page and the 404 page show them. */
struct most_read {
	int		 loaded;
	time_t		 at;
	struct link	 links[MOST_READ_MAX];
	char		 urls[MOST_READ_MAX][384];
	struct tval	 vals[MOST_READ_MAX][2];
	struct tctx	 items[MOST_READ_MAX];
	size_t		 n;
};
#define MOST_READ_TTL	300

struct pages {
	struct site_view	 site;
	struct counter		*counter;	/* borrowed: the caller's */
	uint64_t		 generation;
	struct templates	*tmpl;
	struct layout		 look;		/* tmpl, site's settings, root */
	unsigned long		 changes;	/* site.changes the cache is from */
	struct list_key		*page_keys;	/* first key of each list page */
	size_t			 npages;
	int			 have_keys;
	int			 trim;		/* dropped: pages_idle trims */
	unsigned		 since_trim;	/* answers since it last did */
	struct cache		*cache;
	int			 counter_full_logged;
	int			 counting;
	struct most_read	 most_read;
	struct feed_cache	*feeds;		/* feed, sitemap, robots (pages_feeds.c) */
	/* The root the cached pages' links were built with ("" under
	 * FastCGI; CGI: SCRIPT_NAME); pages_handle empties the cache when a
	 * request's differs, so it is the request's too.  look.root. */
	char			 cache_root[256];
	struct comments_state	 comments;	/* pages_comments*.c */
};

/* One list of articles (the blog, a tag): where its pages live and what
 * they are called. */
struct list_spec {
	const char	*base;		/* "/blog", "/blog/tag/x": page 1 */
	const char	*heading;	/* the h1 */
	const char	*title;		/* the page's title, page 1 */
	size_t		 npages;
	int		 is_home;
};

/* Renders list page `page` of spec holding arts into e (pages_list.c). */
int	pages_render_list(struct pages *p, const struct list_spec *spec,
	    unsigned long page, const struct article *arts, size_t n,
	    struct cached_page *e);

/* Loads the most read articles into p->most_read and points the layout
 * at them, unless they are fresh (pages_more.c). */
void	pages_most_read(struct pages *p);
void	pages_most_read_drop(struct pages *p);

/* What is shown under a post, as template values (pages_more.c). */
struct post_values {
	struct post_more m;
	char		 tag_urls[POST_TAGS_MAX][320];
	struct tval	 tag_vals[POST_TAGS_MAX][2];
	struct tctx	 tag_items[POST_TAGS_MAX];
	char		 older_url[384], newer_url[384];
	char		 rel_urls[RELATED_MAX][384];
	struct tval	 rel_vals[RELATED_MAX][2];
	struct tctx	 rel_items[RELATED_MAX];
};
#define POST_MORE_VALS	8	/* values post_values_add writes */

/* Reads and fills pv for a; 0, or -1 when the database failed. */
int	post_values_load(struct pages *p, const struct article *a,
	    struct post_values *pv);
/* Appends its template values to v (POST_MORE_VALS of them). */
size_t	post_values_add(const struct post_values *pv, struct tval *v);
void	post_values_free(struct post_values *pv);
/* Frees the worker's feed, sitemap and robots.txt (pages_feeds.c). */
void	pages_feeds_free(struct feed_cache *fc);
/* No published article has slug: 301 to the article's address now if it
 * is an old slug, 410 if its article was deleted, else 404
 * (pages_moved.c). */
void	pages_old_slug(struct pages *p, const struct page_req *q,
	    const char *slug);

/* A post's pictures (pages_picture.c): its cover, its body with every
 * picture drawn, and the link preview's picture. */
struct post_pictures {
	struct buf		 cover;		/* HTML, "" without a cover */
	struct buf		 body;
	struct picture_preview	 preview;
	int			 has_preview;	/* the cover is ready */
	int			 failed;	/* a read failed: not cached */
};
void	post_pictures_draw(struct pages *p, const struct article *a,
	    const struct md_page *md, struct post_pictures *pp);
void	post_pictures_free(struct post_pictures *pp);
/* A list item's cover, small (nothing without one). */
void	pages_item_cover(struct pages *p, const struct article *a,
	    struct buf *out);

#endif
