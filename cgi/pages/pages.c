/* pages.c: the article and list handlers: a page comes from the cache,
 * or from the store rendered through the layout, and its live counts are
 * spliced in at the last moment.  Statuses: 200, 301, 400, 404, 405, 414,
 * 500, 503 (the error pages are errors.c's). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__		/* defined by the headers above */
#include <malloc.h>
#endif

#include "lib/alloc.h"
#include "lib/buf.h"
#include "pages/cache.h"
#include "lib/counter.h"
#include "pages/errors.h"
#include "pages/layout.h"
#include "lib/log.h"
#include "render/jsonld.h"
#include "render/markdown.h"
#include "pages/pages.h"
#include "pages/pages_int.h"
#include "render/render.h"
#include "http/request.h"
#include "http/response.h"
#include "pages/router.h"
#include "pages/site.h"
#include "store/store.h"
#include "store/store_search.h"
#include "lib/text.h"
#include "http/views.h"

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
	p->look.root = p->root;
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
	p->site.db.quiet = quiet;
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
	free(p);
}

/* Drops whatever was built from the site: rendered pages, page keys. */
static void S_drop(struct pages *p)
{
	cache_clear(p->cache);
	pages_most_read_drop(p);
	free(p->page_keys);
	p->page_keys = NULL;
	p->npages = 0;
	p->have_keys = 0;
	p->changes = p->site.changes;
	p->trim = 1;
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

void pages_unavailable(struct pages *p)
{
	site_unavailable(&p->site);
	S_drop(p);
}

void pages_error(struct pages *p, struct response *resp, int status,
    const char *message)
{
	/* A reader who found no page is offered the most read ones. */
	if (status == 404 && p->fresh)
		pages_most_read(p);
	errors_answer(&p->look, resp, status, message);
}

/* For the handlers in other files (pages_feeds.c, pages_moved.c). */
struct site_view *pages_site(struct pages *p)
{
	return &p->site;
}

struct feed_cache **pages_feed_cache(struct pages *p)
{
	return &p->feeds;
}

int pages_fresh(const struct pages *p)
{
	return p->fresh;
}

void pages_failed(struct pages *p, struct response *resp)
{
	pages_unavailable(p);
	pages_error(p, resp, 503, NULL);
}

/* ---- the article page --------------------------------------------------- */

static void S_count_text(char *out, const struct cached_slot *s,
    enum view mode)
{
	uint64_t n = 0;

	if (s->ctr != NULL)
		n = mode == VIEW_COUNT ? counter_add(s->ctr) :
		    counter_get(s->ctr);
	if (mode == VIEW_AS_GET)
		n++;
	/* The live count as viewtail shows it: saturating, whatever base
	 * the database holds (schema.sql keeps it far below 2^63 anyway). */
	views_format(out, (unsigned long long)counter_live(s->base, n));
}

/* Builds the body from a cached page and live counts: the counts are
 * read (or the view added) at the last moment, when the answer is
 * complete and about to be sent. */
static void S_splice(const struct cached_page *e, enum view first,
    struct buf *body)
{
	char text[32];
	size_t i, at = 0;

	buf_reset(body);
	for (i = 0; i < e->nslots; i++) {
		buf_put(body, e->page.data + at, e->slots[i].off - at);
		S_count_text(text, &e->slots[i], i == 0 ? first : VIEW_NONE);
		buf_puts(body, text);
		at = e->slots[i].off;
	}
	buf_put(body, e->page.data + at, e->page.len - at);
}

void pages_slot_for(struct pages *p, struct cached_slot *s, int64_t key,
    int64_t base)
{
	s->base = base;
	s->ctr = counter_slot(p->counter, key);
	if (s->ctr == NULL && !p->counter_full_logged) {
		log_line("view counter file is full: new articles show "
		    "their stored count only; see README");
		p->counter_full_logged = 1;
	}
}

/* The review line, the JSON-LD and the pictures; jsonld is the caller's
 * to free. */
static size_t S_post_extras(struct pages *p, const struct article *a,
    const char *description, const char *path, char *reviewed,
    size_t reviewedlen, const struct post_pictures *pics,
    struct buf *jsonld, struct tval *v)
{
	size_t n = 0;

	reviewed[0] = '\0';
	if (a->reviewed_on[0] != '\0')
		layout_human_date(a->reviewed_on, reviewed, reviewedlen);
	v[n++] = tv_text("reviewed", reviewed);
	v[n++] = tv_text("reviewed_iso", a->reviewed_on);
	v[n++] = tv_text("reviewer", a->reviewed_by);
	jsonld_post(&p->site.settings, a, description, path,
	    pics->has_preview ? pics->preview.url : NULL, jsonld);
	v[n++] = tv_html("cover", pics->cover.data ? pics->cover.data : "",
	    pics->cover.len);
	v[n++] = tv_html("body", pics->body.data ? pics->body.data : "",
	    pics->body.len);
	return n;
}

/* 0; -1 when it cannot be rendered; RENDER_SLOW past the render bound. */
static int S_render_post(struct pages *p, const struct article *a,
    struct cached_page *e)
{
	char published[48], updated[48], reading[32], path[128], reviewed[48];
	struct buf jsonld = BUF_INIT;
	struct md_page md;
	struct page_head head = { 0 };
	struct post_values *pv;
	struct post_pictures pics;
	struct tval v[7 + POST_MORE_VALS + 5];
	size_t n = 0, slot = SIZE_MAX;
	int rc;

	pv = xcalloc(1, sizeof(*pv));
	md_page_init(&md);
	if ((rc = render_article(p->site.store, a, &md)) != RENDER_OK ||
	    post_values_load(p, a, pv) != 0) {
		md_page_free(&md);
		post_values_free(pv);
		free(pv);
		return rc == RENDER_SLOW ? RENDER_SLOW : -1;
	}
	layout_human_date(a->published_at, published, sizeof(published));
	layout_human_date(a->updated_at, updated, sizeof(updated));
	snprintf(reading, sizeof(reading), "%u min read",
	    md_reading_minutes(md.words));
	snprintf(path, sizeof(path), "/post/%s", a->slug);
	v[n++] = tv_text("title", a->title);
	v[n++] = tv_text("published", published);
	v[n++] = tv_text("published_iso", a->published_at);
	v[n++] = tv_text("updated", updated);
	v[n++] = tv_text("updated_iso", a->updated_at);
	v[n++] = tv_text("reading", reading);
	v[n++] = tv_slot("views", 0);
	n += post_values_add(pv, v + n);
	head.title = a->title;
	head.description = buf_cstr(&md.excerpt);
	head.path = path;
	post_pictures_draw(p, a, &md, &pics);
	n += S_post_extras(p, a, head.description, path, reviewed,
	    sizeof(reviewed), &pics, &jsonld, v + n);
	head.published = a->published_at;
	head.jsonld = buf_cstr(&jsonld);
	head.image = pics.has_preview ? &pics.preview : NULL;
	rc = layout_render(&p->look, p->tmpl->post, v, n, &head, &e->page,
	    &slot, 1) || pics.failed ? -1 : 0;
	post_pictures_free(&pics);
	md_page_free(&md);
	post_values_free(pv);
	free(pv);
	buf_free(&jsonld);
	if (rc != 0)
		return -1;
	e->status = 200;
	/* A template may omit the count; slots[0] still serves to count. */
	e->nslots = slot == SIZE_MAX ? 0 : 1;
	e->slots[0].off = slot;
	pages_slot_for(p, &e->slots[0], a->key, a->base);
	return 0;
}

/* 200 with the article; 404 when no published article has the slug;
 * 500 when it cannot be rendered; 503 when the database cannot be read. */
void pages_article(struct pages *p, const struct request *r,
    const struct route *rt, struct response *resp)
{
	struct cached_page *e;
	struct article a;
	char key[CACHE_KEY_MAX];
	enum view mode;
	int rc;

	if (!p->fresh) {
		pages_error(p, resp, 503, NULL);
		return;
	}
	/* No printf on the hot path: "post:" and a slug of at most 80. */
	_Static_assert(5 + ROUTE_SLUG_MAX + 1 <= CACHE_KEY_MAX, "key fits");
	memcpy(key, "post:", 5);
	memcpy(key + 5, rt->slug, strlen(rt->slug) + 1);
	if ((e = cache_get(p->cache, key)) == NULL) {
		rc = store_article(p->site.store, rt->slug, p->site.now_iso,
		    p->generation, &a);
		if (rc == STORE_NOTFOUND) {
			pages_old_slug(p, rt->slug, resp);
			return;
		}
		if (rc != STORE_OK) {
			pages_unavailable(p);
			pages_error(p, resp, 503, NULL);
			return;
		}
		e = cache_claim(p->cache, key);
		if ((rc = S_render_post(p, &a, e)) != 0) {
			if (rc != RENDER_SLOW)
				log_line("rendering article %s failed", a.slug);
			store_article_free(&a);
			cache_abandon(p->cache, e);
			pages_error(p, resp, rc == RENDER_SLOW ? 503 : 500,
			    rc == RENDER_SLOW ? PAGES_TOO_SLOW : NULL);
			return;
		}
		store_article_free(&a);
		e = cache_done(p->cache, e);
	}
	resp->status = 200;
	/* What the first count of the page does (views.h). */
	mode = p->counting ? views_countable(r) : VIEW_NONE;
	S_splice(e, mode, &resp->body);
	/* A post template that shows no count still counts the view. */
	if (mode == VIEW_COUNT && e->nslots == 0 && e->slots[0].ctr != NULL)
		counter_add(e->slots[0].ctr);
}

/* ---- the blog list ----------------------------------------------------- */

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
	p->npages = (n + PER_PAGE - 1) / PER_PAGE;
	p->page_keys = xcalloc(p->npages ? p->npages : 1, sizeof(*all));
	for (i = 0; i < p->npages; i++)
		p->page_keys[i] = all[i * PER_PAGE];
	free(all);
	p->have_keys = 1;
	return 0;
}

/* 200 with list page rt->page; 404 past the last page; 500 when it
 * cannot be rendered; 503 when the database cannot be read. */
void pages_list(struct pages *p, const struct request *r,
    const struct route *rt, struct response *resp)
{
	struct article arts[PER_PAGE];
	const struct list_key *from = NULL;
	struct list_spec spec = { "/blog", "Articles", p->site.settings.name,
	    0, 1 };
	struct cached_page *e;
	char key[CACHE_KEY_MAX];
	size_t n = 0;

	(void)r;
	if (!p->fresh) {
		pages_error(p, resp, 503, NULL);
		return;
	}
	snprintf(key, sizeof(key), "list:%lu", rt->page);
	if ((e = cache_get(p->cache, key)) == NULL) {
		if (S_page_keys(p) != 0) {
			pages_unavailable(p);
			pages_error(p, resp, 503, NULL);
			return;
		}
		if (rt->page > 1 && rt->page > p->npages) {
			pages_error(p, resp, 404, NULL);
			return;
		}
		if (rt->page > 1)
			from = &p->page_keys[rt->page - 1];
		if (store_list(p->site.store, p->site.now_iso, from, p->generation, arts,
		    PER_PAGE, &n) != STORE_OK) {
			pages_unavailable(p);
			pages_error(p, resp, 503, NULL);
			return;
		}
		spec.npages = p->npages;
		e = cache_claim(p->cache, key);
		if (pages_render_list(p, &spec, rt->page, arts, n, e) != 0) {
			cache_abandon(p->cache, e);
			while (n > 0)
				store_article_free(&arts[--n]);
			pages_error(p, resp, 500, NULL);
			return;
		}
		while (n > 0)
			store_article_free(&arts[--n]);
		e = cache_done(p->cache, e);
	}
	resp->status = 200;
	S_splice(e, VIEW_NONE, &resp->body);
}

void pages_splice(const struct cached_page *e, struct buf *body)
{
	S_splice(e, VIEW_NONE, body);
}

void pages_redirect(struct pages *p, struct response *resp,
    const char *path)
{
	struct buf loc = BUF_INIT;

	buf_puts(&loc, p->root);	/* as the CGI server sent it */
	text_url_encode_path(&loc, path, strlen(path));
	response_header(resp, "Location", buf_cstr(&loc));
	buf_free(&loc);
	resp->status = 301;
	buf_reset(&resp->body);
	errors_render(&p->look, 301, NULL, &resp->body);
}

/* 301 to rt->location: the page's one address. */
void pages_moved(struct pages *p, const struct request *r,
    const struct route *rt, struct response *resp)
{
	(void)r;
	pages_redirect(p, resp, rt->location);
}

/* 404: no page at this address, whether the database is up or not. */
void pages_not_found(struct pages *p, const struct request *r,
    const struct route *rt, struct response *resp)
{
	(void)r;
	(void)rt;
	pages_error(p, resp, 404, NULL);
}

static void S_handle(struct pages *p, const struct request *r,
    struct response *resp)
{
	struct route rt;

	site_clock(&p->site);
	/* Under CGI every link starts with the script's path; cached pages
	 * hold links, so a different root empties the cache. */
	if (strcmp(p->root, r->root) != 0) {
		snprintf(p->root, sizeof(p->root), "%s", r->root);
		site_forget(&p->site);
	}
	resp->head_only = r->method == METHOD_HEAD;
	/* First, so that even an error page shows the current settings. */
	p->fresh = site_refresh(&p->site) == 0;
	if (p->changes != p->site.changes)
		S_drop(p);
	if (r->status != 0) {
		pages_error(p, resp, r->status, r->error);
		return;
	}
	if (r->method == METHOD_OTHER) {
		pages_error(p, resp, 405, NULL);
		return;
	}
	/* One redirect, to the final address: "/post/ABC/" goes straight
	 * to "/post/abc", not through "/post/ABC". */
	route_path(r->path, &rt);
	if (r->redirect && rt.location[0] == '\0') {
		pages_redirect(p, resp, r->path);
		return;
	}
	rt.handler(p, r, &rt, resp);
}

void pages_handle(struct pages *p, const struct request *r,
    struct response *resp)
{
	store_request_begin(p->site.store);
	S_handle(p, r, resp);
	store_request_end(p->site.store);
}
