/* pages_blog.c: the blog list, / and /blog/page/N: from the page cache,
 * or the articles of page N read from the store from the page's first
 * key (never OFFSET) and drawn by pages_list.c.  Statuses: 200; 404 past
 * the last page; 500; 503. */
#include <stdio.h>
#include <stdlib.h>

#include "lib/alloc.h"
#include "http/response.h"
#include "http/views.h"
#include "pages/cache.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/pages_int.h"
#include "store/store.h"

/* The first key of every list page, so page N is read from the index at
 * its first key instead of skipping N*10 rows with OFFSET.  Built once
 * per change of the site. */
static int S_page_keys(struct pages *p)
{
	struct list_key *all;
	size_t n, i;

	if (p->have_keys)
		return 0;
	if (store_list_keys(p->site.store, p->site.now_iso, &all, &n) != STORE_OK)
		return -1;
	p->npages = pages_count(n);
	p->page_keys = xcalloc(p->npages ? p->npages : 1, sizeof(*all));
	for (i = 0; i < p->npages; i++)
		p->page_keys[i] = all[i * PAGES_PER_PAGE];
	free(all);
	p->have_keys = 1;
	return 0;
}

/* 200 with list page rt->page; 404 past the last page; 500 when it
 * cannot be rendered; 503 when the database cannot be read. */
void pages_blog(struct pages *p, const struct page_req *q)
{
	const struct route *rt = q->rt;
	struct article arts[PAGES_PER_PAGE];
	const struct list_key *from = NULL;
	struct list_spec spec = { "/blog", "Articles", p->site.settings.name,
	    0, 1 };
	struct cached_page *e;
	char key[CACHE_KEY_MAX];
	size_t n = 0;

	if (pages_down(p, q))
		return;
	snprintf(key, sizeof(key), "list:%lu", rt->page);
	if ((e = cache_get(p->cache, key)) == NULL) {
		if (S_page_keys(p) != 0) {
			pages_failed(p, q);
			return;
		}
		if (rt->page > 1 && rt->page > p->npages) {
			pages_error(p, q, 404, NULL);
			return;
		}
		if (rt->page > 1)
			from = &p->page_keys[rt->page - 1];
		if (store_list(p->site.store, p->site.now_iso, from, p->generation, arts,
		    PAGES_PER_PAGE, &n) != STORE_OK) {
			pages_failed(p, q);
			return;
		}
		spec.npages = p->npages;
		e = cache_claim(p->cache, key);
		if (pages_render_list(p, &spec, rt->page, arts, n, e) != 0) {
			cache_abandon(p->cache, e);
			while (n > 0)
				store_article_free(&arts[--n]);
			pages_error(p, q, 500, NULL);
			return;
		}
		while (n > 0)
			store_article_free(&arts[--n]);
		e = cache_done(p->cache, e);
	}
	pages_answer(q, e, VIEW_NONE);
}
