/* cache.c: bounded, direct-mapped page cache (see cache.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "pages/cache.h"

struct cache {
	struct cached_page	*entries;
	size_t			 n;
	size_t			 max_page;
	struct cached_page	 oversize;	/* the last page too large for an entry */
};

static size_t S_hash(const char *key)
{
	uint64_t h = 1469598103934665603u;	/* FNV-1a */

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211u;
	return (size_t)h;
}

struct cache *cache_new(size_t entries, size_t max_page)
{
	struct cache *c = xcalloc(1, sizeof(*c));

	c->entries = xcalloc(entries, sizeof(*c->entries));
	c->n = entries;
	c->max_page = max_page;
	return c;
}

static void S_empty(struct cached_page *e)
{
	e->key[0] = '\0';
	e->nslots = 0;
	e->status = 0;
	memset(e->slots, 0, sizeof(e->slots));
	/* A large page's memory goes back; a small one's is reused. */
	if (e->page.cap > 64 * 1024)
		buf_free(&e->page);
	else
		buf_reset(&e->page);
}

/* Unlike an eviction, every page's memory goes back: after a change of
 * the site few pages are asked for again soon, and the worker should not
 * stay at a full cache's size (pages_idle then trims the heap). */
void cache_clear(struct cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		S_empty(&c->entries[i]);
		buf_free(&c->entries[i].page);
	}
	S_empty(&c->oversize);
	buf_free(&c->oversize.page);
}

void cache_free(struct cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		buf_free(&c->entries[i].page);
	buf_free(&c->oversize.page);
	free(c->entries);
	free(c);
}

struct cached_page *cache_get(struct cache *c, const char *key)
{
	struct cached_page *e = &c->entries[S_hash(key) % c->n];

	if (e->key[0] != '\0' && strcmp(e->key, key) == 0)
		return e;
	if (c->oversize.key[0] != '\0' && strcmp(c->oversize.key, key) == 0)
		return &c->oversize;
	return NULL;
}

struct cached_page *cache_claim(struct cache *c, const char *key)
{
	struct cached_page *e = &c->entries[S_hash(key) % c->n];

	S_empty(e);
	if (strcmp(c->oversize.key, key) == 0)
		S_empty(&c->oversize);
	snprintf(e->key, sizeof(e->key), "%s", key);
	return e;
}

void cache_abandon(struct cache *c, struct cached_page *e)
{
	(void)c;
	S_empty(e);
}

/* A page over max_page is kept in the side entry, the one large page at
 * a time, rather than rendered again on every request (a 5 MB article
 * takes 0.4 s of CPU to render: any client could keep a worker busy). */
struct cached_page *cache_done(struct cache *c, struct cached_page *e)
{
	if (e->page.len <= c->max_page)
		return e;
	buf_free(&c->oversize.page);
	c->oversize = *e;
	buf_init(&e->page);
	S_empty(e);
	return &c->oversize;
}
