/* render.h: an article's body as HTML, excerpt and word count: the one
 * guarded render every page that shows a body calls (the post, list
 * excerpts, and the feed and search index).  A body is rendered once per
 * change, not by every worker: the result is kept in SQLite's
 * article_renders, keyed by the article and checked against a hash of
 * the body it was made from and the rendering rules (md_rules), so an
 * edit or an upgrade of cmark or of our rules is rendered afresh, never
 * trusted.  Every render runs under the render bound (bound.h); a body
 * that passes it is stored as "slow" and not rendered again until it
 * changes. */
#ifndef ARTICLED_RENDER_H
#define ARTICLED_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "render/markdown.h"

struct article;
struct store;

enum render_rc {
	RENDER_OK = 0,
	RENDER_SLOW,		/* passed the bound (now or before): 503 */
	RENDER_FAILED,		/* cmark failed: 500 */
};

/* Fills out (md_page_init'ed by the caller) with a's body rendered: from
 * a->stored when it matches the body, else rendered now and stored in one
 * try (a busy lock: served anyway, stored by a later miss; HTML over
 * 1 MiB is not stored).  a must come
 * from a store read that fills a->stored (store_article, store_list);
 * otherwise the body is rendered every time.  The first render that
 * passes the bound is logged, naming the article. */
enum render_rc	render_article(struct store *s, const struct article *a,
		    struct md_page *out);

/* The hash stored renders are checked with (64-bit XXH64, seed 0). */
uint64_t	render_hash(const void *p, size_t n);

#endif
