/* pages_tag.c: /blog/tag/TAG[/page/N], a tag's published articles with
 * the blog list's pagination: each page is read from its first key
 * (published_at, id), never with OFFSET, and cached like a list page.
 * Statuses: 200; 404 for a tag no published article has, or past the
 * last page; 500; 503. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "pages/cache.h"
#include "http/response.h"
#include "http/views.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/pages_int.h"
#include "store/store_search.h"

/* Reads the articles of tag page rt->page into arts and the number of
 * pages into spec; the status it answers (200, 404, 503). */
static int S_fill(struct pages *p, const struct route *rt,
    struct list_spec *spec, struct article *arts, size_t *n)
{
	struct list_key *keys;
	size_t nkeys;
	enum store_rc rc;

	if (store_tag_keys(p->site.store, rt->tag, p->site.now_iso, &keys,
	    &nkeys) != STORE_OK)
		return 503;
	spec->npages = pages_count(nkeys);
	if (rt->page > spec->npages) {
		free(keys);
		return 404;
	}
	rc = store_tag_list(p->site.store, rt->tag, p->site.now_iso,
	    &keys[(rt->page - 1) * PAGES_PER_PAGE], p->generation, arts,
	    PAGES_PER_PAGE, n);
	free(keys);
	return rc == STORE_OK ? 200 : 503;
}

static int S_render(struct pages *p, const struct route *rt,
    struct list_spec *spec, struct cached_page *e)
{
	struct article arts[PAGES_PER_PAGE];
	char base[128], heading[128];
	size_t n = 0;
	int status;

	snprintf(base, sizeof(base), "/blog/tag/%s", rt->tag);
	snprintf(heading, sizeof(heading), "Articles tagged %s", rt->tag);
	spec->base = base;
	spec->heading = heading;
	spec->title = heading;
	if ((status = S_fill(p, rt, spec, arts, &n)) == 200 &&
	    pages_render_list(p, spec, rt->page, arts, n, e) != 0)
		status = 500;
	while (n > 0)
		store_article_free(&arts[--n]);
	return status;
}

void pages_tag(struct pages *p, const struct page_req *q)
{
	const struct route *rt = q->rt;
	struct list_spec spec = { 0 };
	struct cached_page *e;
	char key[CACHE_KEY_MAX];
	int status;

	if (pages_down(p, q))
		return;
	snprintf(key, sizeof(key), "tag:%s:%lu", rt->tag, rt->page);
	if ((e = cache_get(p->cache, key)) == NULL) {
		e = cache_claim(p->cache, key);
		if ((status = S_render(p, rt, &spec, e)) != 200) {
			cache_abandon(p->cache, e);
			if (status == 503)
				pages_unavailable(p);
			pages_error(p, q, status, NULL);
			return;
		}
		e = cache_done(p->cache, e);
	}
	pages_answer(q, e, VIEW_NONE);
}
