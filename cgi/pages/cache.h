/* cache.h: a worker's rendered pages, so a popular article costs one
 * small read of SQLite instead of a query and a Markdown render.  The
 * cache is direct-mapped with a fixed number of entries and a cap on a
 * page's size, so its memory is bounded whatever the site holds.  A page
 * is kept with holes (slots) where live view counts are spliced in on
 * every request; counts are never cached.  The owner of the cache
 * (pages.c) clears it whenever anything a page shows may have changed. */
#ifndef ARTICLED_CACHE_H
#define ARTICLED_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define CACHE_KEY_MAX	96
#define CACHE_SLOTS	10	/* view counts on one page: a list page's */

struct counter_slot;

struct cached_slot {
	size_t			 off;	/* where the count goes in page */
	struct counter_slot	*ctr;	/* NULL: no live counter */
	int64_t			 base;	/* add the counter for the count */
	int64_t			 token_for;	/* > 0: not a count but the
					 * question form's token for this
					 * article (comments.h) */
};

struct cached_page {
	char			 key[CACHE_KEY_MAX];	/* "" when empty */
	int			 status;
	struct buf		 page;
	size_t			 nslots;
	struct cached_slot	 slots[CACHE_SLOTS];
};

struct cache;

struct cache	*cache_new(size_t entries, size_t max_page);
void		 cache_free(struct cache *c);
void		 cache_clear(struct cache *c);
/* The entry for key, or NULL if it is not cached. */
struct cached_page *cache_get(struct cache *c, const char *key);
/* An emptied entry to render key into; it evicts what held its place. */
struct cached_page *cache_claim(struct cache *c, const char *key);
/* Empties an entry whose rendering failed, so no request finds it. */
void		 cache_abandon(struct cache *c, struct cached_page *e);
/* Called once the entry is filled; returns the page to serve.  A page
 * too large for an entry is moved to the one side entry, which keeps the
 * last such page (so memory is bounded by the entries and the largest
 * page); the returned pointer is usable until the next cache call. */
struct cached_page *cache_done(struct cache *c, struct cached_page *e);

#endif
