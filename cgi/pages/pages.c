/* pages.c: the site's pages for one worker: opening and closing them
 * (struct pages, pages_int.h), and pages_handle, which takes the clock,
 * checks the site, answers a bad request or method, and otherwise hands
 * the request to the handler the route table (router.c) names, with the
 * per-request values in a struct page_req (handler.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__		/* defined by the headers above */
#include <malloc.h>
#endif

#include "lib/alloc.h"
#include "lib/counter.h"
#include "http/request.h"
#include "http/response.h"
#include "pages/cache.h"
#include "pages/handler.h"
#include "pages/handlers.h"
#include "pages/layout.h"
#include "pages/pages.h"
#include "pages/pages_int.h"
#include "pages/router.h"
#include "pages/site.h"

struct pages *pages_open(const char *db_path, struct templates *t,
    struct counter *c, int lazy, char *err, size_t errlen)
{
	struct pages *p = xcalloc(1, sizeof(*p));

	if (site_open(&p->site, db_path, lazy, err, errlen) != 0) {
		templates_free(t);	/* ours, even on failure */
		free(p);
		return NULL;
	}
	if (c != NULL)
		pages_set_counter(p, c);
	p->tmpl = t;
	p->look.tmpl = t;
	p->look.site = &p->site.settings;
	p->look.root = p->cache_root;
	p->look.today = p->site.today;
	p->counting = 1;
	p->changes = p->site.changes;
	p->cache = cache_new(CACHE_ENTRIES, CACHE_MAX_PAGE);
	return p;
}

void pages_set_counter(struct pages *p, struct counter *c)
{
	p->counter = c;
	p->generation = counter_generation(c);
}

void pages_set_counting(struct pages *p, int on)
{
	p->counting = on;
}

void pages_set_quiet(struct pages *p, int quiet)
{
	p->site.spell.quiet = quiet;
}

void pages_close(struct pages *p)
{
	if (p == NULL)
		return;
	site_close(&p->site);
	templates_free(p->tmpl);
	free(p->page_keys);
	pages_most_read_drop(p);
	cache_free(p->cache);
	pages_feeds_free(p->feeds);
	comments_state_free(&p->comments);
	free(p);
}

/* Also every PAGES_TRIM_EVERY answers: misses free what they built
 * (renders, list pages) in between the cached pages' blocks, and glibc
 * only ever gives back the heap's top.  Only when PAGES_TRIM_FREE or
 * more lies free: memory given back costs a page fault per page when it
 * is used again, which after every edit (SQLite drops and refills its
 * cache) would add about half a millisecond to the next first view. */
#define PAGES_TRIM_EVERY	1024
#define PAGES_TRIM_FREE		(512 * 1024)

void pages_idle(struct pages *p)
{
	if (!p->trim && ++p->since_trim < PAGES_TRIM_EVERY)
		return;
#ifdef __GLIBC__
	if (mallinfo2().fordblks >= PAGES_TRIM_FREE)
		malloc_trim(0);	/* the freed memory, to the system */
#endif
	p->trim = 0;
	p->since_trim = 0;
}

static void S_handle(struct pages *p, const struct request *r,
    struct response *resp)
{
	struct route rt;
	struct page_req q = { r, &rt, resp, 0, r->root };

	site_clock(&p->site);
	/* Under CGI every link starts with the script's path; cached pages
	 * hold links, so a different root empties the cache. */
	if (strcmp(p->cache_root, r->root) != 0) {
		snprintf(p->cache_root, sizeof(p->cache_root), "%s", r->root);
		site_forget(&p->site);
	}
	resp->head_only = r->method == METHOD_HEAD;
	/* First, so that even an error page shows the current settings. */
	q.fresh = site_refresh(&p->site) == 0;
	if (p->changes != p->site.changes)
		pages_drop(p);
	if (r->status != 0) {
		pages_error(p, &q, r->status, r->error);
		return;
	}
	/* One redirect, to the final address: "/post/ABC/" goes straight
	 * to "/post/abc", not through "/post/ABC". */
	route_path(r->path, &rt);
	/* Only the question form is sent with POST. */
	if (r->method == METHOD_OTHER || (r->method == METHOD_POST &&
	    rt.handler != pages_comment)) {
		pages_error(p, &q, 405, NULL);
		return;
	}
	if (r->redirect && rt.location[0] == '\0') {
		pages_redirect(p, &q, r->path);
		return;
	}
	rt.handler(p, &q);
}

void pages_handle(struct pages *p, const struct request *r,
    struct response *resp)
{
	store_request_begin(p->site.store);
	S_handle(p, r, resp);
	store_request_end(p->site.store);
}
